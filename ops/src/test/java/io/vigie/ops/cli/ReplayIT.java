package io.vigie.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    void shouldCorrelateExactlyWhenTheWindowStateIsLargeEnoughToBePipelined() throws Exception {
        // 60,000 sources with one failure each inside one minute keep ~30k keys live on each of the two workers:
        // over 4 MB of event_count state each, so the workers apply these matches through the prefetching pipeline
        // (matches queued until their batch ends, read from ring slots the publisher must not reuse before then).
        // Among them, 50 sources
        // fail 5 times (must fire, once each) and 50 fail 4 times (must not).
        final Path rules = dir.resolve("brute.yml");
        Files.write(rules, String.join("\n",
            "title: ssh failed password",
            "name: ssh_failed",
            "id: 0d3b6c7e-3f55-4c1a-9a51-5b1e8f1f2a01",
            "logsource: {product: linux, service: sshd}",
            "detection:",
            "  keywords: ['Failed password']",
            "  condition: keywords",
            "level: low",
            "---",
            "title: ssh brute force",
            "id: 0d3b6c7e-3f55-4c1a-9a51-5b1e8f1f2a02",
            "correlation: {type: event_count, rules: [ssh_failed], group-by: [source.ip], timespan: 60s,",
            "  condition: {gte: 5}}",
            "level: high",
            "").getBytes(StandardCharsets.UTF_8));
        final List<String> lines = new ArrayList<>();
        final java.util.Random random = new java.util.Random(5);
        final List<String> attackers = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            lines.add("10." + (i >> 16) + "." + ((i >> 8) & 0xFF) + "." + (i & 0xFF));
        }
        for (int i = 0; i < 50; i++) {
            attackers.add("192.0.2." + i);
            for (int k = 0; k < 5; k++) {
                lines.add("192.0.2." + i);
            }
            for (int k = 0; k < 4; k++) {
                lines.add("198.51.100." + i);
            }
        }
        java.util.Collections.shuffle(lines, random);
        final StringBuilder log = new StringBuilder();
        for (int n = 0; n < lines.size(); n++) {
            // 2,000 lines per second of event time: all within 31 s
            log.append(String.format(java.util.Locale.ROOT, "Mar 30 16:00:%02d host sshd[%d]: Failed password for root "
                + "from %s port 22 ssh2%n", n / 2000, 1000 + n % 5000, lines.get(n)));
        }
        final Path file = dir.resolve("brute.log");
        Files.write(file, log.toString().getBytes(StandardCharsets.UTF_8));
        // A 64-slot ring: the publisher reuses a slot soon after a worker's batch releases it, so a match applied
        // after its batch ended would read another line's fields.
        final Path config = dir.resolve("small-ring.yaml");
        Files.write(config, "engine: {ring_size: 64, workers: 2}\n".getBytes(StandardCharsets.UTF_8));
        final Cli r = Cli.run("replay", "--config", config.toString(), "--rules", rules.toString(), file.toString());
        assertEquals(0, r.code, r.err);
        assertTrue(r.err.contains("replay: events=" + lines.size() + " parsed=" + lines.size() + " rejected=0"), r.err);
        final List<String> fired = new ArrayList<>();
        for (final String line : r.out.split("\n")) {
            if (!line.isEmpty()) {
                final JsonNode a = new ObjectMapper().readTree(line);
                assertEquals("0d3b6c7e-3f55-4c1a-9a51-5b1e8f1f2a02", a.get("rule").get("id").asText(), line);
                assertEquals(5, a.get("count").asInt(), line);
                assertEquals(5, a.get("events").size(), line);
                fired.add(a.get("group").get("source.ip").asText());
            }
        }
        java.util.Collections.sort(fired);
        java.util.Collections.sort(attackers);
        assertEquals(attackers, fired);
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
