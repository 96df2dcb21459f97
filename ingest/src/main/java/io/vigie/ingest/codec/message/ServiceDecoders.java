package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;

import static io.vigie.ingest.codec.message.Bytes.a;
import static io.vigie.ingest.codec.message.Bytes.indexOf;
import static io.vigie.ingest.codec.message.Bytes.put;
import static io.vigie.ingest.codec.message.Bytes.startsWith;

/** Decoders for network services: postfix, vsftpd, BIND named and unbound query logs. */
final class ServiceDecoders {
    private static final byte[] UNKNOWN = a("unknown");

    private ServiceDecoders() {
    }

    /** Parses {@code host[IP]} at {@code s}: source.domain (unless "unknown") and source.ip. */
    static void hostIp(final TelemetryEvent e, final byte[] b, final int s, final int end) {
        final int open = indexOf(b, s, end, (byte) '[');
        if (open < 0) {
            return;
        }
        final int close = indexOf(b, open, end, (byte) ']');
        if (close < 0) {
            return;
        }
        if (!(open - s == 7 && Bytes.regionMatches(b, s, UNKNOWN))) {
            put(e, Fields.SOURCE_DOMAIN, b, s, open);
        }
        Bytes.putIp(e, Fields.SOURCE_IP, -1, b, open + 1, close);
    }

    // --- postfix --------------------------------------------------------------------------------------------

    /**
     * postfix/* ({@code QUEUEID: client=host[IP], sasl_method=LOGIN, sasl_username=bob},
     * {@code NOQUEUE: reject: RCPT from host[IP]: 554 5.7.1 ...; from=<a> to=<b> proto=ESMTP helo=<h>},
     * {@code connect from host[IP]}, {@code warning: host[IP]: SASL LOGIN authentication failed: ...}).
     * Adds source.ip/source.domain, user.name (sasl_username), postfix.queue_id, postfix.sasl_method,
     * email.from.address, email.to.address, event.reason, event.action. Logsource product linux.
     */
    static final class Postfix extends MessageDecoder {
        private static final byte[] CLIENT = a("client=");
        private static final byte[] SASL_USERNAME = a("sasl_username=");
        private static final byte[] SASL_METHOD = a("sasl_method=");
        private static final byte[] REJECT = a("reject: ");
        private static final byte[] FROM_SP = a(" from ");
        private static final byte[] CONNECT_FROM = a("connect from ");
        private static final byte[] DISCONNECT_FROM = a("disconnect from ");
        private static final byte[] WARNING = a("warning: ");
        private static final byte[] SASL_FAILED = a("authentication failed");
        private static final byte[] FROM_LT = a("from=<");
        private static final byte[] TO_LT = a("to=<");
        private static final byte[] NOQUEUE = a("NOQUEUE");
        private static final byte[] A_REJECT = a("reject");
        private static final byte[] A_CONNECT = a("connect");
        private static final byte[] A_DISCONNECT = a("disconnect");
        private static final byte[] A_CLIENT = a("client");
        private static final byte[] A_SASL_FAILED = a("sasl_authentication_failed");

        Postfix() {
            super("postfix");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
            final int end = Bytes.trimEnd(b, off, end0);
            e.logProduct = F.LINUX;
            int s = off;
            // queue id: "5E0A21C06: " or "NOQUEUE: "
            final int colon = indexOf(b, off, Math.min(end, off + 20), (byte) ':');
            if (colon > off && colon + 1 < end && b[colon + 1] == ' ' && allQueueChars(b, off, colon)) {
                if (!Bytes.equals(b, off, colon, NOQUEUE)) {
                    e.addField(F.POSTFIX_QUEUE_ID, b, off, colon - off);
                }
                s = colon + 2;
            }
            if (startsWith(b, s, end, CLIENT)) {
                final int vs = s + CLIENT.length;
                final int ve = indexOf(b, vs, end, (byte) ',');
                hostIp(e, b, vs, ve < 0 ? end : ve);
                keyTo(e, b, vs, end, SASL_METHOD, F.SASL_METHOD);
                keyTo(e, b, vs, end, SASL_USERNAME, Fields.USER_NAME);
                e.addField(Fields.EVENT_ACTION, A_CLIENT);
                return true;
            }
            if (startsWith(b, s, end, REJECT)) {
                final int from = Bytes.indexOf(b, s, end, FROM_SP);
                if (from > 0) {
                    hostIp(e, b, from + FROM_SP.length, end);
                }
                final int semi = indexOf(b, s, end, (byte) ';');
                final int rc = from > 0 ? indexOf(b, from, end, (byte) ':') : -1;
                if (rc > 0) {
                    put(e, F.EVENT_REASON, b, Bytes.skipSpaces(b, rc + 1, end), semi < 0 ? end : semi);
                }
                angle(e, b, s, end, FROM_LT, F.EMAIL_FROM);
                angle(e, b, s, end, TO_LT, F.EMAIL_TO);
                e.addField(Fields.EVENT_ACTION, A_REJECT);
                e.addField(Fields.EVENT_OUTCOME, F.FAILURE);
                return true;
            }
            if (startsWith(b, s, end, CONNECT_FROM)) {
                hostIp(e, b, s + CONNECT_FROM.length, end);
                e.addField(Fields.EVENT_ACTION, A_CONNECT);
                return true;
            }
            if (startsWith(b, s, end, DISCONNECT_FROM)) {
                hostIp(e, b, s + DISCONNECT_FROM.length, end);
                e.addField(Fields.EVENT_ACTION, A_DISCONNECT);
                return true;
            }
            if (startsWith(b, s, end, WARNING) && Bytes.indexOf(b, s, end, SASL_FAILED) > 0) {
                hostIp(e, b, s + WARNING.length, end);
                e.addField(Fields.EVENT_ACTION, A_SASL_FAILED);
                e.addField(Fields.EVENT_OUTCOME, F.FAILURE);
                return true;
            }
            final int n = e.fieldCount();
            angle(e, b, s, end, FROM_LT, F.EMAIL_FROM);
            angle(e, b, s, end, TO_LT, F.EMAIL_TO);
            return e.fieldCount() > n;
        }

        /** A queue id (short hex or long alphanumeric form) has a digit; "warning", "error" ... have none. */
        private static boolean allQueueChars(final byte[] b, final int s, final int e) {
            boolean digit = false;
            for (int i = s; i < e; i++) {
                final byte c = b[i];
                if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                    return false;
                }
                digit |= c >= '0' && c <= '9';
            }
            return digit || Bytes.equals(b, s, e, NOQUEUE);
        }

        private static void keyTo(final TelemetryEvent e, final byte[] b, final int s, final int end,
                                  final byte[] key, final int id) {
            final int k = Bytes.indexOf(b, s, end, key);
            if (k < 0) {
                return;
            }
            final int vs = k + key.length;
            final int ve = indexOf(b, vs, end, (byte) ',');
            put(e, id, b, vs, ve < 0 ? end : ve);
        }

        private static void angle(final TelemetryEvent e, final byte[] b, final int s, final int end,
                                  final byte[] key, final int id) {
            final int k = Bytes.indexOf(b, s, end, key);
            if (k < 0) {
                return;
            }
            final int vs = k + key.length;
            final int ve = indexOf(b, vs, end, (byte) '>');
            if (ve > vs) {
                e.addField(id, b, vs, ve - vs);
            }
        }
    }

    // --- vsftpd ---------------------------------------------------------------------------------------------

    /**
     * vsftpd ({@code [pid 1] [bob] FAIL LOGIN: Client "::ffff:1.2.3.4"},
     * {@code OK UPLOAD: Client "ip", "/f", 12 bytes},
     * {@code CONNECT: Client "ip"}) and its PAM lines: user.name, source.ip (IPv4-mapped prefix removed),
     * event.action (login, upload, download, connect, mkdir, ...; lower case), event.outcome, file.path.
     * Logsource linux/vsftpd.
     */
    static final class Vsftpd extends MessageDecoder {
        private static final byte[] PID = a("[pid ");
        private static final byte[] OK = a("OK ");
        private static final byte[] FAIL = a("FAIL ");
        private static final byte[] CLIENT = a("Client \"");
        private static final byte[] MAPPED = a("::ffff:");
        private static final byte[] PAM_PREFIX = a("pam_");

        Vsftpd() {
            super("vsftpd");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
            final int end = Bytes.trimEnd(b, off, end0);
            e.logProduct = F.LINUX;
            e.logService = F.VSFTPD;
            if (startsWith(b, off, end, PAM_PREFIX)) {
                return AuthDecoders.Pam.decode(e, b, off, end);
            }
            int s = off;
            if (startsWith(b, s, end, PID)) {
                final int c = indexOf(b, s, end, (byte) ']');
                if (c < 0) {
                    return false;
                }
                s = Bytes.skipSpaces(b, c + 1, end);
            }
            final int n = e.fieldCount();
            if (s < end && b[s] == '[') {
                final int c = indexOf(b, s, end, (byte) ']');
                if (c < 0) {
                    return false;
                }
                put(e, Fields.USER_NAME, b, s + 1, c);
                s = Bytes.skipSpaces(b, c + 1, end);
            }
            byte[] outcome = null;
            if (startsWith(b, s, end, OK)) {
                outcome = F.SUCCESS;
                s += OK.length;
            } else if (startsWith(b, s, end, FAIL)) {
                outcome = F.FAILURE;
                s += FAIL.length;
            }
            final int colon = indexOf(b, s, end, (byte) ':');
            if (colon <= s || !Bytes.startsWith(b, Bytes.skipSpaces(b, colon + 1, end), end, CLIENT)) {
                e.truncateFields(n);
                return false;
            }
            Bytes.putLower(e, Fields.EVENT_ACTION, b, s, colon);
            if (outcome != null) {
                e.addField(Fields.EVENT_OUTCOME, outcome);
            }
            int ip = Bytes.skipSpaces(b, colon + 1, end) + CLIENT.length;
            final int q = indexOf(b, ip, end, (byte) '"');
            if (q < 0) {
                return true;
            }
            if (Bytes.startsWith(b, ip, q, MAPPED) && Bytes.isIpv4(b, ip + MAPPED.length, q)) {
                ip += MAPPED.length;
            }
            Bytes.putIp(e, Fields.SOURCE_IP, Fields.SOURCE_DOMAIN, b, ip, q);
            // OK UPLOAD: Client "ip", "/path", 123 bytes
            if (q + 3 < end && b[q + 1] == ',' && b[q + 3] == '"') {
                final int ps = q + 4;
                final int pe = indexOf(b, ps, end, (byte) '"');
                if (pe > ps) {
                    e.addField(Fields.FILE_PATH, b, ps, pe - ps);
                }
            }
            return true;
        }
    }

    // --- DNS query logs -------------------------------------------------------------------------------------

    /**
     * BIND named ({@code client @0x7f.. 1.2.3.4#5353 (example.com): query: example.com IN A +E(0)K (10.0.0.1)}) and
     * unbound ({@code [1234:0] info: 1.2.3.4 example.com. A IN}) query logs: source.ip, source.port,
     * dns.question.name (trailing dot removed), dns.question.type, dns.question.class. Logsource category dns.
     */
    static final class DnsQuery extends MessageDecoder {
        private static final byte[] CLIENT = a("client ");
        private static final byte[] QUERY = a("query: ");
        private static final byte[] INFO = a("info: ");
        private static final int CLASS = Fields.id("dns.question.class");

        DnsQuery() {
            super("dns_query");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
            final int end = Bytes.trimEnd(b, off, end0);
            final int c = Bytes.indexOf(b, off, end, CLIENT);
            if (c >= 0) {
                return named(e, b, c + CLIENT.length, end);
            }
            final int info = Bytes.indexOf(b, off, end, INFO);
            if (info >= 0) {
                return unbound(e, b, info + INFO.length, end);
            }
            return false;
        }

        private static boolean named(final TelemetryEvent e, final byte[] b, final int s0, final int end) {
            int s = s0;
            if (s < end && b[s] == '@') {
                s = Bytes.skipSpaces(b, Bytes.tokenEnd(b, s, end), end);
            }
            final int te = Bytes.tokenEnd(b, s, end);
            final int hash = indexOf(b, s, te, (byte) '#');
            final int ipEnd = hash < 0 ? te : hash;
            if (!Bytes.isIp(b, s, ipEnd)) {
                return false;
            }
            final int q = Bytes.indexOf(b, te, end, QUERY);
            if (q < 0) {
                return false;
            }
            e.addField(Fields.SOURCE_IP, b, s, ipEnd - s);
            if (hash > 0) {
                Bytes.putLong(e, Fields.SOURCE_PORT, b, hash + 1, Bytes.digitsEnd(b, hash + 1, te));
            }
            final int ns = q + QUERY.length;
            final int ne = Bytes.tokenEnd(b, ns, end);
            name(e, b, ns, ne);
            final int cs = Bytes.skipSpaces(b, ne, end);
            final int ce = Bytes.tokenEnd(b, cs, end);
            put(e, CLASS, b, cs, ce);
            final int ts = Bytes.skipSpaces(b, ce, end);
            put(e, Fields.DNS_QUESTION_TYPE, b, ts, Bytes.tokenEnd(b, ts, end));
            e.logCategory = F.DNS;
            return true;
        }

        private static boolean unbound(final TelemetryEvent e, final byte[] b, final int s, final int end) {
            final int ipEnd = Bytes.tokenEnd(b, s, end);
            if (!Bytes.isIp(b, s, ipEnd)) {
                return false;
            }
            final int ns = Bytes.skipSpaces(b, ipEnd, end);
            final int ne = Bytes.tokenEnd(b, ns, end);
            final int ts = Bytes.skipSpaces(b, ne, end);
            final int tEnd = Bytes.tokenEnd(b, ts, end);
            final int cs = Bytes.skipSpaces(b, tEnd, end);
            final int cEnd = Bytes.tokenEnd(b, cs, end);
            if (ne == ns || tEnd == ts || cEnd == cs) {
                return false;
            }
            e.addField(Fields.SOURCE_IP, b, s, ipEnd - s);
            name(e, b, ns, ne);
            e.addField(Fields.DNS_QUESTION_TYPE, b, ts, tEnd - ts);
            e.addField(CLASS, b, cs, cEnd - cs);
            e.logCategory = F.DNS;
            return true;
        }

        private static void name(final TelemetryEvent e, final byte[] b, final int s, final int end) {
            int ne = end;
            if (ne - s > 1 && b[ne - 1] == '.') {
                ne--;
            }
            put(e, Fields.DNS_QUESTION_NAME, b, s, ne);
        }
    }
}
