package io.vigie.ingest.framing;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.publish.RingPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class SyslogFrameDecoderTest {
    private static final int MAX = 100;

    private final RingBuffer<TelemetryEvent> ring = RingBuffer.createSingleProducer(TelemetryEvent::new, 1024);
    private final ListenerCounters counters = new EngineCounters().listener("test");

    private EmbeddedChannel channel(final boolean backPressure) {
        final RingPublisher publisher = new RingPublisher(ring, counters, e -> { }, null,
            RingPublisher.Policy.BLOCK, 0);
        return new EmbeddedChannel(new SyslogFrameDecoder(publisher, MAX, backPressure));
    }

    private static void write(final EmbeddedChannel ch, final String s) {
        ch.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
    }

    private static void writeByteByByte(final EmbeddedChannel ch, final String s) {
        for (final byte b : s.getBytes(StandardCharsets.UTF_8)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{b}));
        }
    }

    private static String octet(final String frame) {
        return frame.getBytes(StandardCharsets.UTF_8).length + " " + frame;
    }

    /** Published frames, as "reason:text" ("ok:..." when accepted). */
    private List<String> frames() {
        final List<String> out = new ArrayList<>();
        for (long s = 0; s <= ring.getCursor(); s++) {
            final TelemetryEvent e = ring.get(s);
            final String text = new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8);
            out.add(e.rejectReason == 0 ? "ok:" + text : RejectReason.of(e.rejectReason).name() + ":" + text);
        }
        return out;
    }

    @Test
    void shouldSplitOctetCountedFrames() {
        final EmbeddedChannel ch = channel(false);
        write(ch, octet("<34>1 - h a - - - one") + octet("<34>1 - h a - - - two\n") + octet("x"));
        assertEquals(List.of("ok:<34>1 - h a - - - one", "ok:<34>1 - h a - - - two\n", "ok:x"), frames());
        assertTrue(ch.isOpen());
        assertEquals(3, counters.received());
    }

    @Test
    void shouldSplitLfFramesAndSkipEmptyLines() {
        final EmbeddedChannel ch = channel(false);
        write(ch, "<34>Oct 11 22:14:15 h su: one\n\n<34>1 - h a - - - two\r\n");
        assertEquals(List.of("ok:<34>Oct 11 22:14:15 h su: one", "ok:<34>1 - h a - - - two\r"), frames());
    }

    @Test
    void shouldReassembleFramesSplitAcrossReads() {
        final EmbeddedChannel octets = channel(false);
        writeByteByByte(octets, octet("<34>1 - h a - - - first") + octet("second frame"));
        assertEquals(List.of("ok:<34>1 - h a - - - first", "ok:second frame"), frames());
        final EmbeddedChannel lines = channel(false);
        writeByteByByte(lines, "alpha\nbeta\n");
        write(lines, "gam");
        write(lines, "ma\ndel");
        assertEquals(List.of("ok:<34>1 - h a - - - first", "ok:second frame", "ok:alpha", "ok:beta", "ok:gamma"),
            frames());
        lines.finish();
        assertEquals("ok:del", frames().get(5));
    }

    @Test
    void shouldRejectTooManyCountDigitsAndCloseBeforeWaiting() {
        final EmbeddedChannel ch = channel(false);
        write(ch, "1234567890123456789012345 <34>1 x");
        // Over the 100-byte max at the third digit; the reject keeps every byte received.
        assertEquals(List.of("BAD_OCTET_COUNT:1234567890123456789012345 <34>1 x"), frames());
        assertFalse(ch.isOpen());
        assertEquals(1, counters.received());
        // With no practical max, the 11th digit is refused.
        final RingPublisher publisher = new RingPublisher(ring, counters, e -> { }, null,
            RingPublisher.Policy.BLOCK, 0);
        final EmbeddedChannel wide = new EmbeddedChannel(new SyslogFrameDecoder(publisher, Integer.MAX_VALUE, false));
        write(wide, "1000000000000000000000000");
        assertEquals("BAD_OCTET_COUNT:1000000000000000000000000", frames().get(1));
        assertFalse(wide.isOpen());
    }

    @Test
    void shouldRejectCountAboveIntAndMaxBeforeWaiting() {
        final EmbeddedChannel ch = channel(false);
        write(ch, "2147483648");
        assertEquals(List.of("BAD_OCTET_COUNT:2147483648"), frames());
        assertFalse(ch.isOpen());
        final EmbeddedChannel over = channel(false);
        write(over, "101 ");
        assertEquals("BAD_OCTET_COUNT:101 ", frames().get(1));
        assertFalse(over.isOpen());
        final EmbeddedChannel exact = channel(false);
        write(exact, "100 " + "a".repeat(100));
        assertEquals("ok:" + "a".repeat(100), frames().get(2));
        assertTrue(exact.isOpen());
    }

    @Test
    void shouldRejectMalformedCounts() {
        final EmbeddedChannel zero = channel(false);
        write(zero, "0 x");
        assertEquals(List.of("BAD_OCTET_COUNT:0 x"), frames());
        assertFalse(zero.isOpen());
        final EmbeddedChannel leading = channel(false);
        write(leading, "05 <34>");
        assertEquals("BAD_OCTET_COUNT:05 <34>", frames().get(1));
        final EmbeddedChannel letter = channel(false);
        write(letter, "12x456");
        assertEquals("BAD_OCTET_COUNT:12x456", frames().get(2));
        assertFalse(letter.isOpen());
    }

    @Test
    void shouldRejectOverLongLinesAndResyncAtNextLf() {
        final EmbeddedChannel ch = channel(false);
        write(ch, "a".repeat(150));
        write(ch, "b".repeat(150));
        write(ch, "c\nok\n" + "d".repeat(MAX) + "\n");
        assertEquals(List.of("FRAME_TOO_LONG:" + "a".repeat(MAX), "ok:ok", "ok:" + "d".repeat(MAX)), frames());
        assertTrue(ch.isOpen());
    }

    @Test
    void shouldTreatDigitLedLinesAsContentOnLfConnections() {
        final EmbeddedChannel ch = channel(false);
        write(ch, "hello\n1493738863000 host CEF:0|x\n12 apples\n2018-02-01T20:28:36Z h p: m\n");
        write(ch, octet("<34>1 - h a - - - counted") + "<13>back to lines\n");
        assertEquals(List.of("ok:hello", "ok:1493738863000 host CEF:0|x", "ok:12 apples",
            "ok:2018-02-01T20:28:36Z h p: m", "ok:<34>1 - h a - - - counted", "ok:<13>back to lines"), frames());
    }

    @Test
    void shouldNotWaitOnShortDigitLines() {
        final EmbeddedChannel ch = channel(false);
        write(ch, "x\n12\n");
        assertEquals(List.of("ok:x", "ok:12"), frames());
    }

    @Test
    void shouldAcceptLfFramesOnOctetConnections() {
        final EmbeddedChannel ch = channel(false);
        write(ch, octet("<34>1 - h a - - - one") + "<13>lf frame\n" + octet("three"));
        assertEquals(List.of("ok:<34>1 - h a - - - one", "ok:<13>lf frame", "ok:three"), frames());
    }

    @Test
    void shouldRejectPartialOctetFrameAtEndOfStream() {
        final EmbeddedChannel ch = channel(false);
        write(ch, "50 <34>1 partial");
        assertTrue(frames().isEmpty());
        ch.finish();
        assertEquals(List.of("FRAMING_LOST:50 <34>1 partial"), frames());
    }

    @Test
    void shouldStopReadingWhenTheRingIsFullAndResume() {
        final RingBuffer<TelemetryEvent> small = RingBuffer.createSingleProducer(TelemetryEvent::new, 4);
        final Sequence consumer = new Sequence(-1);
        small.addGatingSequences(consumer);
        final RingPublisher publisher = new RingPublisher(small, counters, e -> { }, null,
            RingPublisher.Policy.BLOCK, 0);
        final EmbeddedChannel ch = new EmbeddedChannel(new SyslogFrameDecoder(publisher, MAX, true));
        write(ch, "f0\nf1\nf2\nf3\nf4\nf5\n");
        assertEquals(3, small.getCursor());
        assertFalse(ch.config().isAutoRead());
        assertEquals(4, counters.received());
        write(ch, "f6\n");
        consumer.set(3);
        ch.advanceTimeBy(5, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(6, small.getCursor());
        assertTrue(ch.config().isAutoRead());
        final List<String> got = new ArrayList<>();
        for (long s = 4; s <= 6; s++) {
            final TelemetryEvent e = small.get(s);
            got.add(new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of("f4", "f5", "f6"), got);
        assertEquals(7, counters.received());
    }
}
