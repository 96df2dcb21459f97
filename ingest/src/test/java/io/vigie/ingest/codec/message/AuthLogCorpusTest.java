package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real Ubuntu auth.log of the corpus (Apache-2.0, elastic/examples) through MessageDecoders. */
@Timeout(60)
class AuthLogCorpusTest {
    private static List<byte[]> lines;

    @BeforeAll
    static void load() throws IOException {
        lines = Fixture.lines("syslog/elastic-examples/auth.log");
    }

    private static String text(final byte[] line) {
        return new String(line, StandardCharsets.UTF_8);
    }

    /** The user between "for " (after "invalid user ") and " from ", counted with plain string operations. */
    private static String expectedUser(final String s, final String marker) {
        int u = s.indexOf(marker) + marker.length();
        if (s.startsWith("invalid user ", u)) {
            u += "invalid user ".length();
        }
        return s.substring(u, s.lastIndexOf(" from "));
    }

    private static String expectedIp(final String s) {
        final int f = s.lastIndexOf(" from ") + 6;
        final int sp = s.indexOf(' ', f);
        return s.substring(f, sp < 0 ? s.length() : sp);
    }

    @Test
    void shouldLineCount() {
        assertEquals(7121, lines.size());
    }

    @Test
    void shouldDecodeEveryFailedPasswordLine() {
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        int withUserAndIp = 0;
        int total = 0;
        int expectedWithUser = 0;
        final Set<String> ips = new HashSet<>();
        final Set<String> expectedIps = new HashSet<>();
        for (final byte[] line : lines) {
            final String s = text(line);
            if (!s.contains("Failed password")) {
                continue;
            }
            total++;
            assertTrue(Fixture.bsd(d, e, line), s);
            final String expUser = expectedUser(s, "Failed password for ");
            final String expIp = expectedIp(s);
            assertEquals(expIp, e.get(Fields.SOURCE_IP), s);
            assertEquals("ssh_login", e.get(Fields.EVENT_ACTION), s);
            assertEquals("failure", e.get(Fields.EVENT_OUTCOME), s);
            assertEquals("password", e.get("ssh.method"), s);
            assertNotNull(e.get(Fields.SOURCE_PORT), s);
            assertEquals(Logsources.LINUX, e.logProduct);
            assertEquals(Logsources.SSHD, e.logService);
            if (!expUser.isEmpty()) {
                expectedWithUser++;
                expectedIps.add(expIp);
            }
            if (e.get(Fields.USER_NAME) != null) {
                assertEquals(expUser, e.get(Fields.USER_NAME), s);
                withUserAndIp++;
                ips.add(e.get(Fields.SOURCE_IP));
            }
            if (s.contains("message repeated")) {
                assertNotNull(e.get("event.count"), s);
            }
        }
        assertEquals(713, total);
        // 43 lines are "Failed password for invalid user  from ..." (empty user name): no user.name field
        assertEquals(expectedWithUser, withUserAndIp);
        assertEquals(670, withUserAndIp);
        assertEquals(expectedIps, ips);
        assertEquals(104, ips.size());
    }

    @Test
    void shouldDecodeAcceptedLogins() {
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        int count = 0;
        final Set<String> ips = new HashSet<>();
        for (final byte[] line : lines) {
            final String s = text(line);
            if (!s.contains("Accepted ")) {
                continue;
            }
            assertTrue(Fixture.bsd(d, e, line), s);
            assertEquals("success", e.get(Fields.EVENT_OUTCOME), s);
            assertEquals(expectedUser(s, " for "), e.get(Fields.USER_NAME), s);
            assertEquals(expectedIp(s), e.get(Fields.SOURCE_IP), s);
            ips.add(e.get(Fields.SOURCE_IP));
            count++;
        }
        assertEquals(226, count);
        assertEquals(4, ips.size());
    }

    @Test
    void shouldDecodeInvalidUserLines() {
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        int total = 0;
        int named = 0;
        for (final byte[] line : lines) {
            final String s = text(line);
            final int at = s.indexOf(": Invalid user ");
            if (at < 0) {
                continue;
            }
            total++;
            assertTrue(Fixture.bsd(d, e, line), s);
            final String user = s.substring(at + ": Invalid user ".length(), s.lastIndexOf(" from "));
            assertEquals(expectedIp(s), e.get(Fields.SOURCE_IP), s);
            assertEquals("ssh_invalid_user", e.get(Fields.EVENT_ACTION), s);
            if (user.isEmpty()) {
                assertNull(e.get(Fields.USER_NAME), s);
            } else {
                named++;
                assertEquals(user, e.get(Fields.USER_NAME), s);
            }
        }
        assertEquals(178, total);
        assertEquals(135, named);
    }

    @Test
    void shouldDecodeOtherPrograms() {
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        int sudoCommands = 0;
        int cronSessions = 0;
        int newSessions = 0;
        int newUsers = 0;
        int decoded = 0;
        for (final byte[] line : lines) {
            final String s = text(line);
            if (Fixture.bsd(d, e, line)) {
                decoded++;
            }
            if (s.contains("sudo: ") && s.contains(" : TTY=")) {
                sudoCommands++;
                assertEquals("root", e.get(Fields.USER_TARGET_NAME), s);
                assertNotNull(e.get(Fields.PROCESS_COMMAND_LINE), s);
                assertNotNull(e.get("process.working_directory"), s);
                assertNotNull(e.get("process.tty.name"), s);
                assertEquals(s.substring(s.indexOf("sudo: ") + 6, s.indexOf(" : TTY=")).trim(),
                    e.get(Fields.USER_NAME), s);
                assertEquals(Logsources.id("sudo"), e.logService);
            }
            if (s.contains("pam_unix(cron:session): session opened")) {
                cronSessions++;
                assertEquals("session_opened", e.get(Fields.EVENT_ACTION), s);
                assertEquals("root", e.get(Fields.USER_NAME), s);
                assertEquals(Logsources.id("cron"), e.logService);
            }
            if (s.contains("New session ")) {
                newSessions++;
                assertNotNull(e.get(Fields.USER_NAME), s);
                assertNotNull(e.get("session.id"), s);
            }
            if (s.contains("new user: name=")) {
                newUsers++;
                assertEquals("user_created", e.get(Fields.EVENT_ACTION), s);
                assertTrue(e.get(Fields.USER_NAME).startsWith("elastic_user_"), s);
                assertNotNull(e.get("user.id"), s);
            }
            if (s.contains("authentication failure;") && s.contains("rhost=")) {
                assertEquals("authentication_failure", e.get(Fields.EVENT_ACTION), s);
                assertNotNull(e.get(Fields.SOURCE_IP), s);
            }
        }
        assertTrue(sudoCommands > 0 && cronSessions > 0 && newSessions > 0 && newUsers > 0);
        // most of the file is understood; the rest is counted as undecoded per program
        assertTrue(decoded > 6500, "decoded " + decoded);
        assertTrue(DecoderStats.decodedSnapshot().get("sshd") > 0);
    }

    @Test
    void shouldNotAllocateInSteadyState() {
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        final byte[][] arr = lines.toArray(new byte[0][]);
        for (int w = 0; w < 20; w++) {
            for (final byte[] line : arr) {
                Fixture.bsd(d, e, line);
            }
        }
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        final long before = mx.getThreadAllocatedBytes(tid);
        int ok = 0;
        for (int r = 0; r < 10; r++) {
            for (final byte[] line : arr) {
                if (Fixture.bsd(d, e, line)) {
                    ok++;
                }
            }
        }
        final long allocated = mx.getThreadAllocatedBytes(tid) - before;
        final long perLine = allocated / (10L * arr.length);
        assertTrue(ok > 0);
        assertTrue(allocated < 10L * arr.length, "allocated " + allocated + " bytes for " + 10 * arr.length
            + " lines (" + perLine + " per line)");
    }
}
