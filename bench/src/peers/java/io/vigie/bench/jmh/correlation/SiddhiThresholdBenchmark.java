package io.vigie.bench.jmh.correlation;

import io.siddhi.core.SiddhiAppRuntime;
import io.siddhi.core.SiddhiManager;
import io.siddhi.core.event.Event;
import io.siddhi.core.query.output.callback.QueryCallback;
import io.siddhi.core.stream.input.InputHandler;
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
 * Peer: Siddhi 5.1 (Apache-2.0) on the workload of {@link CorrelationBenchmark#eventCount} and
 * {@link EsperThresholdBenchmark}: at least 5 failures per source IP within 60 s, the same seeded stream of 1M events
 * over 10k IPs at the same event-time rate (100k events/s). Compiled only with {@code -Ppeers}; never shipped.
 *
 * <p>Siddhi runs in playback mode ({@code @app:playback}): its clock is the timestamp given to
 * {@link InputHandler#send(long, Object[])}, so the 60 s sliding window ({@code #window.time(60 sec)}) expires by
 * event time, as Esper's external clock and Vigie's event time do. The query is synchronous (no {@code @async}), so
 * each event is processed on the caller's thread, as in the other two benchmarks. Each key has one pre-built
 * {@code Object[]} (Siddhi copies the attributes into its own event, so sharing is safe).
 *
 * <p>Semantics, compared honestly with the other two:
 * <ul>
 *   <li>{@code output first every 60 sec} with {@code group by}: Siddhi keeps, per group key (a String), the time
 *       of the last row it let out and lets the next one out once 60 s have passed (checked in Siddhi 5.1.30's
 *       {@code FirstGroupByPerTimeOutputRateLimiter}). So an IP that stays above the threshold alerts at most once
 *       per 60 s, like Esper's per-group {@code output first}; this approximates Vigie's "one alert per crossing,
 *       then at most one per timespan" but does not re-arm on a fall below the threshold and rise again within
 *       60 s of the last alert.</li>
 *   <li>The time window retains every event of the last 60 s of event time (6M events at 100k/s, that is
 *       several cycles of the 1M stream), and the count is an incremental aggregate per group over that window,
 *       updated on arrival and on expiry; Esper's {@code #time(60 sec)} does the same. Vigie keeps per key only the
 *       few latest times the condition needs (threshold + 2; time buckets for large thresholds), not every event.
 *       </li>
 *   <li>{@link InputHandler#send(long, Object[])} allocates an {@code Event} per call and Siddhi builds its own
 *       stream events from it; that cost is part of what is measured, as Esper's event-bean wrapping is.</li>
 *   <li>Siddhi 5.1.30 is built here without its WSO2 re-bundle of LMAX Disruptor 3.4.2 (served only by the WSO2
 *       repository): the classpath has Disruptor 4 (Vigie's). Siddhi uses the Disruptor only for {@code @async}
 *       streams, which this query does not declare.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class SiddhiThresholdBenchmark {
    private static final int STREAM = 1 << 20;

    private static final String APP = String.join("\n",
        "@app:name('vigie-bench')",
        "@app:playback",
        "define stream Failure (sourceIp string);",
        "@info(name = 'bruteforce')",
        "from Failure#window.time(60 sec)",
        "select sourceIp, count() as n",
        "group by sourceIp",
        "having n >= 5",
        "output first every 60 sec",
        "insert into Alerts;");

    @Param({"100000"})
    public long eventsPerSecond;

    @Param({"10000"})
    public int keys;

    private SiddhiManager manager;
    private SiddhiAppRuntime runtime;
    private InputHandler input;
    private Object[][] slots;
    private int[] slotOf;
    private long dtNanos;
    private long cycleNanos;
    private long shift;
    private int cursor;
    private long alerts;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        manager = new SiddhiManager();
        runtime = manager.createSiddhiAppRuntime(APP);
        runtime.addCallback("bruteforce", new QueryCallback() {
            @Override
            public void receive(final long timestamp, final Event[] inEvents, final Event[] removeEvents) {
                alerts += inEvents == null ? 0 : inEvents.length;
            }
        });
        input = runtime.getInputHandler("Failure");
        runtime.start();
        slots = new Object[keys][];
        for (int k = 0; k < keys; k++) {
            slots[k] = new Object[] {Workloads.ip(k)};
        }
        slotOf = Workloads.randomSlots(STREAM, keys, 42);
        dtNanos = 1_000_000_000L / eventsPerSecond;
        cycleNanos = dtNanos * STREAM;
        shift = TimeUnit.DAYS.toMillis(20_000) * 1_000_000L;
    }

    @Benchmark
    public int eventCount() throws InterruptedException {
        final int i = cursor;
        input.send((shift + i * dtNanos) / 1_000_000L, slots[slotOf[i]]);
        if (i + 1 == STREAM) {
            cursor = 0;
            shift += cycleNanos;
        } else {
            cursor = i + 1;
        }
        return i;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("# siddhi alerts=" + alerts);
        runtime.shutdown();
        manager.shutdown();
    }
}
