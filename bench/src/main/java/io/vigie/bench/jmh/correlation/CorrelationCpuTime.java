package io.vigie.bench.jmh.correlation;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The {@link CorrelationBenchmark} workloads timed by the driving thread's CPU time instead of wall time: on a
 * shared machine this leaves out the time the thread waited for a core (not what it lost to other tenants' cache
 * pressure). Same state, same stream, same per-op work as the JMH benchmark; 4 warm-up rounds then 8 measured rounds
 * of {@code events} events, one line per round. Not a JMH benchmark; run it alone:
 * {@code java -cp bench/target/benchmarks.jar io.vigie.bench.jmh.correlation.CorrelationCpuTime eventCount 10000}
 * (workload {@code eventCount|valueCount|temporalOrdered}, keys or distinct values, optional events per round).
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
        final CorrelationBenchmark.Stream s;
        switch (workload) {
            case "valueCount": {
                final CorrelationBenchmark.ValueCount v = new CorrelationBenchmark.ValueCount();
                v.distinctValues = keys;
                v.eventsPerSecond = 100_000;
                v.setUp();
                s = v;
                break;
            }
            case "temporalOrdered": {
                final CorrelationBenchmark.TemporalOrdered t = new CorrelationBenchmark.TemporalOrdered();
                t.keys = keys;
                t.eventsPerSecond = 100_000;
                t.setUp();
                s = t;
                break;
            }
            default: {
                final CorrelationBenchmark.EventCount e = new CorrelationBenchmark.EventCount();
                e.keys = keys;
                e.eventsPerSecond = 100_000;
                e.setUp();
                s = e;
                break;
            }
        }
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            final long cpu0 = mx.getCurrentThreadCpuTime();
            final long wall0 = System.nanoTime();
            for (int i = 0; i < events; i++) {
                sink += s.next();
            }
            final long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            final long wall = System.nanoTime() - wall0;
            if (round >= WARMUP_ROUNDS) {
                System.out.printf("workload=%s keys=%d round=%d cpuNsPerEvent=%.1f wallNsPerEvent=%.1f%n", workload,
                    keys, round - WARMUP_ROUNDS, cpu / (double) events, wall / (double) events);
            }
        }
        System.out.println("# alerts=" + s.sink.alerts + " checksum=" + sink);
    }
}
