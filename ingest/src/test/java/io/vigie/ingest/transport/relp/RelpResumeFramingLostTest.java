package io.vigie.ingest.transport.relp;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.vigie.engine.Engine;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Found by fuzzing (DecoderFuzzTestInputs/relpFrameDecoder/crash-released-cumulation-after-framing-lost): frames held
 * back by the acknowledgement window are decoded on resume; when the held bytes then lose the framing, the session
 * closes inside that decode and the decoder must not touch the (released) cumulation afterwards.
 */
@Timeout(60)
class RelpResumeFramingLostTest {
    @TempDir
    Path dir;

    @Test
    void shouldCloseCleanlyWhenFramingIsLostWhileResuming() throws Exception {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        c.ringSize = 1024;
        final EngineCounters counters = new EngineCounters();
        try (Engine engine = new Engine(c, counters)) {
            engine.start();
            final RelpSettings s = new RelpSettings();
            s.maxPendingAcks = 2;
            final ListenerCounters lc = counters.listener(s.name);
            final EmbeddedChannel ch = RelpFuzzSupport.session(s, engine, lc, RelpListenerTest.WHOLE_FRAME);
            final StringBuilder b = new StringBuilder("1 open 0\n");
            for (int i = 2; i < 10; i++) {
                b.append(i).append(" syslog 5 hello\n");
            }
            b.append("10 syslog 5 hello?garbage\n");
            ch.writeInbound(Unpooled.wrappedBuffer(b.toString().getBytes(StandardCharsets.US_ASCII)));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (ch.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(1);
                ch.runPendingTasks();
                for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
                    ReferenceCountUtil.release(o);
                }
            }
            assertFalse(ch.isOpen(), "the session should close after the framing is lost");
            ch.finishAndReleaseAll();
            engine.drain(10, TimeUnit.SECONDS);
            assertEquals(1, lc.rejected(RejectReason.BAD_RELP), lc.toString());
            assertEquals(8, lc.persisted(), lc.toString());
        }
    }
}
