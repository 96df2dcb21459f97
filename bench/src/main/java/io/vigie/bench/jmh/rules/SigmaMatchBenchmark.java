package io.vigie.bench.jmh.rules;

import io.vigie.bench.jmh.codec.SampleLines;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.detect.AlertSink;
import io.vigie.engine.detect.Detector;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.rules.RuleConfig;
import io.vigie.rules.compile.RuleSet;
import io.vigie.rules.eval.SigmaDetectorFactory;
import io.vigie.rules.load.RuleLoadResult;
import io.vigie.rules.load.RuleSetLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Sigma detection, one rule worker: the bundled pack (the 308 SigmaHQ linux, network and web rules) evaluated on
 * pre-decoded events (syslog auth lines, RFC 5424 lines, access-log lines, cycling). {@code ops/s} = events/s/core.
 * {@code prefilter=false} evaluates every routed rule (the baseline the prefilter is measured against).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class SigmaMatchBenchmark {
    @Param({"true", "false"})
    public boolean prefilter;

    private TelemetryEvent[] events;
    private Detector detector;
    private int next;
    private long alerts;
    private final AlertSink sink = this::onAlert;

    private void onAlert(final Alert alert) {
        alerts++;
    }

    @Setup
    public void setUp() {
        final RuleLoadResult loaded = RuleSetLoader.loadBundled(new RuleConfig());
        final RuleSet rules = loaded.ruleSet().withPrefilter(prefilter);
        detector = new SigmaDetectorFactory(rules, "bench").create(0, 1);
        detector.onStart();
        final AutoDetectDecoder decoder = SampleLines.autoDecoder();
        final byte[][][] sets = {SampleLines.RFC3164, SampleLines.RFC5424, SampleLines.ACCESS};
        int n = 0;
        for (final byte[][] s : sets) {
            n += s.length;
        }
        events = new TelemetryEvent[n];
        int i = 0;
        for (final byte[][] s : sets) {
            for (final byte[] line : s) {
                events[i] = SampleLines.decoded(decoder, line, i);
                i++;
            }
        }
    }

    @Benchmark
    public long match() {
        final TelemetryEvent e = events[next];
        next = next + 1 == events.length ? 0 : next + 1;
        detector.onEvent(e, sink);
        return alerts;
    }
}
