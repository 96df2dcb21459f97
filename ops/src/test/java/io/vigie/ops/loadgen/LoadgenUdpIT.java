package io.vigie.ops.loadgen;

import io.vigie.engine.Engine;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.transport.ListenerSettings;
import io.vigie.ingest.transport.SyslogListener;
import io.vigie.ops.cli.VigieCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The UDP load generator (batched {@code sendmmsg}, GSO segments, the NIO fallback; one or several connections),
 * and TCP with several connections, against Vigie's real listener at a modest rate: every line sent is received
 * and persisted, none lost.
 */
@Timeout(120)
class LoadgenUdpIT {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} connections={1} batched={2} gso={3}")
    @CsvSource({"udp, 1, true, true", "udp, 2, true, true", "udp, 2, true, false", "udp, 2, false, false",
        "tcp, 2, false, false"})
    void shouldDeliverEveryLine(final String proto, final int connections, final boolean batched,
                                final boolean gso) throws Exception {
        final EngineCounters counters = new EngineCounters();
        try (Engine engine = engine(counters); SyslogListener listener = listener(engine, counters)) {
            final int port = listener.start();
            final LoadGenerator.Options o = new LoadGenerator.Options();
            o.target = new InetSocketAddress("127.0.0.1", port);
            o.proto = proto;
            o.rate = 4_000;
            o.durationSeconds = 1;
            o.connections = connections;
            o.batchedUdp = batched;
            o.udpSegments = gso;
            o.progress = false;
            final StringWriter out = new StringWriter();
            final LoadGenerator.Result r = new LoadGenerator(o, new PrintWriter(out)).run();
            assertTrue(r.sent > 1_000, "sent " + r.sent);
            assertBalanced(engine, listener.counters(), r.sent);
            if (connections > 1) {
                assertTrue(out.toString().contains(" connections=" + connections), out.toString());
            }
        }
    }

    @Test
    void shouldReplayFileLinesOfUnequalLengthsOverUdp() throws Exception {
        final Path file = dir.resolve("lines.log");
        Files.write(file, ("<13>1 2026-12-03T10:00:00Z h app - - - short\n"
            + "<13>1 2026-12-03T10:00:00Z h app - - - a somewhat longer line\n"
            + "<13>1 2026-12-03T10:00:00Z h app - - - x\n").getBytes(StandardCharsets.US_ASCII));
        final EngineCounters counters = new EngineCounters();
        try (Engine engine = engine(counters); SyslogListener listener = listener(engine, counters)) {
            final int port = listener.start();
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final int code = VigieCli.run(new PrintWriter(out), new PrintWriter(err), "loadgen", "--target",
                "127.0.0.1:" + port, "--rate", "3000", "--duration", "1", "--proto", "udp", "--connections", "2",
                "--file", file.toString());
            assertEquals(0, code, err.toString());
            final String summary = out.toString().lines().filter(l -> l.startsWith("loadgen: sent=")).findFirst()
                .orElseThrow();
            final long sent = Long.parseLong(summary.split(" ")[1].substring("sent=".length()));
            assertBalanced(engine, listener.counters(), sent);
        }
    }

    private static void assertBalanced(final Engine engine, final ListenerCounters l, final long sent)
        throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (l.received() < sent && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(engine.drain(30, TimeUnit.SECONDS));
        assertEquals(sent, l.received(), l.toString());
        assertEquals(sent, l.persisted(), l.toString());
        assertEquals(0, l.dropped(), l.toString());
        assertEquals(0, l.rejected(), l.toString());
    }

    private SyslogListener listener(final Engine engine, final EngineCounters counters) {
        final ListenerSettings s = new ListenerSettings();
        s.name = "loadgen-udp";
        s.port = 0;
        return new SyslogListener(s, engine.ring(), counters, MessageDecoders::new);
    }

    private Engine engine(final EngineCounters counters) {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        c.ringSize = 16_384;
        final Engine engine = new Engine(c, counters);
        engine.start();
        return engine;
    }
}
