package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** auditd records: OTRF Security-Datasets (BSD-3-Clause) and hand-written records. */
@Timeout(30)
class AuditdTest {
    @Test
    void shouldDecodeOtrfDdRecords() throws Exception {
        final List<byte[]> lines = Fixture.lines(
            "syslog/otrf-security-datasets/sh_binary_padding_dd_2020-11-10081941.log");
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        boolean sawExecve = false;
        for (final byte[] line : lines) {
            assertTrue(Fixture.msg(d, e, null, line), new String(line, StandardCharsets.UTF_8));
            assertEquals(Logsources.LINUX, e.logProduct);
            assertEquals(Logsources.AUDITD, e.logService);
            assertEquals("93777", e.get("auditd.sequence"));
            assertEquals(1604996384965L * 1_000_000L, e.timestampNanos);
            if ("EXECVE".equals(e.get("auditd.type"))) {
                sawExecve = true;
                assertEquals("dd", e.get("auditd.a0"));
                assertEquals("if=/dev/zero", e.get("auditd.a1"));
                assertEquals("count=1", e.get("auditd.a3"));
                assertEquals("4", e.get("auditd.argc"));
                // joined from the SYSCALL record of the same serial
                assertEquals("/bin/dd", e.get("auditd.exe"));
                assertEquals("dd", e.get("auditd.comm"));
                assertEquals("1000", e.get("auditd.auid"));
                assertEquals("/bin/dd", e.get(Fields.PROCESS_EXECUTABLE));
                assertEquals("2168", e.get(Fields.PROCESS_PID));
                assertEquals("1000", e.get("user.id"));
            }
            if ("SYSCALL".equals(e.get("auditd.type"))) {
                assertEquals("558e25052c70", e.get("auditd.a0"));
                assertEquals("(null)", e.get("auditd.key"));
                assertEquals("success", e.get(Fields.EVENT_OUTCOME));
                assertEquals("dd", e.get(Fields.PROCESS_NAME));
            }
            if ("PROCTITLE".equals(e.get("auditd.type"))) {
                assertEquals("dd if=/dev/zero bs=1 count=1", e.get("auditd.proctitle"));
            }
            if ("CWD".equals(e.get("auditd.type"))) {
                assertEquals("/home/wardog", e.get("auditd.cwd"));
            }
        }
        assertTrue(sawExecve);
    }

    @Test
    void shouldDecodeOtrfArpRecords() throws Exception {
        final List<byte[]> lines = Fixture.lines("syslog/otrf-security-datasets/sh_arp_cache_2020-11-10074812.log");
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        int n = 0;
        for (final byte[] line : lines) {
            assertTrue(Fixture.msg(d, e, null, line));
            if ("PROCTITLE".equals(e.get("auditd.type")) && "92734".equals(e.get("auditd.sequence"))) {
                assertEquals("grep -v ^?", e.get("auditd.proctitle"));
                assertEquals("/bin/grep", e.get("auditd.exe"));
            }
            n++;
        }
        assertEquals(12, n);
    }

    @Test
    void shouldDecodeHexArgsUserRecordsAndKernelForm() {
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        assertTrue(Fixture.msg(d, e, "audispd", "node=web1 type=EXECVE msg=audit(1600000000.123:456): argc=3 "
            + "a0=\"sh\" a1=\"-c\" a2=2F746D702F61206220"));
        assertEquals("/tmp/a b", e.get("auditd.a2"));
        assertEquals("web1", e.get("auditd.node"));
        assertEquals(1_600_000_000_123_000_000L, e.timestampNanos);
        // user-space record with msg='...'
        assertTrue(Fixture.msg(d, e, null, "type=USER_AUTH msg=audit(1600000001.000:457): pid=1 uid=0 "
            + "auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"root\" "
            + "exe=\"/usr/sbin/sshd\""
            + " hostname=1.2.3.4 addr=1.2.3.4 terminal=ssh res=failed'"));
        assertEquals("USER_AUTH", e.get("auditd.type"));
        assertEquals("root", e.get("auditd.acct"));
        assertEquals("failed", e.get("auditd.res"));
        assertEquals("/usr/sbin/sshd", e.get("auditd.exe"));
        // uid is not hex-decoded even though "1000" is even-length hex
        assertTrue(Fixture.msg(d, e, null, "type=SYSCALL msg=audit(1600000002.000:458): arch=c000003e syscall=59 "
            + "success=no exit=-2 uid=1000 comm=\"x\" exe=\"/x\" key=\"k1\""));
        assertEquals("1000", e.get("auditd.uid"));
        assertEquals("failure", e.get(Fields.EVENT_OUTCOME));
        // kernel form (AppArmor)
        assertTrue(Fixture.msg(d, e, "kernel", "audit: type=1400 audit(1600000003.500:459): apparmor=\"DENIED\" "
            + "operation=\"open\" profile=\"/usr/sbin/cupsd\" name=\"/etc/shadow\" pid=12 comm=\"cupsd\""));
        assertEquals("1400", e.get("auditd.type"));
        assertEquals("DENIED", e.get("auditd.apparmor"));
        assertEquals("/etc/shadow", e.get("auditd.name"));
        // malformed: missing audit stamp, truncated, garbage
        assertFalse(Fixture.msg(d, e, null, "type=EXECVE argc=1 a0=\"x\""));
        assertFalse(Fixture.msg(d, e, null, "type=EXECVE msg=audit(16000"));
        assertTrue(Fixture.msg(d, e, null, "type=EXECVE msg=audit(1600000000.1:9): a0=\"unterminated"));
        assertEquals("unterminated", e.get("auditd.a0"));
        assertNull(e.get("auditd.exe"));
    }
}
