package io.vigie.ingest.file;

import com.lmax.disruptor.RingBuffer;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.SourceFiles;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.FrameDecoder;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.codec.syslog.TestCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class FileReplaySourceTest {
    @TempDir
    Path dir;

    @SuppressWarnings("UnnecessaryLambda") // a factory: a new decoder per call
    private final Supplier<FrameDecoder> decoders =
        () -> new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(), new MessageDecoders());

    private static List<String> published(final RingBuffer<TelemetryEvent> ring) {
        final List<String> out = new ArrayList<>();
        for (long s = 0; s <= ring.getCursor(); s++) {
            final TelemetryEvent e = ring.get(s);
            out.add(SourceFiles.name(e.sourceFile) + ":" + e.sourceLine + ":"
                + new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void shouldMergeFilesInEventTime() throws Exception {
        final Path a = dir.resolve("a.log");
        final Path b = dir.resolve("b.log");
        Files.writeString(a, "<34>1 2024-01-01T00:00:01Z h a - - - a1\r\n"
            + "\n"
            + "<34>1 2024-01-01T00:00:03Z h a - - - a3\n"
            + "no time here a3b\n"
            + "<34>1 2024-01-01T00:00:05Z h a - - - a5");
        Files.writeString(b, "<34>1 2024-01-01T00:00:00Z h a - - - b0\n"
            + "<34>1 2024-01-01T00:00:03Z h a - - - b3\n"
            + "<34>1 2024-01-01T00:00:04Z h a - - - b4\n");
        final RingBuffer<TelemetryEvent> ring = RingBuffer.createSingleProducer(TelemetryEvent::new, 64);
        final ListenerCounters counters = new EngineCounters().listener("replay");
        final FileReplaySource source = new FileReplaySource(ring, counters, decoders);
        source.replay(List.of(a, b));
        assertEquals(List.of(
            "b.log:1:<34>1 2024-01-01T00:00:00Z h a - - - b0",
            "a.log:1:<34>1 2024-01-01T00:00:01Z h a - - - a1",
            "a.log:3:<34>1 2024-01-01T00:00:03Z h a - - - a3",
            "a.log:4:no time here a3b",
            "b.log:2:<34>1 2024-01-01T00:00:03Z h a - - - b3",
            "b.log:3:<34>1 2024-01-01T00:00:04Z h a - - - b4",
            "a.log:5:<34>1 2024-01-01T00:00:05Z h a - - - a5"), published(ring));
        assertEquals(7, source.lines());
        assertEquals(7, counters.received());
    }

    @Test
    void shouldReplayOneFileInOrderWithLineNumbers() throws Exception {
        final Path a = dir.resolve("one.log");
        Files.writeString(a, "first\n\nthird\r\n" + "x".repeat(10) + "\n");
        final RingBuffer<TelemetryEvent> ring = RingBuffer.createSingleProducer(TelemetryEvent::new, 64);
        final FileReplaySource source = new FileReplaySource(ring, new EngineCounters().listener("r"), decoders);
        source.replay(List.of(a));
        assertEquals(List.of("one.log:1:first", "one.log:3:third", "one.log:4:xxxxxxxxxx"), published(ring));
        assertEquals(EventFormat.PLAIN, ring.get(0).format);
    }

    @Test
    void shouldReadStandardInputForDash() throws Exception {
        final java.io.InputStream saved = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("one\ntwo\n".getBytes(StandardCharsets.UTF_8)));
            final RingBuffer<TelemetryEvent> ring = RingBuffer.createSingleProducer(TelemetryEvent::new, 64);
            final FileReplaySource source = new FileReplaySource(ring, new EngineCounters().listener("in"), decoders);
            source.replay(List.of(Path.of("-")));
            assertEquals(List.of("-:1:one", "-:2:two"), published(ring));
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void shouldRejectOverLongLinesAsTooLong() throws Exception {
        final Path a = dir.resolve("long.log");
        Files.writeString(a, "x".repeat(FileReplaySource.MAX_LINE_BYTES + 10) + "\nshort\n");
        final RingBuffer<TelemetryEvent> ring = RingBuffer.createSingleProducer(TelemetryEvent::new, 64);
        final FileReplaySource source = new FileReplaySource(ring, new EngineCounters().listener("l"), decoders);
        source.replay(List.of(a));
        assertEquals(RejectReason.FRAME_TOO_LONG.ordinal(), ring.get(0).rejectReason);
        assertEquals(FileReplaySource.MAX_LINE_BYTES, ring.get(0).rawLength());
        assertEquals(0, ring.get(1).rejectReason);
        assertEquals(2, ring.get(1).sourceLine);
    }

    @Test
    void shouldStreamAuthLogWithoutRejects() throws Exception {
        final RingBuffer<TelemetryEvent> ring = RingBuffer.createSingleProducer(TelemetryEvent::new, 16_384);
        final ListenerCounters counters = new EngineCounters().listener("auth");
        final FileReplaySource source = new FileReplaySource(ring, counters, decoders);
        source.replay(List.of(TestCorpus.dir().resolve("syslog/elastic-examples/auth.log")));
        assertEquals(7121, source.lines());
        assertEquals(7121, counters.received());
        for (long s = 0; s <= ring.getCursor(); s++) {
            assertEquals(0, ring.get(s).rejectReason, RejectReason.of(ring.get(s).rejectReason).name());
            assertEquals(EventFormat.RFC3164, ring.get(s).format);
        }
        assertEquals(7121, ring.get(ring.getCursor()).sourceLine);
    }

    @Test
    void shouldMergeTwoCopiesOfAuthLogStably() throws Exception {
        final Path copy = dir.resolve("auth-copy.log");
        Files.copy(TestCorpus.dir().resolve("syslog/elastic-examples/auth.log"), copy);
        final RingBuffer<TelemetryEvent> ring = RingBuffer.createSingleProducer(TelemetryEvent::new, 16_384);
        final FileReplaySource source = new FileReplaySource(ring, new EngineCounters().listener("m"), decoders);
        source.replay(List.of(TestCorpus.dir().resolve("syslog/elastic-examples/auth.log"), copy));
        assertEquals(2 * 7121, source.lines());
        long previous = Long.MIN_VALUE;
        for (long s = 0; s <= ring.getCursor(); s++) {
            final long t = ring.get(s).timestampNanos;
            assertTrue(t >= previous, "event time goes back at " + s);
            previous = t;
        }
    }
}
