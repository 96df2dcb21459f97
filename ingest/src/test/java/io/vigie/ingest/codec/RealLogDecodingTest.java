package io.vigie.ingest.codec;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.ingest.codec.message.MessageDecoders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoders end to end on real logs, exactly as a listener runs them: the auto-detector, the RFC 3164 header
 * decoder and the message decoders, on the corpus's real auth.log, Apache access log and auditd records. Expected
 * numbers are computed independently here with java.util.regex over the same lines.
 */
class RealLogDecodingTest {
    private static final Pattern FAILED = Pattern.compile(
        "sshd\\[\\d+\\]: (?:message repeated \\d+ times: \\[ )?Failed password for (?:invalid user )?(\\S*) ?"
            + "from (\\S+) port \\d+");
    private static final Pattern ACCEPTED =
        Pattern.compile("sshd\\[\\d+\\]: Accepted \\S+ for (\\S+) from (\\S+) port");
    private static final Pattern INVALID = Pattern.compile("sshd\\[\\d+\\]: Invalid user (\\S*) ?from (\\S+)");

    private final AutoDetectDecoder decoder = new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(),
        new MessageDecoders());

    private TelemetryEvent decode(final String line) {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.receivedNanos = 1_764_748_862_000_000_000L; // 2025-12-03: the file's March-April dates fall in 2025
        final byte[] b = line.getBytes(StandardCharsets.UTF_8);
        e.setRaw(b, 0, b.length);
        decoder.decode(e);
        return e;
    }

    @Test
    void shouldDecodeEverySshLoginOfTheRealAuthLog() throws Exception {
        final List<String> lines = Files.readAllLines(corpus().resolve("syslog/elastic-examples/auth.log"));
        assertEquals(7121, lines.size());
        int failedWithUser = 0;
        int failedLines = 0;
        int accepted = 0;
        int invalid = 0;
        final Set<String> failedIps = new HashSet<>();
        final Set<String> acceptedIps = new HashSet<>();
        for (final String line : lines) {
            final TelemetryEvent e = decode(line);
            assertEquals(0, e.rejectReason, line);
            assertEquals(EventFormat.RFC3164, e.format, line);
            assertNotNull(e.get(Fields.HOST_NAME), line);
            assertTrue(e.timestampNanos != TelemetryEvent.NO_TIME, line);
            Matcher m = FAILED.matcher(line);
            if (m.find()) {
                failedLines++;
                assertEquals(m.group(2), e.get(Fields.SOURCE_IP), line);
                assertEquals("failure", e.get(Fields.EVENT_OUTCOME), line);
                assertEquals("ssh_login", e.get(Fields.EVENT_ACTION), line);
                assertEquals(Logsources.SSHD, e.logService, line);
                if (!m.group(1).isEmpty()) {
                    assertEquals(m.group(1), e.get(Fields.USER_NAME), line);
                    failedWithUser++;
                    failedIps.add(m.group(2));
                }
                continue;
            }
            m = ACCEPTED.matcher(line);
            if (m.find()) {
                accepted++;
                acceptedIps.add(m.group(2));
                assertEquals(m.group(1), e.get(Fields.USER_NAME), line);
                assertEquals(m.group(2), e.get(Fields.SOURCE_IP), line);
                assertEquals("success", e.get(Fields.EVENT_OUTCOME), line);
                continue;
            }
            m = INVALID.matcher(line);
            if (m.find()) {
                invalid++;
                assertEquals(m.group(2), e.get(Fields.SOURCE_IP), line);
                if (!m.group(1).isEmpty()) {
                    assertEquals(m.group(1), e.get(Fields.USER_NAME), line);
                }
            }
        }
        // The corpus README's independent figures: 670 "Failed password" lines from 104 IPs, 226 "Accepted" from 4.
        // 43 more failures have an empty user name ("invalid user  from"): they carry source.ip but no user.name.
        assertEquals(670, failedWithUser);
        assertEquals(104, failedIps.size());
        assertEquals(713, failedLines);
        assertEquals(226, accepted);
        assertEquals(4, acceptedIps.size());
        assertTrue(invalid > 0);
    }

    @Test
    void shouldDecodeEveryLineOfTheRealApacheAccessLog() throws Exception {
        final List<String> lines = Files.readAllLines(
            corpus().resolve("syslog/elastic-examples/apache_access_combined.log"));
        assertEquals(10_000, lines.size());
        for (final String line : lines) {
            final TelemetryEvent e = decode(line);
            assertEquals(0, e.rejectReason, line);
            assertEquals(Logsources.WEBSERVER, e.logCategory, line);
            assertNotNull(e.get(Fields.SOURCE_IP) != null ? e.get(Fields.SOURCE_IP) : e.get("source.domain"), line);
            assertNotNull(e.get(Fields.HTTP_REQUEST_METHOD), line);
            assertNotNull(e.get(Fields.URL_ORIGINAL), line);
            assertNotNull(e.get(Fields.HTTP_RESPONSE_STATUS_CODE), line);
            assertTrue(e.timestampNanos != TelemetryEvent.NO_TIME, line);
            if (!line.endsWith("\"-\"")) {
                assertNotNull(e.get(Fields.USER_AGENT_ORIGINAL), line);
            }
        }
    }

    @Test
    void shouldDecodeTheRealAuditdRecords() throws Exception {
        final List<String> lines = Files.readAllLines(
            corpus().resolve("syslog/otrf-security-datasets/sh_binary_padding_dd_2020-11-10081941.log"));
        final TelemetryEvent execve = decode(lines.get(1));
        assertEquals(0, execve.rejectReason);
        assertEquals(Logsources.AUDITD, execve.logService);
        assertEquals("EXECVE", execve.get("auditd.type"));
        assertEquals("dd", execve.get("auditd.a0"));
        assertEquals("if=/dev/zero", execve.get("auditd.a1"));
        for (final String line : lines) {
            final TelemetryEvent e = decode(line);
            assertEquals(0, e.rejectReason, line);
            assertNotNull(e.get("auditd.type"), line);
        }
    }

    static Path corpus() {
        final String p = System.getProperty("vigie.corpus");
        return p != null ? Path.of(p) : Path.of("../../shared/corpus");
    }
}
