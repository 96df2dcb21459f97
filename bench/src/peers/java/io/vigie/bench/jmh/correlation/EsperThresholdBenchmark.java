package io.vigie.bench.jmh.correlation;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.DeploymentOptions;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import com.espertech.esper.runtime.client.UpdateListener;
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
 * Peer: Esper 9 (GPL-2.0) on the workload of {@link CorrelationBenchmark#eventCount}: at least 5 failures per source
 * IP within 60 s, the same seeded stream of 1M events over 10k IPs at the same event-time rate. Esper runs in
 * external time (internal timer off, runtime time advanced to each event's time), with a 60 s time window, grouped
 * count, and {@code output first every 60 seconds} to approximate "one alert per crossing, at most one update per
 * timespan". Compiled only with {@code -Ppeers}; Esper is a benchmark-only dependency and is never shipped.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class EsperThresholdBenchmark {
    private static final int STREAM = 1 << 20;

    /** The event type (a POJO: Esper reads it through getters). */
    public static final class Failure {
        private final String sourceIp;

        public Failure(final String sourceIp) {
            this.sourceIp = sourceIp;
        }

        public String getSourceIp() {
            return sourceIp;
        }
    }

    @Param({"100000"})
    public long eventsPerSecond;

    @Param({"10000"})
    public int keys;

    private EPRuntime runtime;
    private EPEventService events;
    private Failure[] slots;
    private int[] slotOf;
    private long dtNanos;
    private long cycleNanos;
    private long shift;
    private long lastMillis = Long.MIN_VALUE;
    private int cursor;
    private long alerts;

    @Setup(Level.Trial)
    public void setUp() throws EPCompileException, EPDeployException {
        final Configuration config = new Configuration();
        config.getCommon().addEventType("Failure", Failure.class);
        config.getRuntime().getThreading().setInternalTimerEnabled(false);
        final String epl = "@name('bruteforce') select sourceIp, count(*) as n from Failure#time(60 sec) "
            + "group by sourceIp having count(*) >= 5 output first every 60 seconds";
        final EPCompiled compiled = EPCompilerProvider.getCompiler().compile(epl, new CompilerArguments(config));
        runtime = EPRuntimeProvider.getRuntime("vigie-bench-" + System.nanoTime(), config);
        events = runtime.getEventService();
        shift = TimeUnit.DAYS.toMillis(20_000) * 1_000_000L;
        events.advanceTime(shift / 1_000_000L);
        final EPStatement stmt = runtime.getDeploymentService().deploy(compiled, new DeploymentOptions())
            .getStatements()[0];
        stmt.addListener(new UpdateListener() {
            @Override
            public void update(final EventBean[] newEvents, final EventBean[] oldEvents, final EPStatement s,
                               final EPRuntime r) {
                alerts += newEvents == null ? 0 : newEvents.length;
            }
        });
        slots = new Failure[keys];
        for (int k = 0; k < keys; k++) {
            slots[k] = new Failure(Workloads.ip(k));
        }
        slotOf = Workloads.randomSlots(STREAM, keys, 42);
        dtNanos = 1_000_000_000L / eventsPerSecond;
        cycleNanos = dtNanos * STREAM;
    }

    @Benchmark
    public int eventCount() {
        final int i = cursor;
        final long millis = (shift + i * dtNanos) / 1_000_000L;
        if (millis != lastMillis) {
            events.advanceTime(millis);
            lastMillis = millis;
        }
        events.sendEventBean(slots[slotOf[i]], "Failure");
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
        System.out.println("# esper alerts=" + alerts);
        runtime.destroy();
    }
}
