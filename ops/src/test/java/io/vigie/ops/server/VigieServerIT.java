package io.vigie.ops.server;

import io.vigie.engine.journal.AlertTailer;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code serve} end to end: real TCP syslog in, bundled rules, alert in the journal, accounting in /metrics. */
@Timeout(120)
class VigieServerIT {
    @TempDir
    Path dir;

    @Test
    void shouldTurnATcpSyslogLineIntoAnAlert() throws Exception {
        final VigieConfig c = ConfigLoader.parse("data_dir: " + dir.resolve("data") + "\n"
            + "ingest: {syslog: {port: 0}}\nhttp: {port: 0}\nengine: {ring_size: 1024}\n", "vigie.yaml", n -> null);
        try (VigieServer server = new VigieServer(c)) {
            server.start();
            assertTrue(server.syslogPort() > 0);
            assertTrue(server.httpPort() > 0);
            assertTrue(server.counters().gauge(RuleLoading.GAUGE_OK).get() > 0, "bundled rules loaded");

            // An sshd error SigmaHQ's "Suspicious OpenSSH Daemon Error" matches (DRL 1.1), octet-counted.
            final byte[] line = ("<38>1 2026-12-03T08:00:00.000Z web-1 sshd 4242 - - fatal: Corrupted MAC on input "
                + "from 198.51.100.77 port 4242").getBytes(StandardCharsets.UTF_8);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.syslogPort())) {
                final OutputStream out = s.getOutputStream();
                out.write((line.length + " ").getBytes(StandardCharsets.US_ASCII));
                out.write(line);
                out.flush();
            }
            byte[] alert = null;
            try (AlertTailer tailer = new AlertTailer(dir.resolve("data").resolve("alerts"))) {
                final long deadline = System.nanoTime() + 60_000_000_000L;
                while (alert == null && System.nanoTime() < deadline) {
                    alert = tailer.next();
                    if (alert == null) {
                        Thread.sleep(20);
                    }
                }
            }
            assertNotNull(alert, "no alert within 60 s");
            assertTrue(new String(alert, StandardCharsets.UTF_8).contains("\"rule\""));

            final ListenerCounters l = server.counters().listener("syslog");
            assertEquals(1, l.received());
            final String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("vigie_events_received_total{listener=\"syslog\"} 1\n"), metrics);
            assertTrue(metrics.contains("vigie_events_persisted_total{listener=\"syslog\"} 1\n"), metrics);
        }
    }
}
