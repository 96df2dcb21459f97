package io.vigie.ops.loadgen;

import io.vigie.engine.Engine;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code loadgen --expect-alerts} end to end against a real engine: a minimal TCP receiver (octet counting) publishes
 * frames into the engine's ring, a detector raises an alert naming the raw-journal position of each canary, and the
 * probe matches alerts back to canaries through the raw journal.
 */
@Timeout(60)
class AlertLatencyProbeTest {
    @TempDir
    Path dir;

    @Test
    void shouldMeasureEveryCanary() throws Exception {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir;
        c.ringSize = 1024;
        c.detectorFactory = (ordinal, workers) -> (event, sink) -> {
            if (AlertLatencyProbe.canary(event.raw(), event.rawLength()) >= 0) {
                final Alert a = new Alert();
                a.ruleId = "canary";
                a.ruleTitle = "canary";
                a.events.add(Long.toString(event.seq));
                sink.emit(a);
            }
        };
        final EngineCounters counters = new EngineCounters();
        try (Engine engine = new Engine(c, counters);
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            engine.start();
            final Alert old = new Alert();
            old.ruleId = "before";
            old.events.add("0");
            engine.emit(old);
            assertTrue(engine.drain(10, TimeUnit.SECONDS));
            final Thread receiver = new Thread(() -> receive(server, engine, counters.listener("syslog")),
                "probe-receiver");
            receiver.setDaemon(true);
            receiver.start();

            final LoadGenerator.Options o = new LoadGenerator.Options();
            o.target = new InetSocketAddress("127.0.0.1", server.getLocalPort());
            o.rate = 400;
            o.durationSeconds = 1;
            o.proto = "tcp";
            o.alertDataDir = dir;
            o.canaryIntervalMs = 100;
            final StringWriter out = new StringWriter();
            final LoadGenerator.Result r = new LoadGenerator(o, new PrintWriter(out)).run();
            assertTrue(r.canaries >= 5, out.toString());
            assertEquals(r.canaries, r.matched, out.toString());
            assertEquals(r.canaries, r.latency.getTotalCount());
            assertTrue(out.toString().contains("loadgen: alert latency canaries=" + r.canaries + " matched="
                + r.canaries + " p50="), out.toString());
            assertTrue(out.toString().contains(" p99.9="), out.toString());
        }
    }

    private static void receive(final ServerSocket server, final Engine engine, final ListenerCounters l) {
        try (Socket s = server.accept(); InputStream in = new BufferedInputStream(s.getInputStream())) {
            while (true) {
                int len = 0;
                int ch;
                while ((ch = in.read()) != ' ') {
                    if (ch < 0) {
                        return;
                    }
                    len = len * 10 + (ch - '0');
                }
                final byte[] frame = in.readNBytes(len);
                final long seq = engine.ring().next();
                final TelemetryEvent e = engine.ring().get(seq);
                e.reset();
                l.onReceived();
                e.listenerId = l.id();
                e.setRaw(frame, 0, frame.length);
                engine.ring().publish(seq);
            }
        } catch (IOException e) {
            // connection closed
        }
    }

    @Test
    void shouldFindCanaryNumbersAndEventLists() throws Exception {
        final byte[] b = "x vigie-canary-1234) y".getBytes(StandardCharsets.US_ASCII);
        assertEquals(1234, AlertLatencyProbe.canary(b, b.length));
        final byte[] none = "vigie-canary-x".getBytes(StandardCharsets.US_ASCII);
        assertEquals(-1, AlertLatencyProbe.canary(none, none.length));
        assertEquals(java.util.List.of("12", "a:3"), AlertLatencyProbe.events(
            "{\"rule\":{\"id\":\"r\",\"events\":[\"no\"]},\"events\":[\"12\",\"a:3\"],\"tags\":[]}"
                .getBytes(StandardCharsets.UTF_8)));
    }
}
