package io.vigie.bench.jmh.correlation;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.correlation.CorrelationConfig;
import io.vigie.rules.correlation.CorrelationEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One rule worker's correlation engine, driven directly (as {@code SigmaDetector} drives it after a base rule
 * matched): {@code owns} then {@code onMatch} per event, {@code onBatchEnd} every 256 events. Throughput = events/s
 * on one worker core. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} should be ~0 B/op (alerts allocate;
 * they are rare: an open incident emits at most one update per timespan of event time).
 *
 * <p><b>What one op counts.</b> One event: refill one of 64 reused {@link TelemetryEvent} slots as a decoder would
 * ({@code reset()}, then {@code addField} of the key's bytes read in stream order from one input buffer, as a decoder
 * reads its socket buffer: {@code source.ip}, plus {@code user.name} for value_count), set its event time and seq,
 * then {@code owns} + {@code onMatch} (and {@code onBatchEnd} every 256 events). The event is therefore hot in L1,
 * as it is in production where the correlation sees the slot the worker just matched; what the figure measures is
 * the engine's window state (key table, per-key records), not the cost of fetching 10k cold 5 KB events from DRAM.
 * Alert emission (rare) is included. The stream of keys and event times is the seeded one the Esper peer benchmark
 * replays ({@link Workloads#randomSlots}, seed 42 for event_count: 1M events over 10k IPs at
 * {@code eventsPerSecond} of event time), so the figures stay comparable.
 *
 * <ul>
 *   <li>{@link #fill}: baseline, the per-op slot refill alone (the part of every figure that is not the engine).</li>
 *   <li>{@link #eventCount}: the peer workload: {@code event_count >= 5} failures per {@code source.ip} within 60 s,
 *       a stream of 1M events over 10k IPs (random order) at {@code eventsPerSecond} of event time.</li>
 *   <li>{@link #valueCount}: {@code value_count(user.name) >= 10000} per {@code source.ip} within 60 min, 10k
 *       distinct user names per window (a password spray from one source).</li>
 *   <li>{@link #temporalOrdered}: three steps a, b, c in order per {@code source.ip} within 60 s, 10k IPs.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CorrelationBenchmark {
    private static final int STREAM = 1 << 20;
    private static final int BATCH_MASK = 255;
    /** Reused event slots, as a ring's (a power of two). */
    private static final int RING = 64;

    /** State common to the three workloads: a stream of (slot, time) and the engine's cursor. */
    @State(Scope.Thread)
    public abstract static class Stream {
        /** Event-time rate of the stream (events per second of event time). */
        @Param({"100000"})
        public long eventsPerSecond;

        /**
         * Per key (slot index of the stream): the pre-encoded value of {@code fieldA}, and of {@code fieldB} or null.
         */
        byte[][] valuesA;
        byte[][] valuesB;
        int fieldA = Fields.SOURCE_IP;
        int fieldB = Fields.USER_NAME;
        final TelemetryEvent[] ring = new TelemetryEvent[RING];
        int[] slotOf;
        int[] ruleOf;
        /**
         * The stream's key bytes as a decoder reads them: event i's {@code fieldA} value is
         * {@code inputA[startA[i], startA[i + 1])}, laid out in stream order (likewise B), so the refill reads its
         * input sequentially, as a decoder reads its socket buffer, instead of one of 10k per-key arrays at random
         * (a cache miss per event that production does not have: ~16 ns/event at 10k keys, perfasm).
         */
        byte[] inputA;
        int[] startA;
        byte[] inputB;
        int[] startB;
        long dtNanos;
        long cycleNanos;
        long shift;
        long seq;
        int cursor;
        CorrelationEngine engine;
        final Workloads.CountingSink sink = new Workloads.CountingSink();

        /**
         * How the engine is driven: {@code onMatchInBatch} (true, as a rule worker does) or {@code onMatch} (false,
         * each match applied at once); {@link CorrelationCpuTime} compares the two.
         */
        boolean inBatch = true;

        /** The base rule of every event when the workload has one (no 4 MB rule stream to read), else -1. */
        int singleRule = -1;

        void stream(final int[] slotIndexes, final int[] rules) {
            for (int i = 0; i < RING; i++) {
                ring[i] = new TelemetryEvent();
                ring[i].reset();
            }
            slotOf = slotIndexes;
            ruleOf = rules;
            startA = new int[slotIndexes.length + 1];
            inputA = concat(valuesA, slotIndexes, startA);
            if (valuesB != null) {
                startB = new int[slotIndexes.length + 1];
                inputB = concat(valuesB, slotIndexes, startB);
            }
            dtNanos = 1_000_000_000L / eventsPerSecond;
            cycleNanos = dtNanos * slotIndexes.length;
            shift = TimeUnit.DAYS.toNanos(20_000);
        }

        private static byte[] concat(final byte[][] values, final int[] slotIndexes, final int[] start) {
            int n = 0;
            for (int i = 0; i < slotIndexes.length; i++) {
                start[i] = n;
                n += values[slotIndexes[i]].length;
            }
            start[slotIndexes.length] = n;
            final byte[] input = new byte[n];
            for (int i = 0; i < slotIndexes.length; i++) {
                final byte[] v = values[slotIndexes[i]];
                System.arraycopy(v, 0, input, start[i], v.length);
            }
            return input;
        }

        /** Refills the next ring slot with the stream's next event (what {@link #fill} measures alone). */
        final TelemetryEvent nextEvent() {
            final TelemetryEvent e = ring[(int) seq & (RING - 1)];
            fill(e);
            return e;
        }

        /** Refills {@code e} with the stream's next event and moves on (the producer of CorrelationWorkerCore). */
        final void fillInto(final TelemetryEvent e) {
            fill(e);
            advance();
        }

        private void fill(final TelemetryEvent e) {
            final int i = cursor;
            e.reset();
            e.addField(fieldA, inputA, startA[i], startA[i + 1] - startA[i]);
            if (inputB != null) {
                e.addField(fieldB, inputB, startB[i], startB[i + 1] - startB[i]);
            }
            e.timestampNanos = shift + i * dtNanos;
            e.seq = seq++;
        }

        private void advance() {
            if (cursor + 1 == slotOf.length) {
                cursor = 0;
                shift += cycleNanos;
            } else {
                cursor++;
            }
        }

        /** Baseline: the slot refill and stream walk of {@link #next}, without the engine. */
        final TelemetryEvent fillOnly() {
            final TelemetryEvent e = nextEvent();
            final int i = cursor;
            if (i + 1 == slotOf.length) {
                cursor = 0;
                shift += cycleNanos;
            } else {
                cursor = i + 1;
            }
            return e;
        }

        /** One event through the engine. */
        final int next() {
            final int i = cursor;
            final TelemetryEvent e = nextEvent();
            final int rule = singleRule >= 0 ? singleRule : ruleOf[i];
            if (engine.owns(rule, e, 0, 1)) {
                if (inBatch) {
                    engine.onMatchInBatch(rule, e, sink);
                } else {
                    engine.onMatch(rule, e, sink);
                }
            }
            if ((seq & BATCH_MASK) == 0) {
                engine.onBatchEnd(0, sink);
            }
            if (i + 1 == slotOf.length) {
                cursor = 0;
                shift += cycleNanos;
            } else {
                cursor = i + 1;
            }
            return rule;
        }

        @TearDown(Level.Trial)
        public void report() {
            System.out.println("# events=" + seq + " alerts=" + sink.alerts + " growths=" + engine.growths()
                + " late=" + engine.lateEvents());
        }
    }

    /** {@code event_count >= 5} per source.ip within 60 s; 1M events over 10k IPs. */
    public static class EventCount extends Stream {
        @Param({"10000"})
        public int keys;

        /** The compiled rules and engine (CorrelationWorkerCore runs the Sigma detector over them). */
        Workloads.Bound bound;

        @Setup(Level.Trial)
        public void setUp() {
            final Workloads.Bound b = new Workloads.Bound(Workloads.baseRule("ssh_failed",
                "a0000000-0000-4000-8000-000000000001") + String.join("\n",
                "title: brute force",
                "id: a0000000-0000-4000-8000-000000000002",
                "correlation: {type: event_count, rules: [ssh_failed], group-by: [source.ip], timespan: 60s,",
                "  condition: {gte: 5}}",
                "level: high",
                ""), config(keys));
            bound = b;
            engine = b.engine;
            valuesA = new byte[keys][];
            for (int k = 0; k < keys; k++) {
                valuesA[k] = Workloads.ip(k).getBytes(StandardCharsets.US_ASCII);
            }
            final int[] rules = new int[STREAM];
            java.util.Arrays.fill(rules, b.rule("ssh_failed"));
            singleRule = b.rule("ssh_failed");
            stream(Workloads.randomSlots(STREAM, keys, 42), rules);
        }
    }

    /** {@code value_count(user.name) >= 10000} per source.ip within 60 min; 10k distinct users per window. */
    public static class ValueCount extends Stream {
        @Param({"10000"})
        public int distinctValues;

        @Setup(Level.Trial)
        public void setUp() {
            final CorrelationConfig c = config(16);
            c.maxValues = distinctValues + 16;
            final Workloads.Bound b = new Workloads.Bound(Workloads.baseRule("ssh_failed",
                "b0000000-0000-4000-8000-000000000001") + String.join("\n",
                "title: password spray",
                "id: b0000000-0000-4000-8000-000000000002",
                "correlation: {type: value_count, rules: [ssh_failed], group-by: [source.ip], timespan: 60m,",
                "  condition: {field: user.name, gte: " + distinctValues + "}}",
                "level: high",
                ""), c);
            engine = b.engine;
            final int sources = 1;
            valuesA = new byte[sources * distinctValues][];
            valuesB = new byte[sources * distinctValues][];
            for (int s = 0; s < sources; s++) {
                for (int u = 0; u < distinctValues; u++) {
                    valuesA[s * distinctValues + u] = Workloads.ip(s).getBytes(StandardCharsets.US_ASCII);
                    valuesB[s * distinctValues + u] = ("user" + u).getBytes(StandardCharsets.US_ASCII);
                }
            }
            final int[] rules = new int[STREAM];
            java.util.Arrays.fill(rules, b.rule("ssh_failed"));
            singleRule = b.rule("ssh_failed");
            stream(Workloads.randomSlots(STREAM, valuesA.length, 43), rules);
        }
    }

    /** temporal_ordered a → b → c per source.ip within 60 s; 10k IPs, each walking its steps in order. */
    public static class TemporalOrdered extends Stream {
        @Param({"10000"})
        public int keys;

        @Setup(Level.Trial)
        public void setUp() {
            final Workloads.Bound b = new Workloads.Bound(
                Workloads.baseRule("step_a", "c0000000-0000-4000-8000-000000000001")
                    + Workloads.baseRule("step_b", "c0000000-0000-4000-8000-000000000002")
                    + Workloads.baseRule("step_c", "c0000000-0000-4000-8000-000000000003") + String.join("\n",
                    "title: recon, exploit, persist",
                    "id: c0000000-0000-4000-8000-000000000004",
                    "correlation: {type: temporal_ordered, rules: [step_a, step_b, step_c], group-by: [source.ip],",
                    "  timespan: 60s}",
                    "level: high",
                    ""), config(keys));
            engine = b.engine;
            valuesA = new byte[keys][];
            for (int k = 0; k < keys; k++) {
                valuesA[k] = Workloads.ip(k).getBytes(StandardCharsets.US_ASCII);
            }
            final int[] steps = {b.rule("step_a"), b.rule("step_b"), b.rule("step_c")};
            final int[] slotOf = Workloads.randomSlots(STREAM, keys, 44);
            final int[] next = new int[keys];
            final int[] rules = new int[STREAM];
            for (int i = 0; i < STREAM; i++) {
                rules[i] = steps[next[slotOf[i]]];
                next[slotOf[i]] = (next[slotOf[i]] + 1) % 3;
            }
            stream(slotOf, rules);
        }
    }

    static CorrelationConfig config(final int keys) {
        final CorrelationConfig c = new CorrelationConfig();
        c.maxKeys = Math.max(keys * 2, 1024);
        // correlation.pipeline_min_kb, for experiments (-Dvigie.bench.pipelineMinKb=0 pipelines every rule)
        c.pipelineMinKb = Integer.getInteger("vigie.bench.pipelineMinKb", c.pipelineMinKb);
        return c;
    }

    /** Baseline: refilling the event slot per op (included in every other figure), no engine call. */
    @Benchmark
    public TelemetryEvent fill(final EventCount s) {
        return s.fillOnly();
    }

    @Benchmark
    public int eventCount(final EventCount s) {
        return s.next();
    }

    @Benchmark
    public int valueCount(final ValueCount s) {
        return s.next();
    }

    @Benchmark
    public int temporalOrdered(final TemporalOrdered s) {
        return s.next();
    }
}
