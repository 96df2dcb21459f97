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

import java.util.concurrent.TimeUnit;

/**
 * One rule worker's correlation engine, driven directly (as {@code SigmaDetector} drives it after a base rule
 * matched): {@code owns} then {@code onMatch} per event, {@code onBatchEnd} every 256 events. Throughput = events/s
 * on one worker core. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} should be ~0 B/op (alerts allocate;
 * they are rare: an open incident emits at most one update per timespan of event time).
 *
 * <ul>
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

    /** State common to the three workloads: a stream of (slot, time) and the engine's cursor. */
    @State(Scope.Thread)
    public abstract static class Stream {
        /** Event-time rate of the stream (events per second of event time). */
        @Param({"100000"})
        public long eventsPerSecond;

        TelemetryEvent[] slots;
        int[] slotOf;
        int[] ruleOf;
        long dtNanos;
        long cycleNanos;
        long shift;
        long seq;
        int cursor;
        CorrelationEngine engine;
        final Workloads.CountingSink sink = new Workloads.CountingSink();

        void stream(final int[] slotIndexes, final int[] rules) {
            slotOf = slotIndexes;
            ruleOf = rules;
            dtNanos = 1_000_000_000L / eventsPerSecond;
            cycleNanos = dtNanos * slotIndexes.length;
            shift = TimeUnit.DAYS.toNanos(20_000);
        }

        /** One event through the engine. */
        final int next() {
            final int i = cursor;
            final TelemetryEvent e = slots[slotOf[i]];
            e.timestampNanos = shift + i * dtNanos;
            e.seq = seq++;
            final int rule = ruleOf[i];
            if (engine.owns(rule, e, 0, 1)) {
                engine.onMatch(rule, e, sink);
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

        @Setup(Level.Trial)
        public void setUp() {
            final Workloads.Bound b = new Workloads.Bound(Workloads.baseRule("ssh_failed", "a0000000-0000-4000-8000-0000"
                + "00000001") + String.join("\n",
                "title: brute force",
                "id: a0000000-0000-4000-8000-000000000002",
                "correlation: {type: event_count, rules: [ssh_failed], group-by: [source.ip], timespan: 60s,",
                "  condition: {gte: 5}}",
                "level: high",
                ""), config(keys));
            engine = b.engine;
            slots = new TelemetryEvent[keys];
            for (int k = 0; k < keys; k++) {
                slots[k] = new TelemetryEvent();
                slots[k].reset();
                Workloads.put(slots[k], Fields.SOURCE_IP, Workloads.ip(k));
            }
            final int[] rules = new int[STREAM];
            java.util.Arrays.fill(rules, b.rule("ssh_failed"));
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
            final Workloads.Bound b = new Workloads.Bound(Workloads.baseRule("ssh_failed", "b0000000-0000-4000-8000-0000"
                + "00000001") + String.join("\n",
                "title: password spray",
                "id: b0000000-0000-4000-8000-000000000002",
                "correlation: {type: value_count, rules: [ssh_failed], group-by: [source.ip], timespan: 60m,",
                "  condition: {field: user.name, gte: " + distinctValues + "}}",
                "level: high",
                ""), c);
            engine = b.engine;
            final int sources = 1;
            slots = new TelemetryEvent[sources * distinctValues];
            for (int s = 0; s < sources; s++) {
                for (int u = 0; u < distinctValues; u++) {
                    final TelemetryEvent e = new TelemetryEvent();
                    e.reset();
                    Workloads.put(e, Fields.SOURCE_IP, Workloads.ip(s));
                    Workloads.put(e, Fields.USER_NAME, "user" + u);
                    slots[s * distinctValues + u] = e;
                }
            }
            final int[] rules = new int[STREAM];
            java.util.Arrays.fill(rules, b.rule("ssh_failed"));
            stream(Workloads.randomSlots(STREAM, slots.length, 43), rules);
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
            slots = new TelemetryEvent[keys];
            for (int k = 0; k < keys; k++) {
                slots[k] = new TelemetryEvent();
                slots[k].reset();
                Workloads.put(slots[k], Fields.SOURCE_IP, Workloads.ip(k));
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
        return c;
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
