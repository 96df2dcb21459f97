package io.vigie.bench.jmh.correlation;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The {@link CorrelationBenchmark} workloads timed by the driving thread's CPU time instead of wall time: on a
 * shared machine this leaves out the time the thread waited for a core (not what it lost to other tenants' cache
 * pressure). Same state, same stream, same per-op work as the JMH benchmark; 4 warm-up rounds then 12 measured rounds
 * of {@code events} events, one line per round. Not a JMH benchmark; run it alone:
 * {@code java -cp bench/target/benchmarks.jar io.vigie.bench.jmh.correlation.CorrelationCpuTime eventCount 10000}
 * (workload {@code eventCount|valueCount|temporalOrdered}, keys or distinct values, optional events per round; a
 * fourth argument {@code onMatch} drives the engine by {@code onMatch} instead of {@code onMatchInBatch}).
 *
 * <p>With a fourth argument {@code paired}, two engines fed the same stream alternate round by round, one driven by
 * {@code onMatchInBatch} (as a rule worker drives it) and one by {@code onMatch}: each pair of rounds runs under the
 * same neighbours, so the per-pair ratio is a fair A/B of the match pipeline on a noisy machine.
 */
public final class CorrelationCpuTime {
    private static final int WARMUP_ROUNDS = 4;
    private static final int ROUNDS = 12;

    private CorrelationCpuTime() {
    }

    /** Entry point; prints {@code workload keys round cpuNsPerEvent wallNsPerEvent} per measured round. */
    public static void main(final String[] args) {
        final String workload = args.length > 0 ? args[0] : "eventCount";
        final int keys = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        final int events = args.length > 2 ? Integer.parseInt(args[2]) : 5_000_000;
        final boolean paired = args.length > 3 && "paired".equals(args[3]);
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final CorrelationBenchmark.Stream a = stream(workload, keys);
        a.inBatch = !(args.length > 3 && "onMatch".equals(args[3]));
        final CorrelationBenchmark.Stream b = paired ? stream(workload, keys) : null;
        if (b != null) {
            b.inBatch = false;
        }
        final double[] ratios = new double[ROUNDS];
        long sink = 0;
        for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
            final long cpuA = run(a, events, mx);
            sink += a.seq;
            if (round >= WARMUP_ROUNDS && b == null) {
                System.out.printf(Locale.ROOT, "workload=%s keys=%d round=%d cpuNsPerEvent=%.1f%n", workload, keys,
                    round - WARMUP_ROUNDS, cpuA / (double) events);
            }
            if (b != null) {
                final long cpuB = run(b, events, mx);
                sink += b.seq;
                if (round >= WARMUP_ROUNDS) {
                    final int r = round - WARMUP_ROUNDS;
                    ratios[r] = cpuB / (double) cpuA;
                    System.out.printf(Locale.ROOT, "workload=%s keys=%d round=%d inBatch cpuNsPerEvent=%.1f onMatch "
                        + "cpuNsPerEvent=%.1f onMatch/inBatch=%.2f%n", workload, keys, r, cpuA / (double) events,
                        cpuB / (double) events, ratios[r]);
                }
            }
        }
        if (b != null) {
            Arrays.sort(ratios);
            System.out.printf(Locale.ROOT, "# median onMatch/inBatch=%.2f (min %.2f, max %.2f)%n",
                (ratios[ROUNDS / 2 - 1] + ratios[ROUNDS / 2]) / 2, ratios[0], ratios[ROUNDS - 1]);
        }
        System.out.println("# alerts=" + a.sink.alerts + (b != null ? "/" + b.sink.alerts : "") + " checksum=" + sink);
    }

    private static long run(final CorrelationBenchmark.Stream s, final int events, final ThreadMXBean mx) {
        final long cpu0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < events; i++) {
            s.next();
        }
        return mx.getCurrentThreadCpuTime() - cpu0;
    }

    private static CorrelationBenchmark.Stream stream(final String workload, final int keys) {
        switch (workload) {
            case "valueCount": {
                final CorrelationBenchmark.ValueCount v = new CorrelationBenchmark.ValueCount();
                v.distinctValues = keys;
                v.eventsPerSecond = 100_000;
                v.setUp();
                return v;
            }
            case "temporalOrdered": {
                final CorrelationBenchmark.TemporalOrdered t = new CorrelationBenchmark.TemporalOrdered();
                t.keys = keys;
                t.eventsPerSecond = 100_000;
                t.setUp();
                return t;
            }
            default: {
                final CorrelationBenchmark.EventCount e = new CorrelationBenchmark.EventCount();
                e.keys = keys;
                e.eventsPerSecond = 100_000;
                e.setUp();
                return e;
            }
        }
    }
}
