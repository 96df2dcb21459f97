package io.vigie.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code replay} and {@code rules check} end to end (need the ingest decoders and the rule loader). */
@Timeout(120)
class ReplayIT {
    private static final String RULE = String.join("\n",
        "title: Vigie replay test marker",
        "id: 5b0a7e49-8a4a-4f4e-9d8e-1f0c3a6b2d11",
        "status: test",
        "logsource: {product: linux, service: sshd}",
        "detection:",
        "  keywords: ['Corrupted MAC on input']",
        "  condition: keywords",
        "level: high",
        "");

    @TempDir
    Path dir;

    @Test
    void shouldPrintAlertsWithFileAndLineEvidence() throws Exception {
        final Path rule = dir.resolve("marker.yml");
        Files.write(rule, RULE.getBytes(StandardCharsets.UTF_8));
        final Path log = dir.resolve("auth.log");
        Files.write(log, String.join("\n",
            "Mar 27 13:06:56 ip-10-77-20-248 sshd[1291]: Server listening on 0.0.0.0 port 22.",
            "Mar 27 13:07:01 ip-10-77-20-248 sshd[1292]: fatal: Corrupted MAC on input from 198.51.100.77",
            "Mar 27 13:08:09 ip-10-77-20-248 sshd[1361]: Accepted publickey for ubuntu from 85.245.107.41 port 54259",
            "").getBytes(StandardCharsets.UTF_8));
        final Cli r = Cli.run("replay", "--rules", rule.toString(), log.toString());
        assertEquals(0, r.code, r.toString());
        final List<JsonNode> alerts = new ArrayList<>();
        for (final String line : r.out.split("\n")) {
            if (!line.isEmpty()) {
                alerts.add(new ObjectMapper().readTree(line));
            }
        }
        assertEquals(1, alerts.size(), r.toString());
        assertEquals("5b0a7e49-8a4a-4f4e-9d8e-1f0c3a6b2d11", alerts.get(0).get("rule").get("id").asText());
        assertEquals("auth.log:2", alerts.get(0).get("events").get(0).asText());
        assertTrue(r.err.contains("replay: events=3 parsed=3 rejected=0"), r.toString());
        assertTrue(r.err.contains(" alerts=1 "), r.toString());
    }

    @Test
    void shouldReplayTheCorpusWithTheBundledRules() throws Exception {
        final String corpus = System.getProperty("vigie.corpus", "../../shared/corpus");
        final Path auth = Path.of(corpus, "syslog", "elastic-examples", "auth.log");
        final Cli r = Cli.run("replay", auth.toString());
        assertEquals(0, r.code, r.toString());
        assertTrue(r.err.contains("replay: events=7121 parsed=7121 rejected=0"), r.err);
        for (final String line : r.out.split("\n")) {
            if (!line.isEmpty()) {
                final String ev = new ObjectMapper().readTree(line).get("events").get(0).asText();
                assertTrue(ev.startsWith("auth.log:"), line);
            }
        }
    }

    @Test
    void shouldStopOnInvalidRulesAndReportChecks() throws Exception {
        final Path good = dir.resolve("good.yml");
        Files.write(good, RULE.getBytes(StandardCharsets.UTF_8));
        final Path bad = dir.resolve("bad.yml");
        Files.write(bad, "title: broken\nid: x\nlogsource: {product: linux}\ndetection: {condition: nothing}\n"
            .getBytes(StandardCharsets.UTF_8));
        final Path log = dir.resolve("a.log");
        Files.write(log, "x\n".getBytes(StandardCharsets.UTF_8));

        final Cli replay = Cli.run("replay", "--rules", dir.toString(), log.toString());
        assertEquals(2, replay.code, replay.toString());
        assertTrue(replay.err.contains("bad.yml"), replay.toString());
        assertEquals("", replay.out);

        final Cli check = Cli.run("rules", "check", good.toString(), bad.toString());
        assertEquals(1, check.code, check.toString());
        final String[] lines = check.out.split("\n");
        assertEquals(3, lines.length, check.toString());
        assertTrue(lines[0].endsWith("Vigie replay test marker: ok"), check.toString());
        assertTrue(lines[1].contains("invalid: "), check.toString());
        assertEquals("2 rules: 1 ok, 0 unsupported, 1 invalid", lines[2]);
        assertEquals(0, Cli.run("rules", "check", good.toString()).code);
    }
}
