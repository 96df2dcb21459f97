package io.vigie.ops.feed.forward;

import io.vigie.engine.Engine;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.detect.Detector;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.transport.ListenerSettings;
import io.vigie.ingest.transport.SyslogListener;
import io.vigie.ingest.transport.tls.TlsContexts;
import io.vigie.ops.share.OutboundFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CefForwarderIT {
    @TempDir
    Path dir;

    /** A plain TCP syslog receiver that splits RFC 6587 octet-counted frames. */
    private static final class Receiver implements AutoCloseable {
        final ServerSocket server;
        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final Thread thread;

        Receiver() throws IOException {
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                try {
                    while (!server.isClosed()) {
                        try (Socket s = server.accept()) {
                            read(new BufferedInputStream(s.getInputStream()));
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "cef-receiver");
            thread.setDaemon(true);
            thread.start();
        }

        private void read(final InputStream in) throws IOException {
            while (true) {
                int len = 0;
                int c;
                while ((c = in.read()) != ' ') {
                    if (c < 0) {
                        return;
                    }
                    len = len * 10 + (c - '0');
                }
                final byte[] b = in.readNBytes(len);
                if (b.length < len) {
                    return;
                }
                frames.add(new String(b, StandardCharsets.UTF_8));
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static Engine engine(final Path dataDir, final Engine.Configuration c) {
        c.dataDir = dataDir;
        c.ringSize = 1024;
        final Engine e = new Engine(c, new EngineCounters());
        e.start();
        return e;
    }

    private static Alert alert(final int i, final Tlp tlp) {
        final Alert a = new Alert();
        a.alertId = "a-" + i;
        a.soc = "soc-test";
        a.timeNanos = 1_767_225_600_000_000_000L + i * 1_000_000_000L;
        a.firstSeenNanos = a.timeNanos;
        a.lastSeenNanos = a.timeNanos;
        a.ruleId = "rule-" + i;
        a.ruleTitle = "Rule " + i + " | brute=force";
        a.ruleLevel = "high";
        a.tlp = tlp;
        a.group.put("source.ip", "203.0.113." + i);
        a.group.put("user.name", "alice");
        return a;
    }

    private static CefForwarder.Settings settings(final int port) {
        final CefForwarder.Settings s = new CefForwarder.Settings();
        s.host = "127.0.0.1";
        s.port = port;
        s.hostname = "soc-test";
        s.startAt = "start";
        s.maxTlp = Tlp.AMBER;
        s.backoffMinMs = 50;
        s.backoffMaxMs = 500;
        return s;
    }

    @Test
    void forwardsAllowedAlertsAndResumesAfterRestartWithoutGapOrDuplicate() throws Exception {
        final Tlp[] labels = {Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED};
        final OutboundFilter pseudo = a -> {
            final Alert c = io.vigie.ops.feed.stream.AlertLines.parse(io.vigie.engine.alert.AlertJson.toBytes(a),
                a.position);
            c.group.put("user.name", "pseudo-1");
            return c;
        };
        try (Receiver rx = new Receiver();
             Engine engine = engine(dir.resolve("data"), new Engine.Configuration())) {
            final Path alerts = dir.resolve("data/alerts");
            final Path state = dir.resolve("data/forward");
            final List<Integer> expected = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                engine.emit(alert(i, labels[i % labels.length]));
                if (labels[i % labels.length].ordinal() <= Tlp.AMBER.ordinal()) {
                    expected.add(i);
                }
            }
            engine.drain(10, TimeUnit.SECONDS);
            final List<String> got = new ArrayList<>();
            try (CefForwarder f = new CefForwarder(alerts, state, settings(rx.server.getLocalPort()), pseudo, "test")) {
                f.start();
                for (int k = 0; k < expected.size(); k++) {
                    got.add(rx.frames.poll(30, TimeUnit.SECONDS));
                }
            }
            // Restart: only the alerts journaled meanwhile are sent.
            for (int i = 21; i <= 40; i++) {
                engine.emit(alert(i, labels[i % labels.length]));
                if (labels[i % labels.length].ordinal() <= Tlp.AMBER.ordinal()) {
                    expected.add(i);
                }
            }
            engine.drain(10, TimeUnit.SECONDS);
            try (CefForwarder f = new CefForwarder(alerts, state, settings(rx.server.getLocalPort()), pseudo, "test")) {
                f.start();
                while (got.size() < expected.size()) {
                    got.add(rx.frames.poll(30, TimeUnit.SECONDS));
                }
                assertNull(rx.frames.poll(300, TimeUnit.MILLISECONDS), "no duplicate");
            }
            for (int k = 0; k < expected.size(); k++) {
                final int i = expected.get(k);
                final String frame = got.get(k);
                assertNotNull(frame);
                assertTrue(frame.startsWith("<131>1 2026-01-01T00:00:"), frame);
                assertTrue(frame.contains(" soc-test vigie - alert - CEF:0|Vigie|Vigie|test|rule-" + i + "|Rule " + i
                    + " \\| brute=force|8|"), frame);
                assertTrue(frame.contains(" cs1Label=tlp cs1=" + labels[i % labels.length].label() + " "), frame);
                assertTrue(frame.contains(" cs2Label=alert_id cs2=a-" + i + " "), frame);
                assertTrue(frame.contains(" src=203.0.113." + i + " "), frame);
                assertTrue(frame.contains(" duser=pseudo-1 "), frame);
            }
        }
    }

    @Test
    void forwardsOverTlsIntoVigiesOwnSyslogListener() throws Exception {
        final Pki pki = new Pki(dir);
        final ConcurrentLinkedQueue<Map<String, String>> decoded = new ConcurrentLinkedQueue<>();
        final Engine.Configuration rc = new Engine.Configuration();
        rc.detectorFactory = (ordinal, workers) -> new Detector() {
            @Override
            public void onEvent(final io.vigie.engine.ring.TelemetryEvent event,
                                final io.vigie.engine.detect.AlertSink sink) {
                decoded.add(Map.of("code", String.valueOf(event.get("event.code")),
                    "tlp", String.valueOf(event.get("tlp")), "alert_id", String.valueOf(event.get("alert_id")),
                    "source.ip", String.valueOf(event.get("source.ip")),
                    "product", String.valueOf(event.get("observer.product"))));
            }
        };
        try (Engine receiver = engine(dir.resolve("rx"), rc);
             Engine engine = engine(dir.resolve("data"), new Engine.Configuration())) {
            final ListenerSettings ls = new ListenerSettings();
            ls.name = "syslog-tls";
            ls.port = 0;
            ls.udp = false;
            final var ctx = TlsContexts.server(pki.serverCert, pki.serverKey, null);
            ls.sslContext = () -> ctx;
            try (SyslogListener listener = new SyslogListener(ls, receiver.ring(), receiver.counters(),
                MessageDecoders::new)) {
                final int port = listener.start();
                final CefForwarder.Settings s = settings(port);
                s.tls = true;
                s.caFile = pki.caCert;
                s.maxTlp = Tlp.RED;
                try (CefForwarder f = new CefForwarder(dir.resolve("data/alerts"), dir.resolve("data/forward"), s,
                    OutboundFilter.NONE, "test")) {
                    f.start();
                    final Tlp[] labels = {Tlp.GREEN, Tlp.AMBER, Tlp.RED, Tlp.CLEAR, Tlp.AMBER_STRICT};
                    for (int i = 1; i <= 5; i++) {
                        engine.emit(alert(i, labels[i - 1]));
                    }
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (decoded.size() < 5 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    assertEquals(5, decoded.size());
                    final List<Map<String, String>> events = new ArrayList<>(decoded);
                    for (int i = 1; i <= 5; i++) {
                        final Map<String, String> e = events.get(i - 1);
                        assertEquals("rule-" + i, e.get("code"), e.toString());
                        assertEquals(labels[i - 1].label(), e.get("tlp"), e.toString());
                        assertEquals("a-" + i, e.get("alert_id"));
                        assertEquals("203.0.113." + i, e.get("source.ip"));
                        assertEquals("Vigie", e.get("product"));
                    }
                    assertEquals(1, f.connects());
                }
            }
        }
    }
}
