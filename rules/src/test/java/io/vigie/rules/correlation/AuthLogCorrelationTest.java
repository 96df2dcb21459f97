package io.vigie.rules.correlation;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.SourceFiles;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real-data scenario of the corpus README: "at least 10 failed passwords, then an accepted password from the
 * same IP within 60 minutes" over elastic/examples auth.log (Apache-2.0), with events built by a naive test-only
 * parse and the expected alerts computed independently by brute force.
 */
@Timeout(60)
class AuthLogCorrelationTest {
    private static final Pattern SSHD = Pattern.compile("^(\\w{3}) +(\\d+) (\\d\\d):(\\d\\d):(\\d\\d) \\S+ "
        + "sshd\\[\\d+\\]: (Failed password|Accepted password) for (invalid user )?(\\S+) from (\\S+) port");
    private static final Map<String, Integer> MONTHS = Map.of("Mar", 3, "Apr", 4);
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private record Line(long time, boolean failed, String ip, String user, int number) {
    }

    private static List<Line> parse(final Path file) throws IOException {
        final List<Line> out = new ArrayList<>();
        int n = 0;
        for (final String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            final Matcher m = SSHD.matcher(l);
            if (m.find()) {
                final long t = LocalDateTime.of(2026, MONTHS.get(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)))
                    .toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L;
                out.add(new Line(t, m.group(6).startsWith("Failed"), m.group(9), m.group(8), n));
            }
        }
        return out;
    }

    private static String resource(final String name) throws IOException {
        try (InputStream in = AuthLogCorrelationTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldFireOnceForTheBruteForceThatSucceeded() throws IOException {
        final Path file = Harness.corpus().resolve("syslog/elastic-examples/auth.log");
        final List<Line> lines = parse(file);
        assertTrue(lines.size() > 700, "parsed " + lines.size());

        // Expected, by brute force: an accepted login at t from ip qualifies when some failure f from ip in
        // [t - 60m, t] has at least 10 failures from ip in [f - 60m, f].
        final Set<String> expected = new LinkedHashSet<>();
        for (final Line a : lines) {
            if (a.failed()) {
                continue;
            }
            for (final Line f : lines) {
                if (f.failed() && f.ip().equals(a.ip()) && f.time() <= a.time() && a.time() - f.time() <= HOUR) {
                    long count = 0;
                    for (final Line g : lines) {
                        if (g.failed() && g.ip().equals(f.ip()) && g.time() <= f.time()
                            && f.time() - g.time() <= HOUR) {
                            count++;
                        }
                    }
                    if (count >= 10) {
                        expected.add(a.ip() + "@" + a.time() + ":" + a.number());
                        break;
                    }
                }
            }
        }
        final long mar30 = LocalDateTime.of(2026, 3, 30, 16, 1, 36).toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L;
        assertTrue(expected.stream().anyMatch(s -> s.startsWith("24.151.103.17@" + mar30 + ":")), expected.toString());

        final Harness h = new Harness(resource("/correlation/ssh_bruteforce_then_success.yml"));
        assertEquals(2, h.set.size());
        final int fileIndex = SourceFiles.register(file);
        final TelemetryEvent e = new TelemetryEvent();
        long seq = 0;
        for (final Line l : lines) {
            e.reset();
            e.timestampNanos = l.time();
            e.receivedNanos = l.time();
            e.seq = seq++;
            e.sourceFile = fileIndex;
            e.sourceLine = l.number();
            add(e, Fields.EVENT_ACTION, "ssh_login");
            add(e, Fields.EVENT_OUTCOME, l.failed() ? "failure" : "success");
            add(e, Fields.SOURCE_IP, l.ip());
            add(e, Fields.USER_NAME, l.user());
            h.match(l.failed() ? "ssh_failed_password" : "ssh_accepted_password", e);
            if (seq % 64 == 0) {
                h.batchEnd(System.nanoTime());
            }
        }
        h.batchEnd(System.nanoTime());
        h.flush();

        final Set<String> crossings = new LinkedHashSet<>();
        for (final Alert a : h.alerts) {
            if (!Boolean.TRUE.equals(a.extra.get("update"))) {
                final String trigger = a.events.get(a.events.size() - 1);
                crossings.add(a.group.get("source.ip") + "@" + a.lastSeenNanos + ":"
                    + trigger.substring(trigger.lastIndexOf(':') + 1));
            }
        }
        assertEquals(expected, crossings);
        assertEquals(1, h.alertIds().size());
        final Alert a = h.alerts.get(0);
        assertEquals("7a4c1d52-3b8e-4f0a-9d61-2c5e8f1b9a07", a.ruleId);
        assertEquals("temporal_ordered", a.ruleType);
        assertEquals("high", a.ruleLevel);
        assertEquals(Map.of("source.ip", "24.151.103.17"), a.group);
        assertEquals(mar30, a.lastSeenNanos);
        assertTrue(a.events.get(a.events.size() - 1).startsWith("auth.log:"), a.events.toString());
        // Sanity: the brute force itself peaks far above the threshold.
        final TreeMap<String, Integer> failures = new TreeMap<>();
        lines.stream().filter(Line::failed).forEach(l -> failures.merge(l.ip(), 1, Integer::sum));
        assertTrue(failures.get("24.151.103.17") > 100);
    }

    private static void add(final TelemetryEvent e, final int id, final String value) {
        final byte[] b = value.getBytes(StandardCharsets.UTF_8);
        e.addField(id, b, 0, b.length);
    }
}
