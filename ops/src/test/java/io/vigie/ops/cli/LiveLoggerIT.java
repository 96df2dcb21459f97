package io.vigie.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import io.vigie.ops.server.VigieServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The foundation's live check with a real client: util-linux {@code logger} sends RFC 5424 lines over TCP
 * (octet-counted) and UDP to {@code serve}; every line reaches {@code vigie events} exactly once with its fields, the
 * matching ones reach {@code vigie alerts}, and the accounting identity holds.
 */
@Timeout(180)
class LiveLoggerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldCarryLoggerLinesToEventsAndAlerts() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/logger")), "util-linux logger not installed");
        final Path data = dir.resolve("data");
        final VigieConfig c = ConfigLoader.parse("data_dir: " + data + "\n"
            + "ingest: {syslog: {port: 0}}\nhttp: {enabled: false}\nengine: {ring_size: 1024}\n", "vigie.yaml",
            n -> null);
        final int perTransport = 20;
        try (VigieServer server = new VigieServer(c)) {
            server.start();
            final int port = server.syslogPort();
            for (int i = 0; i < perTransport; i++) {
                // Even lines match SigmaHQ "Suspicious OpenSSH Daemon Error" (bundled, DRL 1.1); odd lines match
                // nothing.
                logger("-T", "--octet-count", port, i % 2 == 0
                    ? "fatal: Corrupted MAC on input from 198.51.100.77 port " + (40000 + i) + " tcp-" + i
                    : "Connection closed by 192.0.2.1 port " + (40000 + i) + " tcp-" + i);
                logger("-d", null, port, i % 2 == 0
                    ? "fatal: Corrupted MAC on input from 198.51.100.78 port " + (50000 + i) + " udp-" + i
                    : "Connection closed by 192.0.2.2 port " + (50000 + i) + " udp-" + i);
            }
            final ListenerCounters l = server.counters().listener("syslog");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (l.persisted() + l.rejected() + l.dropped() < 2L * perTransport && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(server.engine().drain(30, TimeUnit.SECONDS));
            assertEquals(2L * perTransport, l.received(), l.toString());
            assertEquals(2L * perTransport, l.persisted(), l.toString());
            assertEquals(l.received(), l.persisted() + l.rejected() + l.dropped(), "accounting identity");
        }

        final Cli events = Cli.run("events", "--data", data.toString());
        assertEquals(0, events.code, events.toString());
        final Map<String, Integer> seen = new HashMap<>();
        for (final String line : events.out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            final JsonNode e = JSON.readTree(line);
            final String message = e.path("message").asText();
            final String tag = message.substring(message.lastIndexOf(' ') + 1);
            seen.merge(tag, 1, Integer::sum);
            assertEquals("sshd", e.path("process.name").asText(), line);
            assertTrue(e.has("vigie.seq"), line);
            assertTrue(e.path("event.original").asText().contains(message), line);
        }
        for (int i = 0; i < perTransport; i++) {
            assertEquals(1, seen.getOrDefault("tcp-" + i, 0), "tcp-" + i + " exactly once");
            assertEquals(1, seen.getOrDefault("udp-" + i, 0), "udp-" + i + " exactly once");
        }

        final Cli alerts = Cli.run("alerts", "--data", data.toString());
        assertEquals(0, alerts.code, alerts.toString());
        final List<JsonNode> matched = new ArrayList<>();
        for (final String line : alerts.out.split("\n")) {
            if (!line.isBlank()) {
                matched.add(JSON.readTree(line));
            }
        }
        assertEquals(perTransport, matched.size(), alerts.out);
        for (final JsonNode a : matched) {
            assertTrue(a.path("rule").path("title").asText().contains("OpenSSH"), a.toString());
            assertTrue(a.path("rule").has("author"), "DRL attribution kept: " + a);
        }
    }

    private static void logger(final String transport, final String framing, final int port, final String msg)
        throws Exception {
        final List<String> cmd = new ArrayList<>(List.of("logger", "--rfc5424", transport));
        if (framing != null) {
            cmd.add(framing);
        }
        cmd.addAll(List.of("-n", "127.0.0.1", "-P", Integer.toString(port), "-t", "sshd", msg));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "logger did not finish");
        assertEquals(0, p.exitValue(),
            new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
}
