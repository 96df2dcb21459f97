package io.vigie.bench.jmh.codec;

import io.vigie.engine.ring.EventFormat;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CEF decode stage, one thread: a frame is copied into a reused slot and decoded in place by the listener's
 * {@link AutoDetectDecoder} (syslog header when present, CEF header and extension, ECS mapping, logsource), exactly
 * what a Netty event loop does per frame. {@code ops/s} = lines/s/core; run with {@code -prof gc}.
 * <ul>
 *   <li>{@code corpus}: the 160 lines of {@code cef/parser-test-lines.valid.cef} (217 B avg; bare, behind RFC 3164 /
 *       5424 headers, or behind an epoch prefix), {@code format: auto} as in the end-to-end TCP CEF figure.</li>
 *   <li>{@code corpusForced}: the same lines on a {@code format: cef} listener (prefixes skipped to {@code CEF:}).</li>
 *   <li>{@code corpusBare}: the same lines from their {@code CEF:} on (the CEF decoder alone, no syslog header).</li>
 *   <li>{@code firewall}: one bare PAN-OS style traffic line with 17 extension pairs.</li>
 * </ul>
 * The corpus is read at setup from the {@code vigie.corpus} system property, else {@code /work/shared/corpus}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CefDecodeBenchmark {
    /** A typical firewall traffic log as CEF (PAN-OS field set), with a label pair and an escaped backslash. */
    static final String FIREWALL = "CEF:0|Palo Alto Networks|PAN-OS|10.1.6|end|TRAFFIC|3|"
        + "rt=Dec 03 2026 12:00:01 GMT deviceExternalId=012801012345 src=10.1.2.3 dst=203.0.113.10 "
        + "spt=51515 dpt=443 proto=TCP act=allow suser=corp\\\\alice cs1Label=Rule cs1=allow-web-out "
        + "deviceInboundInterface=ethernet1/2 deviceOutboundInterface=ethernet1/1 in=1532 out=8812 cat=end "
        + "app=ssl cnt=1";

    @Param({"corpus", "corpusForced", "corpusBare", "firewall"})
    public String lines;

    /**
     * Events decoded into, in turn (a power of two). 1: one event, hot in cache; 16384: as many as the engine's ring
     * has slots, so each decode writes into an event last written 16384 decodes ago (cold), as on the IO thread.
     */
    @Param({"1"})
    public int slots;

    private byte[][] frames;
    private AutoDetectDecoder decoder;
    private TelemetryEvent[] events;
    private final TelemetryEvent event = new TelemetryEvent();
    private int next;
    private int slot;

    @Setup
    public void setUp() {
        frames = "firewall".equals(lines) ? new byte[][] {FIREWALL.getBytes(StandardCharsets.UTF_8)}
            : corpus("corpusBare".equals(lines));
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        events = new TelemetryEvent[slots];
        events[0] = event;
        for (int i = 1; i < slots; i++) {
            events[i] = new TelemetryEvent();
        }
        decoder = new AutoDetectDecoder("corpusForced".equals(lines) ? EventFormat.CEF : EventFormat.AUTO,
            new DecoderSettings(), new MessageDecoders());
        // Every frame must decode: a reject would measure the error path instead.
        for (int i = 0; i < Math.max(frames.length, slots); i++) {
            final byte[] f = frames[i % frames.length];
            final TelemetryEvent event = events[i & (slots - 1)];
            event.reset();
            event.setRaw(f, 0, f.length);
            decoder.decode(event);
            if (event.rejectReason != 0) {
                throw new IllegalStateException("rejected (" + event.rejectReason + "): "
                    + new String(f, StandardCharsets.UTF_8));
            }
        }
    }

    private static byte[][] corpus(final boolean bare) {
        final String dir = System.getProperty("vigie.corpus", "/work/shared/corpus");
        try {
            final List<String> text = Files.readAllLines(Path.of(dir, "cef", "parser-test-lines.valid.cef"),
                StandardCharsets.UTF_8);
            final byte[][] out = new byte[text.size()][];
            for (int i = 0; i < out.length; i++) {
                final String line = text.get(i);
                out[i] = (bare ? line.substring(line.indexOf("CEF:")) : line).getBytes(StandardCharsets.UTF_8);
            }
            return out;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public int decode() {
        final byte[] line = frames[next];
        next = next + 1 == frames.length ? 0 : next + 1;
        final TelemetryEvent e = events[slot];
        slot = (slot + 1) & (slots - 1);
        e.reset();
        e.receivedNanos = 1_764_748_862_000_000_000L;
        e.setRaw(line, 0, line.length);
        decoder.decode(e);
        return e.fieldCount();
    }
}
