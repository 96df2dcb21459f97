package io.vigie.bench.jmh.correlation;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How fast can this machine run the peer workload at all? The {@link CorrelationBenchmark.EventCount} stream (the
 * same keys, event times and per-op slot refill) fed, in alternating rounds timed by thread CPU time, to the engine
 * and to a single-purpose loop that knows only this rule: {@code event_count >= 5} per {@code source.ip} within
 * 60 s, with the engine's record layout (a tag table of ints, three cache lines per key: meta, key words and incident
 * fields; the ring of 7 window times; their seqs) and the engine's key hash, but no rule types, no field lookup
 * beyond the one field, no timers, no TLP, no late or out-of-order handling, no alert objects (crossings and updates
 * are counted). It is a floor, not a competitor: what the engine's generality costs, and what the hardware leaves
 * for any implementation of the same data layout. {@code peer-workload-floor.c} (next to the benchmarks' sources,
 * in {@code bench/floor/}) is the same loop in C, without the slot refill.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.vigie.bench.jmh.correlation.CorrelationFloor 10000}: prints per
 * round the ns per event of both, then the medians and their ratio.
 */
public final class CorrelationFloor {
    private static final int WARMUP_ROUNDS = 4;
    private static final int ROUNDS = 12;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);

    private CorrelationFloor() {
    }

    /** The single-purpose loop's state: the engine's layout for one exact event_count rule, nothing else. */
    static final class Floor {
        private static final int TIMES = 8;
        private static final int SEQS = 16;
        private static final int CAPACITY = 7;
        private static final int THRESHOLD = 5;
        private static final long SPAN = TimeUnit.SECONDS.toNanos(60);
        private static final long SLACK = TimeUnit.SECONDS.toNanos(5);
        private static final long ACTIVE = 1L << 24;
        private static final long K0 = 0x9afba372a0337f25L;
        private static final long K1 = 0x1909ef25f845dba9L;
        private static final long K2 = 0x969418d0f7af71e2L;
        private static final long K3 = 0xeff3869432460a6aL;

        /** Longs per key record: 24 (the engine's 3 lines) or 16 (without the seqs line: a compact layout's bound). */
        private final int stride;
        private final int[] table;
        private final int mask;
        private final long[] hot;
        private int used;
        long alerts;

        Floor(final int keys, final boolean compact) {
            stride = compact ? 16 : 24;
            table = new int[Integer.highestOneBit(Math.max(keys, 16) * 4 - 1) << 1];
            mask = table.length - 1;
            hot = new long[(keys + 1) * stride];
        }

        void apply(final TelemetryEvent e) {
            final int i = e.indexOf(Fields.SOURCE_IP);
            final int len = e.valueLength(i);
            final int off = e.valueOffset(i);
            final byte[] raw = e.arena();
            long v0 = (long) LONGS.get(raw, off);
            long v1 = (long) LONGS.get(raw, off + 8);
            if (len < 16) {
                v1 &= len <= 8 ? 0 : (1L << ((len - 8) << 3)) - 1;
            }
            if (len < 8) {
                v0 &= (1L << (len << 3)) - 1;
            }
            final long w0 = ((len >>> 8) & 0xFF) | ((long) (len & 0xFF) << 8) | (v0 << 16);
            final long w1 = (v0 >>> 48) | (v1 << 16);
            final long w2 = v1 >>> 48;
            final long f = fold(fold(w0 ^ K0, w1 ^ K1) ^ K2, w2 ^ K3);
            final int hash = (int) (f ^ (f >>> 32));
            final int tag = hash & ~mask;
            int h;
            for (int p = hash & mask; ; p = (p + 1) & mask) {
                final int v = table[p];
                if (v == 0) {
                    final int slot = used++;
                    table[p] = tag | (slot + 1);
                    h = slot * stride;
                    hot[h] = (long) len + 2;
                    hot[h + 1] = w0;
                    hot[h + 2] = w1;
                    hot[h + 3] = w2;
                    break;
                }
                if ((v & ~mask) == tag) {
                    h = ((v & mask) - 1) * stride;
                    if ((hot[h] & 0x7FFF) == len + 2 && hot[h + 1] == w0 && hot[h + 2] == w1 && hot[h + 3] == w2) {
                        break;
                    }
                }
            }
            final long t = e.timestampNanos;
            final long meta = hot[h];
            int n = (int) (meta >>> 32);
            int head = (int) (meta >>> 27) & 7;
            if (t > hot[h + 4]) {
                hot[h + 4] = t;
            }
            final long from = hot[h + 4] - SPAN;
            if (n == CAPACITY) {
                int drop = 0;
                while (drop < n && hot[h + TIMES + ((head + drop) & 7)] < from - SLACK) {
                    drop++;
                }
                drop = Math.max(drop, 1);
                n -= drop;
                head = (head + drop) & 7;
            }
            final int p = (head + n) & 7;
            hot[h + TIMES + p] = t;
            if (stride > SEQS) {
                hot[h + SEQS + p] = e.seq;
            }
            n++;
            int below = 0;
            while (below < n && hot[h + TIMES + ((head + below) & 7)] < from) {
                below++;
            }
            long next = (meta & 0x7FFFFFFL) | ((long) n << 32) | ((long) head << 27);
            if (n - below >= THRESHOLD) {
                next |= ACTIVE;
                if ((meta & ACTIVE) == 0) {
                    hot[h + 5] = 1;
                    hot[h + 6] = t;
                    hot[h + 7] = t;
                    alerts++;
                } else {
                    hot[h + 5]++;
                    hot[h + 6] = Math.max(hot[h + 6], t);
                    if (t - hot[h + 7] >= SPAN) {
                        hot[h + 7] = t;
                        alerts++;
                    }
                }
            } else {
                next &= ~ACTIVE;
                if ((meta & ACTIVE) != 0) {
                    alerts++;
                }
            }
            hot[h] = next;
        }

        private static long fold(final long a, final long b) {
            return Math.multiplyHigh(a, b) ^ (a * b);
        }
    }

    /**
     * Entry point: {@code [keys] [events per round] [compact]}; {@code compact}: the floor's records are two lines
     * (no seqs, so no evidence), the most any layout that keeps 64-bit window times could save.
     */
    public static void main(final String[] args) {
        final int keys = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final int events = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final CorrelationBenchmark.EventCount engine = stream(keys);
        final CorrelationBenchmark.EventCount floorStream = stream(keys);
        final boolean compact = args.length > 2 && "compact".equals(args[2]);
        final Floor floor = new Floor(keys, compact);
        final double[] e = new double[ROUNDS];
        final double[] f = new double[ROUNDS];
        for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
            long cpu = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < events; i++) {
                engine.next();
            }
            final double engineNs = (mx.getCurrentThreadCpuTime() - cpu) / (double) events;
            cpu = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < events; i++) {
                floor.apply(floorStream.fillOnly());
            }
            final double floorNs = (mx.getCurrentThreadCpuTime() - cpu) / (double) events;
            if (round >= WARMUP_ROUNDS) {
                e[round - WARMUP_ROUNDS] = engineNs;
                f[round - WARMUP_ROUNDS] = floorNs;
                System.out.printf(Locale.ROOT, "keys=%d round=%d engine=%.1f floor=%.1f ns/event%n", keys,
                    round - WARMUP_ROUNDS, engineNs, floorNs);
            }
        }
        Arrays.sort(e);
        Arrays.sort(f);
        final double me = (e[ROUNDS / 2 - 1] + e[ROUNDS / 2]) / 2;
        final double mf = (f[ROUNDS / 2 - 1] + f[ROUNDS / 2]) / 2;
        System.out.printf(Locale.ROOT, "# keys=%d median engine=%.1f floor=%.1f ns/event (min %.1f / %.1f), "
            + "engine/floor=%.2f; alerts engine=%d floor=%d%n", keys, me, mf, e[0], f[0], me / mf,
            engine.sink.alerts, floor.alerts);
    }

    private static CorrelationBenchmark.EventCount stream(final int keys) {
        final CorrelationBenchmark.EventCount s = new CorrelationBenchmark.EventCount();
        s.keys = keys;
        s.eventsPerSecond = 100_000;
        s.setUp();
        return s;
    }
}
