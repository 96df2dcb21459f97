package io.vigie.ops.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.journal.AlertTailer;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code serve} with sharing configured, end to end from a real syslog client to a subscriber: the alert is assessed,
 * served over TAXII 2.1 (STIX) and the alert query, pseudonymised, and invisible without a token.
 */
@Timeout(120)
class SharingServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "isac-token-0123456789abcdef";
    private static final String KEY = "pseudonymization-key-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void shouldServeAnAssessedPseudonymisedAlertToAnAuthenticatedSubscriber() throws Exception {
        final Path rule = dir.resolve("ssh_failed.yml");
        java.nio.file.Files.writeString(rule, "title: SSH failed login\nid: 5f0c2a1e-7b9d-4c3e-8a6f-1d2e3f4a5b6c\n"
            + "logsource: {product: linux, service: sshd}\n"
            + "detection: {selection: {event.action: ssh_login, event.outcome: failure}, condition: selection}\n"
            + "level: high\ntags: [attack.credential-access, attack.t1110]\n");
        final String yaml = "data_dir: " + dir.resolve("data") + "\n" + "rules: [" + rule + "]\n"
            + "soc: {id: soc-fr-1, country: FR, sector: energy}\n"
            + "ingest: {syslog: {port: 0, tlp: amber}}\nhttp: {port: 0}\nengine: {ring_size: 1024}\n"
            + "sharing:\n"
            + "  pseudonymize: {key_env: VIGIE_KEY}\n"
            + "  subscribers: [{name: isac, token_env: VIGIE_TOKEN, max_tlp: amber}]\n"
            + "  collections: [{id: 4b5a3d2c-1e0f-4a9b-8c7d-6e5f4a3b2c1d, title: amber, max_tlp: amber}]\n";
        final VigieConfig c = ConfigLoader.parse(yaml, "vigie.yaml",
            n -> "VIGIE_TOKEN".equals(n) ? TOKEN : "VIGIE_KEY".equals(n) ? KEY : null);
        try (VigieServer server = new VigieServer(c)) {
            server.start();
            final byte[] line = ("<38>1 2026-12-03T08:00:00.000Z victim-host-7 sshd 4242 - - Failed password for "
                + "invalid user alice from 198.51.100.77 port 4242 ssh2").getBytes(StandardCharsets.UTF_8);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.syslogPort())) {
                final OutputStream out = s.getOutputStream();
                out.write((line.length + " ").getBytes(StandardCharsets.US_ASCII));
                out.write(line);
                out.flush();
            }
            JsonNode journaled = null;
            try (AlertTailer tailer = new AlertTailer(dir.resolve("data").resolve("alerts"))) {
                final long deadline = System.nanoTime() + 60_000_000_000L;
                while (journaled == null && System.nanoTime() < deadline) {
                    final byte[] a = tailer.next();
                    if (a == null) {
                        Thread.sleep(20);
                    } else {
                        journaled = JSON.readTree(a);
                    }
                }
            }
            assertNotNull(journaled, "no alert");
            assertEquals("amber", journaled.path("tlp").asText());
            final JsonNode assessment = journaled.path("assessment");
            for (final String k : new String[] {"severity", "scope", "scale", "duration_s", "intensity", "complexity",
                "sophistication", "impact"}) {
                assertTrue(assessment.has(k), "assessment." + k + " in " + assessment);
            }

            final HttpClient http = HttpClient.newHttpClient();
            final String base = "http://127.0.0.1:" + server.httpPort();
            final HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base + "/taxii2/"))
                .header("Accept", "application/taxii+json;version=2.1").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());

            HttpResponse<String> objects;
            final long until = System.nanoTime() + 30_000_000_000L;
            do {
                objects = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/taxii2/vigie/collections/4b5a3d2c-1e0f-4a9b-8c7d-6e5f4a3b2c1d/objects/"))
                    .header("Accept", "application/taxii+json;version=2.1").header("Authorization", "Bearer " + TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString());
                Thread.sleep(50);
            } while (!objects.body().contains("\"sighting\"") && System.nanoTime() < until);
            assertEquals(200, objects.statusCode(), objects.body());
            assertTrue(objects.body().contains("\"sighting\""), objects.body());
            assertTrue(objects.body().contains("198.51.100.77"), "attacker-side indicator in clear");
            assertFalse(objects.body().contains("victim-host-7"), "victim host pseudonymised: " + objects.body());
            assertFalse(objects.body().contains("alice"), "user name pseudonymised: " + objects.body());

            final long deadline = System.nanoTime() + 30_000_000_000L;
            HttpResponse<String> query;
            do {
                query = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/alerts"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                Thread.sleep(50);
            } while (!query.body().contains("alert_id") && System.nanoTime() < deadline);
            assertEquals(200, query.statusCode(), query.body());
            assertTrue(query.body().contains("SSH failed login"), query.body());
            assertFalse(query.body().contains("victim-host-7"), "victim host pseudonymised: " + query.body());
            assertFalse(query.body().contains("alice"), "user name pseudonymised: " + query.body());
        }
    }
}
