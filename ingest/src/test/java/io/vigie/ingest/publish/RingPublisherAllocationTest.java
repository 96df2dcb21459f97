package io.vigie.ingest.publish;

import com.lmax.disruptor.RingBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The publishing thread allocates nothing per frame once warm: RingPublisher + AutoDetectDecoder into a ring. */
@Timeout(120)
class RingPublisherAllocationTest {
    private static final String[] FRAMES = {
        "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 8710 ID47 [exampleSDID@32473 iut=\"3\" "
            + "eventSource=\"Appli\\\"cation\" eventID=\"1011\"][examplePriority@32473 class=\"high\"] An event",
        "<86>1 2018-02-01T20:28:52.351979+00:00 miner-01 sudo - - -  pam_unix(sudo:session): session closed",
        "<38>Mar 27 13:06:56 ip-10-77-20-248 sshd[1291]: Server listening on 0.0.0.0 port 22.",
        "Mar  7 05:00:00 avas CROND[20095]: (root) CMD (/usr/lib/sa/sa1 1 1)",
        "2018-02-01T20:28:36.837100+00:00 miner-01 rsyslogd: start\r\n",
        "just a plain line",
    };

    @Test
    void shouldNotAllocatePerFrameOnThePublishingThread() {
        final RingBuffer<TelemetryEvent> ring = RingBuffer.createSingleProducer(TelemetryEvent::new, 1024);
        final ListenerCounters counters = new EngineCounters().listener("alloc");
        final AutoDetectDecoder decoder = new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(),
            new MessageDecoders());
        final RingPublisher publisher = new RingPublisher(ring, counters, decoder, null, RingPublisher.Policy.DROP,
            0);
        publisher.peer(new InetSocketAddress("127.0.0.1", 5514));
        final ByteBuf[] bufs = new ByteBuf[FRAMES.length];
        for (int i = 0; i < FRAMES.length; i++) {
            final byte[] b = FRAMES[i].getBytes(StandardCharsets.UTF_8);
            bufs[i] = Unpooled.directBuffer(b.length + 16);
            bufs[i].writeBytes("xx".getBytes(StandardCharsets.US_ASCII));
            bufs[i].writeBytes(b);
        }
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();

        run(publisher, bufs, 200_000);
        final long before = mx.getThreadAllocatedBytes(thread);
        final int frames = 100_000;
        run(publisher, bufs, frames);
        final long allocated = mx.getThreadAllocatedBytes(thread) - before;

        assertTrue(allocated < frames, "allocated " + allocated + " bytes for " + frames + " frames");
        final TelemetryEvent last = ring.get(ring.getCursor());
        assertEquals(0, last.rejectReason);
        assertTrue(ring.get(0).has(Fields.HOST_NAME) || ring.get(0).format == EventFormat.PLAIN);
        for (final ByteBuf b : bufs) {
            b.release();
        }
    }

    private static void run(final RingPublisher publisher, final ByteBuf[] bufs, final int frames) {
        for (int i = 0; i < frames; i++) {
            final ByteBuf b = bufs[i % bufs.length];
            publisher.publish(b, 2, b.writerIndex() - 2);
        }
    }
}
