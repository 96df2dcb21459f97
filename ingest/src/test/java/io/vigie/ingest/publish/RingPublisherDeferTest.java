package io.vigie.ingest.publish;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.DropReason;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deferred publication: frames are decoded into claimed slots at once, become visible only at {@code flush}, and a
 * publisher never reports the ring full (or waits for a slot) while holding slots of its own unpublished, which
 * would leave every worker waiting for them.
 */
@Timeout(30)
class RingPublisherDeferTest {
    private static final int RING = 8;

    private final RingBuffer<TelemetryEvent> ring = RingBuffer.createMultiProducer(TelemetryEvent::new, RING);
    /** A consumer that has read nothing: the ring holds at most RING unconsumed slots. */
    private final Sequence consumer = new Sequence(-1);
    private final ListenerCounters counters = new EngineCounters().listener("defer");

    RingPublisherDeferTest() {
        ring.addGatingSequences(consumer);
    }

    private RingPublisher publisher(final RingPublisher.Policy policy) {
        final RingPublisher p = new RingPublisher(ring, counters,
            new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(), new MessageDecoders()), null, policy, 0);
        p.deferPublish();
        return p;
    }

    private static ByteBuf frame(final int i) {
        return Unpooled.wrappedBuffer(("<13>1 2026-12-03T12:00:00Z host app - - - line " + i)
            .getBytes(StandardCharsets.US_ASCII));
    }

    private static String line(final TelemetryEvent e) {
        final String raw = new String(e.raw(), 0, e.rawLength(), StandardCharsets.US_ASCII);
        return raw.substring(raw.lastIndexOf(' ') + 1);
    }

    @Test
    void shouldPublishTheFramesOfAReadTogetherAtFlush() {
        final RingPublisher p = publisher(RingPublisher.Policy.BLOCK);
        for (int i = 0; i < 3; i++) {
            final ByteBuf b = frame(i);
            assertTrue(p.publish(b, b.readerIndex(), b.readableBytes()));
        }
        assertEquals(2, ring.getCursor(), "three slots claimed");
        for (int s = 0; s < 3; s++) {
            assertFalse(ring.isAvailable(s), "slot " + s + " not visible before flush");
            assertEquals(Integer.toString(s), line(ring.get(s)), "but already decoded in place");
        }
        p.flush();
        for (int s = 0; s < 3; s++) {
            assertTrue(ring.isAvailable(s), "slot " + s + " visible after flush");
        }
        assertEquals(3, counters.received());
        p.flush();
        assertEquals(2, ring.getCursor(), "an empty flush claims and publishes nothing");
    }

    @Test
    void shouldPublishItsOwnSlotsBeforeReportingTheRingFull() {
        final RingPublisher p = publisher(RingPublisher.Policy.BLOCK);
        for (int i = 0; i < RING; i++) {
            final ByteBuf b = frame(i);
            assertTrue(p.tryPublish(b, b.readerIndex(), b.readableBytes()));
        }
        assertFalse(ring.isAvailable(0));
        final ByteBuf extra = frame(RING);
        assertFalse(p.tryPublish(extra, extra.readerIndex(), extra.readableBytes()), "the ring is full");
        for (int s = 0; s < RING; s++) {
            assertTrue(ring.isAvailable(s), "slot " + s + " published, so the workers can free room");
        }
        assertEquals(RING, counters.received(), "the refused frame is not counted: the caller keeps it");
        consumer.set(0);
        assertTrue(p.tryPublish(extra, extra.readerIndex(), extra.readableBytes()), "room again");
        p.flush();
        assertEquals(Integer.toString(RING), line(ring.get(RING)));
    }

    @Test
    void shouldPublishItsOwnSlotsBeforeDroppingUnderTheDropPolicy() {
        final RingPublisher p = publisher(RingPublisher.Policy.DROP);
        for (int i = 0; i <= RING; i++) {
            final ByteBuf b = frame(i);
            assertEquals(i < RING, p.publish(b, b.readerIndex(), b.readableBytes()), "frame " + i);
        }
        for (int s = 0; s < RING; s++) {
            assertTrue(ring.isAvailable(s), "slot " + s + " published");
        }
        assertEquals(RING + 1, counters.received());
        assertEquals(1, counters.dropped(DropReason.RING_FULL));
    }

    @Test
    void shouldPublishEveryFrameWhenAReadHoldsMoreThanTheDeferredCap() {
        final RingBuffer<TelemetryEvent> big = RingBuffer.createMultiProducer(TelemetryEvent::new, 1024);
        final RingPublisher p = new RingPublisher(big, counters,
            new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(), new MessageDecoders()), null,
            RingPublisher.Policy.BLOCK, 0);
        p.deferPublish();
        final int frames = 300;
        for (int i = 0; i < frames; i++) {
            final ByteBuf b = frame(i);
            p.publish(b, b.readerIndex(), b.readableBytes());
        }
        assertTrue(big.isAvailable(0), "published on the way once the cap was reached");
        p.flush();
        for (int s = 0; s < frames; s++) {
            assertTrue(big.isAvailable(s));
            assertEquals(Integer.toString(s), line(big.get(s)), "in order");
        }
    }
}
