package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.vigie.ingest.codec.message.Bytes.a;

/**
 * Dispatches the free-text message of an event to the decoder of its program (sshd, sudo, auditd, web access log,
 * iptables, ...), which adds ECS fields and sets the Sigma logsource. Called by the header decoders once the
 * header fields ({@code process.name}, {@code log.syslog.appname}, {@code message}) are in place; also called on
 * header-less lines (program unknown: dispatch by the shape of the line).
 *
 * <p>Order: rsyslog's {@code message repeated N times: [ msg ]} is unwrapped first (the inner message is decoded and
 * {@code event.count} = N is added: one event stands for N, it is not expanded); then user-defined
 * {@link Extractors} for the program or message prefix; then the built-in decoder of the program (looked up in a
 * precomputed byte-keyed table, no String); then decoders chosen by the shape of the line (Cisco {@code %ASA-},
 * auditd {@code type=... audit(}, netfilter {@code IN=... SRC=}, FortiGate {@code devname=... logid=}, PAN-OS CSV,
 * {@code pam_*(...)}, access log).
 *
 * <p>Confined to the publishing thread (one instance per thread); no allocation per frame in the steady state with
 * the built-in decoders; never throws for bad input. A line no decoder knows stays a valid event with {@code message}
 * only, counted as undecoded in {@link DecoderStats}. The raw bytes are never modified.
 */
public final class MessageDecoders {
    private static final byte[] REPEATED = a("message repeated ");
    private static final byte[] TIMES = a(" times: [");
    private static final byte[] PAM = a("pam_");
    private static final byte[] TYPE_EQ = a("type=");
    private static final byte[] AUDIT_OPEN = a("audit(");
    private static final byte[] SRC_EQ = a(" SRC=");
    private static final int TABLE = 256;

    private final ExtractorRuntime extractors;
    private final AuthDecoders.Sshd sshd = new AuthDecoders.Sshd();
    private final AuthDecoders.Sudo sudo = new AuthDecoders.Sudo();
    private final AuthDecoders.Su su = new AuthDecoders.Su();
    private final AuthDecoders.Logind logind = new AuthDecoders.Logind();
    private final AuthDecoders.Cron cron = new AuthDecoders.Cron();
    private final AuthDecoders.Accounts accounts = new AuthDecoders.Accounts();
    private final AuthDecoders.PamOnly pam = new AuthDecoders.PamOnly();
    private final AuditdDecoder auditd = new AuditdDecoder();
    private final AccessLogDecoder access = new AccessLogDecoder();
    private final FirewallDecoders.Iptables iptables = new FirewallDecoders.Iptables();
    private final FirewallDecoders.Asa asa = new FirewallDecoders.Asa();
    private final FirewallDecoders.Fortigate fortigate = new FirewallDecoders.Fortigate();
    private final FirewallDecoders.PaloAlto paloalto = new FirewallDecoders.PaloAlto();
    private final ServiceDecoders.Postfix postfix = new ServiceDecoders.Postfix();
    private final ServiceDecoders.Vsftpd vsftpd = new ServiceDecoders.Vsftpd();
    private final ServiceDecoders.DnsQuery dns = new ServiceDecoders.DnsQuery();

    private final byte[][] programKeys = new byte[TABLE][];
    private final MessageDecoder[] programDecoders = new MessageDecoder[TABLE];

    /** Decoders with the built-in set and no user-defined extractors. */
    public MessageDecoders() {
        this(Extractors.NONE);
    }

    /** Decoders with the built-in set, preceded by the given user-defined extractors. */
    public MessageDecoders(final Extractors extractors) {
        this.extractors = extractors.isEmpty() ? null : new ExtractorRuntime(extractors);
        program(sshd, "sshd", "sshd-session", "sshd-auth", "ssh");
        program(sudo, "sudo");
        program(su, "su", "su-l");
        program(logind, "systemd-logind");
        program(cron, "cron", "CRON", "crond", "CROND", "anacron");
        program(accounts, "useradd", "groupadd", "usermod", "userdel", "groupdel", "groupmod", "chpasswd",
            "passwd", "gpasswd", "chage", "newusers", "chfn", "chsh");
        program(pam, "systemd", "login", "polkitd", "gdm-password", "lightdm", "sddm", "runuser", "pkexec");
        program(auditd, "auditd", "audispd", "audisp-syslog", "audit", "auditbeat");
        program(iptables, "kernel", "ufw");
        program(postfix, "postfix");
        program(vsftpd, "vsftpd");
        program(dns, "named", "unbound", "bind");
        program(access, "nginx", "apache", "apache2", "httpd", "lighttpd", "apache-access", "nginx-access");
    }

    private void program(final MessageDecoder decoder, final String... names) {
        for (final String n : names) {
            final byte[] k = n.getBytes(StandardCharsets.US_ASCII);
            int i = hash(k, 0, k.length) & (TABLE - 1);
            while (programKeys[i] != null) {
                i = (i + 1) & (TABLE - 1);
            }
            programKeys[i] = k;
            programDecoders[i] = decoder;
        }
    }

    private static int hash(final byte[] b, final int off, final int len) {
        int h = 0x811C9DC5;
        for (int i = off; i < off + len; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ (h >>> 13);
    }

    private MessageDecoder lookup(final byte[] b, final int off, final int len) {
        if (len <= 0 || len > 64) {
            return null;
        }
        for (int i = hash(b, off, len) & (TABLE - 1); ; i = (i + 1) & (TABLE - 1)) {
            final byte[] k = programKeys[i];
            if (k == null) {
                return null;
            }
            if (k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
                return programDecoders[i];
            }
        }
    }

    /**
     * Decodes {@code event.raw()[msgOffset, msgEnd)}, the message part of the frame.
     *
     * @return true when a decoder recognised the message
     */
    public boolean decode(final TelemetryEvent event, final int msgOffset, final int msgEnd) {
        final byte[] b = event.raw();
        final int end = Math.min(msgEnd, event.rawLength());
        int off = Math.max(0, msgOffset);
        if (off >= end) {
            countUndecoded(event);
            return false;
        }
        int e = end;
        // rsyslog repeated-message reduction: decode the inner message, keep N as event.count
        if (Bytes.startsWith(b, off, e, REPEATED)) {
            final int ns = off + REPEATED.length;
            final int nEnd = Bytes.digitsEnd(b, ns, e);
            final int close = Bytes.lastIndexOf(b, nEnd, e, (byte) ']');
            if (nEnd > ns && Bytes.startsWith(b, nEnd, e, TIMES) && close > nEnd) {
                event.addField(F.EVENT_COUNT, b, ns, nEnd - ns);
                off = Bytes.skipSpaces(b, nEnd + TIMES.length, close);
                e = Bytes.trimEnd(b, off, close);
            }
        }
        // program name from process.name (bytes in the arena)
        int pi = event.indexOf(Fields.PROCESS_NAME);
        if (pi < 0) {
            pi = event.indexOf(Fields.LOG_SYSLOG_APPNAME);
        }
        final byte[] arena = event.arena();
        int pOff = 0;
        int pLen = 0;
        if (pi >= 0) {
            pOff = event.valueOffset(pi);
            pLen = event.valueLength(pi);
        }
        if (extractors != null && extractors.apply(event, b, off, e, arena, pOff, pLen)) {
            return true;
        }
        MessageDecoder d = pLen > 0 ? lookup(arena, pOff, pLen) : null;
        if (d == null && pLen > 0) {
            // postfix/smtpd, postfix/qmgr ...: the part before '/'
            final int slash = Bytes.indexOf(arena, pOff, pOff + pLen, (byte) '/');
            if (slash > pOff) {
                d = lookup(arena, pOff, slash - pOff);
            }
        }
        if (d != null && run(d, event, b, off, e)) {
            return true;
        }
        if (byShape(event, b, off, e, d)) {
            return true;
        }
        countUndecoded(event);
        return false;
    }

    private static boolean run(final MessageDecoder d, final TelemetryEvent event, final byte[] b, final int off,
                               final int end) {
        final int n = event.fieldCount();
        if (d.decode(event, b, off, end)) {
            DecoderStats.decoded(d.statsIndex);
            return true;
        }
        event.truncateFields(n);
        return false;
    }

    /** Tries the decoders whose line shape matches (except {@code tried}, which already failed). */
    private boolean byShape(final TelemetryEvent ev, final byte[] b, final int off, final int end,
                            final MessageDecoder tried) {
        if (tried != asa && FirewallDecoders.Asa.marker(b, Math.max(0, off - 128), end) >= 0
            && run(asa, ev, b, off, end)) {
            return true;
        }
        if (tried != auditd) {
            final int t = Bytes.indexOf(b, off, Math.min(end, off + 96), TYPE_EQ);
            if (t >= 0 && Bytes.indexOf(b, t, Math.min(end, t + 96), AUDIT_OPEN) > 0 && run(auditd, ev, b, off, end)) {
                return true;
            }
        }
        if (tried != pam && tried != sshd && Bytes.startsWith(b, off, end, PAM) && run(pam, ev, b, off, end)) {
            return true;
        }
        if (tried != iptables && Bytes.indexOf(b, off, end, SRC_EQ) > 0 && run(iptables, ev, b, off, end)) {
            return true;
        }
        if (tried != fortigate && FirewallDecoders.Fortigate.looksLike(b, off, end)
            && run(fortigate, ev, b, off, end)) {
            return true;
        }
        if (tried != paloalto && Bytes.indexOf(b, off, Math.min(end, off + 40), (byte) ',') >= 0
            && run(paloalto, ev, b, off, end)) {
            return true;
        }
        return tried != access && Bytes.indexOf(b, off, Math.min(end, off + 300), (byte) '[') > 0
            && run(access, ev, b, off, end);
    }

    private static void countUndecoded(final TelemetryEvent event) {
        final int pi = event.indexOf(Fields.PROCESS_NAME);
        if (pi < 0) {
            DecoderStats.undecoded(null, 0, 0);
        } else {
            DecoderStats.undecoded(event.arena(), event.valueOffset(pi), event.valueLength(pi));
        }
    }
}
