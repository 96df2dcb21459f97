package io.vigie.ops.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.journal.AlertTailer;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ops.cli.VigieCli;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real data end to end: elastic/examples {@code auth.log} (Apache-2.0, 7,121 lines) through {@code vigie replay}
 * with the SSH "brute force then success" rules on the sshd decoder's fields. Every alert that opens an incident
 * (a crossing) must be exactly what an independent count over the file gives, and the same lines sent over TCP to a
 * running server must give the same crossings (same rule, group, event time and incident id).
 */
@Timeout(300)
class CorrelationEndToEndIT {
    private static final String TEMPORAL = "7a4c1d52-3b8e-4f0a-9d61-2c5e8f1b9a07";
    private static final String COUNT = "0f3e9b6a-8d27-4c41-b5a3-71e2d4c9f018";
    private static final String ACCEPTED = "9b1f6c3d-2e8a-4d75-a0c4-5f7e3b2d1a96";
    private static final long HOUR_S = 3600;
    /**
     * What the sshd decoder turns into event.action ssh_login (the source.ip is the last "from" token). rsyslog's
     * "message repeated N times: [ msg ]" is one event (with event.count N) whose inner message is decoded.
     */
    private static final Pattern LOGIN = Pattern.compile("^(\\w{3}) +(\\d+) (\\d\\d):(\\d\\d):(\\d\\d) \\S+ "
        + "sshd\\[\\d+\\]: (?:message repeated \\d+ times: \\[ )?(Failed|Accepted) \\S+ for .* from (\\S+) port \\d+");
    private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
        "Sep", "Oct", "Nov", "Dec");

    @TempDir
    Path dir;

    private record Login(int line, long time, boolean failed, String ip) {
    }

    private static Path corpus() {
        return Path.of(System.getProperty("vigie.corpus", "../../shared/corpus"));
    }

    /** RFC 3164 has no year: as the decoder, take the receive year, or the previous one for a date over 31 days
     * ahead, or the next one for a date over 334 days behind. */
    private static int year(final int month, final int day, final LocalDate received) {
        final int y = received.getYear();
        final LocalDate candidate = LocalDate.of(y, month, Math.min(day, LocalDate.of(y, month, 1).lengthOfMonth()));
        final long ahead = candidate.toEpochDay() - received.toEpochDay();
        return ahead > 31 ? y - 1 : ahead < -334 ? y + 1 : y;
    }

    private static List<Login> logins(final List<String> lines, final LocalDate received) {
        final List<Login> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            final Matcher m = LOGIN.matcher(lines.get(i));
            if (!m.find()) {
                continue;
            }
            final int month = MONTHS.indexOf(m.group(1)) + 1;
            final int day = Integer.parseInt(m.group(2));
            final long t = LocalDate.of(year(month, day, received), month, day).atTime(Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))).toEpochSecond(ZoneOffset.UTC);
            out.add(new Login(i + 1, t, m.group(6).equals("Failed"), m.group(7)));
        }
        return out;
    }

    /**
     * The documented emission policy, recomputed naively: per source IP, at each failure, count the failures of
     * that IP in [t - 60 min, t]; a crossing is a failure where the count reaches 10 while at the previous failure
     * of that IP it did not (the incident closes, and the group re-arms, when the condition is false again).
     * Returns "ip|epochSecond|line" of the crossings, and marks the failures where the count holds.
     */
    private static SortedSet<String> countCrossings(final List<Login> logins, final Map<Integer, Boolean> holdsAt) {
        final Map<String, List<Long>> times = new HashMap<>();
        final Map<String, Boolean> held = new HashMap<>();
        final TreeSet<String> out = new TreeSet<>();
        for (final Login l : logins) {
            if (!l.failed()) {
                continue;
            }
            final List<Long> ts = times.computeIfAbsent(l.ip(), k -> new ArrayList<>());
            ts.add(l.time());
            int n = 0;
            for (final long t : ts) {
                if (t >= l.time() - HOUR_S && t <= l.time()) {
                    n++;
                }
            }
            final boolean holds = n >= 10;
            if (holds && !held.getOrDefault(l.ip(), false)) {
                out.add(l.ip() + "|" + l.time() + "|" + l.line());
            }
            held.put(l.ip(), holds);
            holdsAt.put(l.line(), holds);
        }
        return out;
    }

    /**
     * temporal_ordered (count occurrence, then accepted) within 60 min, per IP: at an accepted login, the latest
     * occurrence (a failure where the count holds) at most 60 min earlier starts a complete sequence; the
     * condition holds at an event of the group while the latest such start is within 60 min of it; a crossing is
     * an event where it holds while at the group's previous event it did not.
     */
    private static SortedSet<String> temporalCrossings(final List<Login> logins, final Map<Integer, Boolean> holdsAt) {
        final Map<String, Long> lastOccurrence = new HashMap<>();
        final Map<String, Long> completeStart = new HashMap<>();
        final Map<String, Boolean> active = new HashMap<>();
        final TreeSet<String> out = new TreeSet<>();
        for (final Login l : logins) {
            final boolean occurrence = l.failed() && holdsAt.get(l.line());
            if (l.failed() && !occurrence) {
                continue;
            }
            if (occurrence) {
                lastOccurrence.put(l.ip(), l.time());
            } else {
                final Long start = lastOccurrence.get(l.ip());
                if (start != null && l.time() - start <= HOUR_S) {
                    completeStart.merge(l.ip(), start, Math::max);
                }
            }
            final Long start = completeStart.get(l.ip());
            final boolean holds = start != null && start >= l.time() - HOUR_S;
            if (holds && !active.getOrDefault(l.ip(), false)) {
                out.add(l.ip() + "|" + l.time() + "|" + l.line());
            }
            active.put(l.ip(), holds);
        }
        return out;
    }

    private static List<JsonNode> jsonLines(final String text) throws Exception {
        final List<JsonNode> out = new ArrayList<>();
        final ObjectMapper m = new ObjectMapper();
        for (final String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(m.readTree(line));
            }
        }
        return out;
    }

    private static boolean isUpdate(final JsonNode a) {
        return a.path("update").asBoolean(false);
    }

    /** "ip|epochSecond|line" of the crossing alerts of a rule (the triggering event is the last evidence). */
    private static SortedSet<String> crossings(final List<JsonNode> alerts, final String ruleId) {
        final TreeSet<String> out = new TreeSet<>();
        for (final JsonNode a : alerts) {
            if (ruleId.equals(a.get("rule").get("id").asText()) && !isUpdate(a)) {
                final JsonNode ev = a.get("events");
                final String trigger = ev.get(ev.size() - 1).asText();
                out.add(a.get("group").get("source.ip").asText() + "|"
                    + Instant.parse(a.get("last_seen").asText()).getEpochSecond() + "|"
                    + trigger.substring(trigger.lastIndexOf(':') + 1));
            }
        }
        return out;
    }

    /** (rule, group, event time, incident id) of every alert that opens an incident or is a detection. */
    private static List<String> identities(final List<JsonNode> alerts) {
        final List<String> out = new ArrayList<>();
        for (final JsonNode a : alerts) {
            if (isUpdate(a)) {
                continue;
            }
            final String type = a.get("rule").get("type").asText();
            out.add(a.get("rule").get("id").asText() + " " + a.get("group") + " " + a.get("last_seen").asText()
                + " " + ("detection".equals(type) ? "" : a.get("alert_id").asText()));
        }
        out.sort(null);
        return out;
    }

    @Test
    void shouldMatchAnIndependentCountAndAgreeWithLiveIngest() throws Exception {
        final Path log = corpus().resolve("syslog/elastic-examples/auth.log");
        final Path rules = dir.resolve("ssh_bruteforce_then_success.yml");
        try (InputStream in = getClass().getResourceAsStream("/correlation/ssh_bruteforce_then_success.yml")) {
            Files.write(rules, in.readAllBytes());
        }
        final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        final LocalDate today = LocalDate.now(ZoneOffset.UTC);

        // --- replay, in process ---
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = VigieCli.run(new PrintWriter(out), new PrintWriter(err), "replay", "--rules",
            rules.toString(), log.toString());
        assertEquals(0, code, err.toString());
        assertTrue(err.toString().contains("replay: events=7121 parsed=7121 rejected=0"), err.toString());
        final List<JsonNode> replayed = jsonLines(out.toString());

        // --- the independent count ---
        final List<Login> logins = logins(lines, today);
        final Map<Integer, Boolean> holdsAt = new HashMap<>();
        final SortedSet<String> expectedCount = countCrossings(logins, holdsAt);
        final SortedSet<String> expectedTemporal = temporalCrossings(logins, holdsAt);
        final TreeSet<String> expectedAccepted = new TreeSet<>();
        for (final Login l : logins) {
            if (!l.failed()) {
                expectedAccepted.add(l.line() + "");
            }
        }
        assertTrue(expectedCount.size() >= 7, expectedCount.toString());

        assertEquals(expectedCount, crossings(replayed, COUNT));
        assertEquals(expectedTemporal, crossings(replayed, TEMPORAL));
        final TreeSet<String> accepted = new TreeSet<>();
        for (final JsonNode a : replayed) {
            final String id = a.get("rule").get("id").asText();
            assertTrue(id.equals(COUNT) || id.equals(TEMPORAL) || id.equals(ACCEPTED), a.toString());
            if (id.equals(ACCEPTED)) {
                final String ev = a.get("events").get(0).asText();
                assertTrue(accepted.add(ev.substring(ev.indexOf(':') + 1)), "one alert per accepted login: " + ev);
            }
        }
        assertEquals(expectedAccepted, accepted);
        // Updates belong to an incident opened by a crossing.
        final TreeSet<String> opened = new TreeSet<>();
        for (final JsonNode a : replayed) {
            if (!isUpdate(a)) {
                opened.add(a.get("alert_id").asText());
            }
        }
        for (final JsonNode a : replayed) {
            if (isUpdate(a)) {
                assertTrue(opened.contains(a.get("alert_id").asText()), a.toString());
            }
        }

        // The true positive of the corpus README: 24.151.103.17, accepted on Mar 30 16:01:36.
        JsonNode tp = null;
        for (final JsonNode a : replayed) {
            if (TEMPORAL.equals(a.get("rule").get("id").asText()) && !isUpdate(a)
                && "24.151.103.17".equals(a.get("group").get("source.ip").asText())) {
                assertEquals(null, tp, "one incident");
                tp = a;
            }
        }
        assertTrue(tp != null, out.toString());
        final Instant at = Instant.parse(tp.get("last_seen").asText());
        assertEquals("2026-03-30T16:01:36Z".substring(4), at.toString().substring(4));
        final JsonNode evidence = tp.get("events");
        final String trigger = evidence.get(evidence.size() - 1).asText();
        assertTrue(trigger.startsWith("auth.log:"), trigger);
        final String line = lines.get(Integer.parseInt(trigger.substring("auth.log:".length())) - 1);
        assertTrue(line.startsWith("Mar 30 16:01:36 ") && line.contains("Accepted password for")
            && line.contains(" from 24.151.103.17 port "), line);
        assertEquals("high", tp.get("rule").get("level").asText());

        // --- the same lines over TCP to a running server ---
        final VigieConfig c = ConfigLoader.parse("data_dir: " + dir.resolve("data") + "\n"
            + "rules: [" + rules + "]\n"
            + "ingest: {syslog: {port: 0, udp: false}}\nhttp: {enabled: false}\n", "vigie.yaml", n -> null);
        final List<JsonNode> live = new ArrayList<>();
        try (VigieServer server = new VigieServer(c)) {
            server.start();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.syslogPort())) {
                final OutputStream o = s.getOutputStream();
                for (final String l : lines) {
                    o.write((l + "\n").getBytes(StandardCharsets.UTF_8));
                }
                o.flush();
            }
            final ListenerCounters counters = server.counters().listener("syslog");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (counters.persisted() + counters.rejected() + counters.dropped() < lines.size()
                && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(lines.size(), counters.received());
            assertEquals(lines.size(), counters.persisted());
            assertTrue(server.engine().drain(60, TimeUnit.SECONDS));
        }
        try (AlertTailer tailer = new AlertTailer(dir.resolve("data").resolve("alerts"))) {
            final StringBuilder b = new StringBuilder();
            for (byte[] a = tailer.next(); a != null; a = tailer.next()) {
                b.append(new String(a, StandardCharsets.UTF_8)).append('\n');
            }
            live.addAll(jsonLines(b.toString()));
        }
        assertEquals(expectedCount.size() + expectedTemporal.size() + expectedAccepted.size(),
            identities(replayed).size());
        assertEquals(identities(replayed), identities(live));
    }
}
