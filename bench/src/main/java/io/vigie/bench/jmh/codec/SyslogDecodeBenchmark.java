package io.vigie.bench.jmh.codec;

import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;
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
 * Decode stage, one thread: a frame is copied into a reused slot and decoded in place (header + message decoders,
 * exactly what a Netty event loop does per frame). {@code ops/s} = lines/s/core; run with {@code -prof gc} for
 * {@code gc.alloc.rate.norm}.
 * <ul>
 *   <li>{@code rfc5424}, {@code rfc3164}: syslog header + message decoders (sshd, sudo, cron, iptables...).</li>
 *   <li>{@code access}: header-less Apache combined lines (shape detection + access-log decoder).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class SyslogDecodeBenchmark {
    @Param({"rfc5424", "rfc3164", "access"})
    public String format;

    private byte[][] lines;
    private AutoDetectDecoder decoder;
    private final TelemetryEvent event = new TelemetryEvent();
    private int next;

    @Setup
    public void setUp() {
        switch (format) {
            case "rfc5424":
                lines = SampleLines.RFC5424;
                break;
            case "rfc3164":
                lines = SampleLines.RFC3164;
                break;
            default:
                lines = SampleLines.ACCESS;
                break;
        }
        decoder = new AutoDetectDecoder(io.vigie.engine.ring.EventFormat.AUTO, new DecoderSettings(),
            new MessageDecoders());
    }

    @Benchmark
    public int decode() {
        final byte[] line = lines[next];
        next = next + 1 == lines.length ? 0 : next + 1;
        final TelemetryEvent e = event;
        e.reset();
        e.receivedNanos = 1_764_748_862_000_000_000L;
        e.setRaw(line, 0, line.length);
        decoder.decode(e);
        return e.fieldCount();
    }
}
