package io.vigie.bench.jmh.correlation;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.correlation.CorrelationConfig;

import java.util.concurrent.TimeUnit;

/**
 * Retained heap per correlation group key: feeds N distinct source IPs (default 1M) into an {@code event_count}
 * correlation (threshold 5, 60 min, so no key expires) on one engine, and prints the heap retained after a full
 * GC, before and after, per key. Not a JMH benchmark; run it alone (see bench/README or the lead's notes):
 * {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Xmx4g -cp bench/target/benchmarks.jar
 * io.vigie.bench.jmh.correlation.CorrelationMemory 1000000}.
 */
public final class CorrelationMemory {
    private CorrelationMemory() {
    }

    /** Entry point: optional argument = number of keys. Prints one line of key=value results. */
    public static void main(final String[] args) throws InterruptedException {
        final int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int perKey = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        final CorrelationConfig c = new CorrelationConfig();
        c.maxKeys = keys + 1;
        final String yaml = Workloads.baseRule("ssh_failed", "d0000000-0000-4000-8000-000000000001")
            + String.join("\n",
            "title: brute force",
            "id: d0000000-0000-4000-8000-000000000002",
            "correlation: {type: event_count, rules: [ssh_failed], group-by: [source.ip], timespan: 60m,",
            "  condition: {gte: 5}}",
            "");
        final long before = retained();
        final Workloads.Bound b = new Workloads.Bound(yaml, c);
        final int rule = b.rule("ssh_failed");
        final Workloads.CountingSink sink = new Workloads.CountingSink();
        final TelemetryEvent e = new TelemetryEvent();
        final long base = TimeUnit.DAYS.toNanos(20_000);
        long seq = 0;
        for (int round = 0; round < perKey; round++) {
            for (int k = 0; k < keys; k++) {
                e.reset();
                Workloads.put(e, Fields.SOURCE_IP, Workloads.ip(k));
                e.timestampNanos = base + seq * 1_000L;
                e.seq = seq++;
                b.engine.onMatch(rule, e, sink);
            }
        }
        try {
            final long after = retained();
            System.out.println("keys=" + b.engine.liveKeys(0) + " eventsPerKey=" + perKey + " retainedBytes="
                + (after - before) + " bytesPerKey=" + (after - before) / Math.max(1, b.engine.liveKeys(0))
                + " growths=" + b.engine.growths() + " alerts=" + sink.alerts);
        } finally {
            // Keep the engine reachable until after the measurement.
            java.lang.ref.Reference.reachabilityFence(b);
        }
    }

    private static long retained() throws InterruptedException {
        final Runtime r = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, r.totalMemory() - r.freeMemory());
        }
        return used;
    }
}
