package io.vigie.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vigie replay} on the corpus's real logs with the SigmaHQ rules, through the whole pipeline. */
@Timeout(300)
class RealDataReplayIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path corpus() {
        final String p = System.getProperty("vigie.corpus");
        return p != null ? Path.of(p) : Path.of("../../shared/corpus");
    }

    private static List<JsonNode> alerts(final Cli run) throws Exception {
        final List<JsonNode> out = new ArrayList<>();
        for (final String line : run.out.split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    @Test
    void shouldDetectTheOtrfBinaryPaddingRecordWithTheSigmaHqAuditdRule() throws Exception {
        final Path rules = corpus().resolve("sigma/sigmahq/rules/linux/auditd/execve");
        final Cli run = Cli.run("replay", "--rules", rules.resolve("lnx_auditd_binary_padding.yml").toString(),
            "--rules", rules.resolve("lnx_auditd_dd_delete_file.yml").toString(),
            corpus().resolve("syslog/otrf-security-datasets/sh_binary_padding_dd_2020-11-10081941.log").toString());
        assertEquals(0, run.code, run.toString());
        final List<JsonNode> alerts = alerts(run);
        final List<String> titles = new ArrayList<>();
        for (final JsonNode a : alerts) {
            titles.add(a.path("rule").path("title").asText());
            if (a.path("rule").path("id").asText().equals("c52a914f-3d8b-4b2a-bb75-b3991e75f8ba")) {
                // The EXECVE record with a0="dd" a1="if=/dev/zero" is line 2 of the file.
                assertEquals("sh_binary_padding_dd_2020-11-10081941.log:2", a.path("events").get(0).asText(),
                    a.toString());
            }
        }
        assertTrue(titles.stream().anyMatch(t -> t.contains("Binary Padding")), run.toString());
        assertTrue(run.err.contains("rejected=0"), run.err);
    }

    @Test
    void shouldRunTheSigmaHqWebRulesOverTheRealApacheLog() throws Exception {
        final Cli run = Cli.run("replay", "--rules", corpus().resolve("sigma/sigmahq/rules/web").toString(),
            corpus().resolve("syslog/elastic-examples/apache_access_combined.log").toString());
        assertEquals(0, run.code, run.toString());
        assertTrue(run.err.contains("events=10000 parsed=10000 rejected=0"), run.err);
        for (final JsonNode a : alerts(run)) {
            assertTrue(a.path("events").get(0).asText().startsWith("apache_access_combined.log:"), a.toString());
            assertTrue(a.path("rule").has("author"), a.toString());
        }
        System.out.println("web rules over apache_access_combined.log: " + run.err.trim());
    }

    @Test
    void shouldFireTheSigmaHqWebRulesOnAttackLines(@org.junit.jupiter.api.io.TempDir final Path dir)
        throws Exception {
        final Path log = dir.resolve("attacks.log");
        java.nio.file.Files.writeString(log,
            "203.0.113.9 - - [17/May/2015:10:05:03 +0000] \"GET /download?file=../../../etc/passwd HTTP/1.1\" 200 "
                + "512 \"-\" \"Mozilla/5.0\"\n"
                + "203.0.113.10 - - [17/May/2015:10:05:04 +0000] \"GET /index.php?id=1 HTTP/1.1\" 200 512 \"-\" "
                + "\"sqlmap/1.7.2#stable (https://sqlmap.org)\"\n"
                + "198.51.100.1 - - [17/May/2015:10:05:05 +0000] \"GET /index.html HTTP/1.1\" 200 512 \"-\" "
                + "\"Mozilla/5.0\"\n");
        final Cli run = Cli.run("replay", "--rules", corpus().resolve("sigma/sigmahq/rules/web").toString(),
            log.toString());
        assertEquals(0, run.code, run.toString());
        final List<String> evidence = new ArrayList<>();
        final List<String> titles = new ArrayList<>();
        for (final JsonNode a : alerts(run)) {
            evidence.add(a.path("events").get(0).asText());
            titles.add(a.path("rule").path("title").asText());
        }
        assertTrue(titles.contains("Path Traversal Exploitation Attempts"), run.toString());
        assertTrue(evidence.contains("attacks.log:1") && evidence.contains("attacks.log:2"), run.toString());
        assertTrue(!evidence.contains("attacks.log:3"), "benign line raised an alert: " + run);
    }
}
