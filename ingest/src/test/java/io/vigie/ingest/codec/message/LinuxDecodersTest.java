package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sshd, sudo, su, PAM, logind, cron, shadow utilities, postfix, vsftpd, DNS: real-looking and malformed lines. */
@Timeout(30)
class LinuxDecodersTest {
    private final MessageDecoders d = new MessageDecoders();
    private final TelemetryEvent e = new TelemetryEvent();

    @Test
    void shouldDecodeSshdVariants() {
        assertTrue(Fixture.msg(d, e, "sshd", "Failed password for invalid user admin from 203.0.113.7 port 52144 "
            + "ssh2"));
        assertEquals("admin", e.get(Fields.USER_NAME));
        assertEquals("203.0.113.7", e.get(Fields.SOURCE_IP));
        assertEquals("52144", e.get(Fields.SOURCE_PORT));
        assertEquals("failure", e.get(Fields.EVENT_OUTCOME));
        assertEquals("ssh_login", e.get(Fields.EVENT_ACTION));
        assertEquals("password", e.get("ssh.method"));
        assertTrue(Fixture.msg(d, e, "sshd", "Accepted publickey for ubuntu from 2001:db8::7 port 22 ssh2: RSA "
            + "SHA256:abc"));
        assertEquals("publickey", e.get("ssh.method"));
        assertEquals("2001:db8::7", e.get(Fields.SOURCE_IP));
        assertTrue(Fixture.msg(d, e, "sshd-session", "Failed keyboard-interactive/pam for root from 1.2.3.4 port 1 "
            + "ssh2"));
        assertEquals("keyboard-interactive/pam", e.get("ssh.method"));
        assertEquals("root", e.get(Fields.USER_NAME));
        assertTrue(Fixture.msg(d, e, "sshd", "Invalid user oracle from 1.2.3.4 port 40000"));
        assertEquals("oracle", e.get(Fields.USER_NAME));
        assertEquals("40000", e.get(Fields.SOURCE_PORT));
        assertTrue(Fixture.msg(d, e, "sshd", "Connection closed by authenticating user root 1.2.3.4 port 5 [preauth]"));
        assertEquals("root", e.get(Fields.USER_NAME));
        assertEquals("ssh_connection_closed", e.get(Fields.EVENT_ACTION));
        assertTrue(Fixture.msg(d, e, "sshd", "Connection closed by invalid user test 1.2.3.4 port 5 [preauth]"));
        assertEquals("test", e.get(Fields.USER_NAME));
        assertTrue(Fixture.msg(d, e, "sshd", "Connection closed by 1.2.3.4 port 5 [preauth]"));
        assertNull(e.get(Fields.USER_NAME));
        assertTrue(Fixture.msg(d, e, "sshd", "Disconnected from user bob 1.2.3.4 port 22"));
        assertEquals("bob", e.get(Fields.USER_NAME));
        assertTrue(Fixture.msg(d, e, "sshd", "Received disconnect from 1.2.3.4 port 22:11: Bye Bye [preauth]"));
        assertEquals("1.2.3.4", e.get(Fields.SOURCE_IP));
        assertEquals("22", e.get(Fields.SOURCE_PORT));
        assertEquals("Bye Bye", e.get("event.reason"));
        assertTrue(Fixture.msg(d, e, "sshd", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
            + "tty=ssh ruser= rhost=1.2.3.4  user=root"));
        assertEquals("root", e.get(Fields.USER_NAME));
        assertEquals("1.2.3.4", e.get(Fields.SOURCE_IP));
        assertEquals("sshd", e.get("pam.service"));
        assertEquals("auth", e.get("pam.type"));
        assertEquals(Logsources.SSHD, e.logService);
        assertTrue(Fixture.msg(d, e, "sshd", "pam_unix(sshd:auth): authentication failure; rhost=evil.example.org"));
        assertEquals("evil.example.org", e.get(Fields.SOURCE_DOMAIN));
        assertTrue(Fixture.msg(d, e, "sshd", "error: maximum authentication attempts exceeded for invalid user admin "
            + "from 1.2.3.4 port 9 ssh2 [preauth]"));
        assertEquals("admin", e.get(Fields.USER_NAME));
        assertTrue(Fixture.msg(d, e, "sshd", "fatal: Unable to negotiate with 1.2.3.4 port 9: no matching cipher"));
        assertEquals("9", e.get(Fields.SOURCE_PORT));
    }

    @Test
    void shouldUnwrapRepeatedMessages() {
        assertTrue(Fixture.msg(d, e, "sshd", "message repeated 5 times: [ Failed password for root from 1.2.3.4 port "
            + "22 ssh2]"));
        assertEquals("5", e.get("event.count"));
        assertEquals("root", e.get(Fields.USER_NAME));
        assertEquals("22", e.get(Fields.SOURCE_PORT));
        assertFalse(Fixture.msg(d, e, "sshd", "message repeated 5 times: [ something new]"));
        assertEquals("5", e.get("event.count"));
        assertFalse(Fixture.msg(d, e, "sshd", "message repeated x times: ["));
    }

    @Test
    void shouldRejectMalformedSshd() {
        assertFalse(Fixture.msg(d, e, "sshd", "Failed password for"));
        assertFalse(Fixture.msg(d, e, "sshd", "Failed password for root from"));
        assertFalse(Fixture.msg(d, e, "sshd", "Failed password for root from not-an-ip port 22 ssh2"));
        assertFalse(Fixture.msg(d, e, "sshd", "Accepted"));
        assertFalse(Fixture.msg(d, e, "sshd", ""));
        assertFalse(Fixture.msg(d, e, "sshd", "Invalid user x from 300.1.1.1"));
        assertEquals(2, e.fieldCount());
        // logsource is still the program's
        assertEquals(Logsources.SSHD, e.logService);
    }

    @Test
    void shouldDecodeSudo() {
        assertTrue(Fixture.msg(d, e, "sudo", "  alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
            + "COMMAND=/bin/sh -c 'a ; b'"));
        assertEquals("alice", e.get(Fields.USER_NAME));
        assertEquals("root", e.get(Fields.USER_TARGET_NAME));
        assertEquals("pts/0", e.get("process.tty.name"));
        assertEquals("/home/alice", e.get("process.working_directory"));
        assertEquals("/bin/sh -c 'a ; b'", e.get(Fields.PROCESS_COMMAND_LINE));
        assertEquals("success", e.get(Fields.EVENT_OUTCOME));
        assertEquals(Logsources.id("sudo"), e.logService);
        assertTrue(Fixture.msg(d, e, "sudo", "mallory : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/tmp ; "
            + "USER=root ; COMMAND=/usr/bin/id"));
        assertEquals("failure", e.get(Fields.EVENT_OUTCOME));
        assertEquals("3 incorrect password attempts", e.get("event.reason"));
        assertTrue(Fixture.msg(d, e, "sudo", "pam_unix(sudo:auth): authentication failure; logname=bob uid=1000 "
            + "euid=0 tty=/dev/pts/0 ruser=bob rhost=  user=bob"));
        assertEquals("bob", e.get(Fields.USER_NAME));
        assertEquals("bob", e.get("pam.ruser"));
        assertNull(e.get(Fields.SOURCE_IP));
        assertTrue(Fixture.msg(d, e, "sudo", "pam_unix(sudo:session): session opened for user root(uid=0) by "
            + "bob(uid=1000)"));
        assertEquals("root", e.get(Fields.USER_NAME));
        assertEquals("bob", e.get("pam.by_user"));
        assertFalse(Fixture.msg(d, e, "sudo", "alice : TTY"));
        assertFalse(Fixture.msg(d, e, "sudo", "no colon here"));
    }

    @Test
    void shouldDecodeSuLogindCronAccounts() {
        assertTrue(Fixture.msg(d, e, "su", "Successful su for root by ubuntu"));
        assertEquals("ubuntu", e.get(Fields.USER_NAME));
        assertEquals("root", e.get(Fields.USER_TARGET_NAME));
        assertTrue(Fixture.msg(d, e, "su", "FAILED su for root by eve"));
        assertEquals("failure", e.get(Fields.EVENT_OUTCOME));
        assertTrue(Fixture.msg(d, e, "su", "- /dev/pts/3 eve:root"));
        assertEquals("eve", e.get(Fields.USER_NAME));
        assertEquals("failure", e.get(Fields.EVENT_OUTCOME));
        assertTrue(Fixture.msg(d, e, "su", "(to root) ubuntu on pts/0"));
        assertEquals("pts/0", e.get("process.tty.name"));
        assertTrue(Fixture.msg(d, e, "systemd-logind", "New session 42 of user ubuntu."));
        assertEquals("42", e.get("session.id"));
        assertEquals("ubuntu", e.get(Fields.USER_NAME));
        assertTrue(Fixture.msg(d, e, "systemd-logind", "Removed session 42."));
        assertEquals("session_removed", e.get(Fields.EVENT_ACTION));
        assertTrue(Fixture.msg(d, e, "CRON", "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)"));
        assertEquals("root", e.get(Fields.USER_NAME));
        assertEquals("   cd / && run-parts --report /etc/cron.hourly", e.get(Fields.PROCESS_COMMAND_LINE));
        assertEquals(Logsources.id("cron"), e.logService);
        assertFalse(Fixture.msg(d, e, "CRON", "(root"));
        assertTrue(Fixture.msg(d, e, "useradd", "new user: name=bob, UID=1001, GID=1001, home=/home/bob, "
            + "shell=/bin/bash, from=/dev/pts/0"));
        assertEquals("bob", e.get(Fields.USER_NAME));
        assertEquals("1001", e.get("user.id"));
        assertEquals("1001", e.get("group.id"));
        assertTrue(Fixture.msg(d, e, "groupadd", "new group: name=devs, GID=2000"));
        assertEquals("devs", e.get("group.name"));
        assertEquals("group_created", e.get(Fields.EVENT_ACTION));
        assertTrue(Fixture.msg(d, e, "usermod", "add 'bob' to group 'sudo'"));
        assertEquals("sudo", e.get("group.name"));
        assertEquals("user_added_to_group", e.get(Fields.EVENT_ACTION));
        assertTrue(Fixture.msg(d, e, "chpasswd", "pam_unix(chpasswd:chauthtok): password changed for bob"));
        assertEquals("password_changed", e.get(Fields.EVENT_ACTION));
        assertTrue(Fixture.msg(d, e, "passwd", "password for 'bob' changed by 'root'"));
        assertEquals("bob", e.get(Fields.USER_TARGET_NAME));
        assertEquals("root", e.get(Fields.USER_NAME));
        assertEquals(Logsources.id("auth"), e.logService);
    }

    @Test
    void shouldDecodeServices() {
        assertTrue(Fixture.msg(d, e, "postfix/smtpd", "5E0A21C06: client=mail.example.com[203.0.113.9], "
            + "sasl_method=LOGIN, sasl_username=bob"));
        assertEquals("203.0.113.9", e.get(Fields.SOURCE_IP));
        assertEquals("mail.example.com", e.get(Fields.SOURCE_DOMAIN));
        assertEquals("bob", e.get(Fields.USER_NAME));
        assertEquals("5E0A21C06", e.get("postfix.queue_id"));
        assertTrue(Fixture.msg(d, e, "postfix/smtpd", "NOQUEUE: reject: RCPT from unknown[198.51.100.3]: 554 5.7.1 "
            + "<x@example.org>: Relay access denied; from=<spam@example.net> to=<x@example.org> proto=ESMTP helo=<h>"));
        assertEquals("198.51.100.3", e.get(Fields.SOURCE_IP));
        assertNull(e.get(Fields.SOURCE_DOMAIN));
        assertEquals("spam@example.net", e.get("email.from.address"));
        assertEquals("reject", e.get(Fields.EVENT_ACTION));
        assertTrue(Fixture.msg(d, e, "postfix/smtpd", "warning: unknown[198.51.100.3]: SASL LOGIN authentication "
            + "failed: UGFzc3dvcmQ6"));
        assertEquals("failure", e.get(Fields.EVENT_OUTCOME));
        assertTrue(Fixture.msg(d, e, "vsftpd", "[pid 1234] [bob] FAIL LOGIN: Client \"::ffff:203.0.113.7\""));
        assertEquals("bob", e.get(Fields.USER_NAME));
        assertEquals("203.0.113.7", e.get(Fields.SOURCE_IP));
        assertEquals("login", e.get(Fields.EVENT_ACTION));
        assertEquals("failure", e.get(Fields.EVENT_OUTCOME));
        assertEquals(Logsources.id("vsftpd"), e.logService);
        assertTrue(Fixture.msg(d, e, "vsftpd", "[pid 1235] [bob] OK UPLOAD: Client \"203.0.113.7\", "
            + "\"/home/bob/x.sh\", "
            + "120 bytes, 1.20Kbyte/sec"));
        assertEquals("/home/bob/x.sh", e.get(Fields.FILE_PATH));
        assertTrue(Fixture.msg(d, e, "named", "client @0x7f1c2c0a1b20 192.0.2.10#53211 (example.com): query: "
            + "example.com IN A +E(0)K (10.0.0.1)"));
        assertEquals("192.0.2.10", e.get(Fields.SOURCE_IP));
        assertEquals("53211", e.get(Fields.SOURCE_PORT));
        assertEquals("example.com", e.get(Fields.DNS_QUESTION_NAME));
        assertEquals("A", e.get(Fields.DNS_QUESTION_TYPE));
        assertEquals(Logsources.id("dns"), e.logCategory);
        assertTrue(Fixture.msg(d, e, "unbound", "[1234:0] info: 192.0.2.11 evil.example. TXT IN"));
        assertEquals("evil.example", e.get(Fields.DNS_QUESTION_NAME));
        assertEquals("TXT", e.get(Fields.DNS_QUESTION_TYPE));
        assertFalse(Fixture.msg(d, e, "named", "client 192.0.2.10#1: no query"));
    }

    @Test
    void shouldSurviveGarbageLongAndNonUtf8Input() {
        final Random r = new Random(7);
        final String[] programs = {"sshd", "sudo", "su", "CRON", "useradd", "kernel", "auditd", "postfix/smtpd",
            "vsftpd", "named", "unbound", "systemd-logind", "nginx", null, "x"};
        final String[] seeds = {"Failed password for root from 1.2.3.4 port 22 ssh2", "a : TTY=x ; COMMAND=y",
            "type=SYSCALL msg=audit(1.2:3): a0=41", "IN=eth0 SRC=1.2.3.4 DST=5.6.7.8", "%ASA-4-106023: Deny tcp src",
            "1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 1", "devname=x logid=1 srcip=1.2.3.4",
            "pam_unix(sshd:auth): authentication failure; rhost=", "message repeated 2 times: [ x]"};
        for (int i = 0; i < 20_000; i++) {
            final byte[] seed = Fixture.bytes(seeds[i % seeds.length]);
            final byte[] m = Arrays.copyOf(seed, r.nextInt(seed.length + 8));
            for (int k = 0; k < 3; k++) {
                if (m.length > 0) {
                    m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                }
            }
            Fixture.msg(d, e, programs[i % programs.length], m);
            for (int f = 0; f < e.fieldCount(); f++) {
                assertTrue(e.valueLength(f) >= 0);
            }
        }
        // very long line
        final StringBuilder sb = new StringBuilder("Failed password for ");
        for (int i = 0; i < 20_000; i++) {
            sb.append('a');
        }
        sb.append(" from 1.2.3.4 port 22 ssh2");
        assertTrue(Fixture.msg(d, e, "sshd", sb.toString()));
        assertEquals(20_000, e.get(Fields.USER_NAME).length());
        // non-UTF-8 user name bytes are kept as they are
        final byte[] bad = Fixture.bytes("Invalid user \u0000XX from 1.2.3.4");
        bad[13] = (byte) 0xC3;
        bad[14] = (byte) 0x28;
        assertTrue(Fixture.msg(d, e, "sshd", bad));
        final int u = e.indexOf(Fields.USER_NAME);
        assertEquals((byte) 0xC3, e.arena()[e.valueOffset(u)]);
        // the raw bytes are never modified
        assertEquals((byte) 0xC3, e.raw()[13]);
    }

    @Test
    void shouldCountUndecodedPerProgram() {
        Fixture.msg(d, e, "zz-unknown-prog", "hello");
        Fixture.msg(d, e, "zz-unknown-prog", "hello again");
        Fixture.msg(d, e, null, "no program, no shape");
        assertTrue(DecoderStats.undecodedSnapshot().get("zz-unknown-prog") >= 2);
        assertNotNull(DecoderStats.undecodedSnapshot().get(DecoderStats.NO_PROGRAM));
        for (int i = 0; i < DecoderStats.MAX_PROGRAMS + 50; i++) {
            Fixture.msg(d, e, "cap-test-" + i, "x");
        }
        assertTrue(DecoderStats.undecodedSnapshot().size() <= DecoderStats.MAX_PROGRAMS + 2);
        assertNotNull(DecoderStats.undecodedSnapshot().get(DecoderStats.OTHER));
    }
}
