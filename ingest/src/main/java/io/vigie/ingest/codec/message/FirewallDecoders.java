package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;

import static io.vigie.ingest.codec.message.Bytes.a;
import static io.vigie.ingest.codec.message.Bytes.indexOf;
import static io.vigie.ingest.codec.message.Bytes.put;
import static io.vigie.ingest.codec.message.Bytes.startsWith;

/** Firewall decoders: Linux netfilter/iptables, Cisco ASA/FTD, FortiGate key=value, Palo Alto PAN-OS CSV. */
final class FirewallDecoders {
    private FirewallDecoders() {
    }

    static final byte[] TCP = a("tcp");
    static final byte[] UDP = a("udp");
    static final byte[] ICMP = a("icmp");
    static final byte[] IPV6_ICMP = a("ipv6-icmp");

    /** Adds network.transport for an IANA protocol number, or the lower-cased name. */
    static void transport(final TelemetryEvent e, final byte[] b, final int s, final int end) {
        final long n = Bytes.parseLong(b, s, end, -1);
        if (n < 0) {
            Bytes.putLower(e, Fields.NETWORK_TRANSPORT, b, s, end);
        } else if (n == 6) {
            e.addField(Fields.NETWORK_TRANSPORT, TCP);
        } else if (n == 17) {
            e.addField(Fields.NETWORK_TRANSPORT, UDP);
        } else if (n == 1) {
            e.addField(Fields.NETWORK_TRANSPORT, ICMP);
        } else if (n == 58) {
            e.addField(Fields.NETWORK_TRANSPORT, IPV6_ICMP);
        } else {
            e.addField(Fields.NETWORK_TRANSPORT, n);
        }
    }

    // --- iptables -------------------------------------------------------------------------------------------

    /**
     * Netfilter LOG target lines ({@code [UFW BLOCK] IN=eth0 OUT= MAC=.. SRC=.. DST=.. PROTO=TCP SPT=.. DPT=..}).
     * The log prefix becomes iptables.prefix, and event.action when it names a verdict. Logsource linux/firewall.
     */
    static final class Iptables extends MessageDecoder {
        private static final byte[] IN = a("IN=");
        private static final byte[] SRC = a("SRC");
        private static final byte[] DST = a("DST");
        private static final byte[] SPT = a("SPT");
        private static final byte[] DPT = a("DPT");
        private static final byte[] PROTO = a("PROTO");
        private static final byte[] IN_K = a("IN");
        private static final byte[] OUT_K = a("OUT");
        private static final byte[][] VERDICTS = {a("block"), a("drop"), a("reject"), a("deny"), a("allow"),
            a("accept"), a("audit"), a("limit")};

        Iptables() {
            super("iptables");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
            final int end = Bytes.trimEnd(b, off, end0);
            int in = -1;
            for (int i = Bytes.indexOf(b, off, end, IN); i >= 0; i = Bytes.indexOf(b, i + 1, end, IN)) {
                if (i == off || b[i - 1] == ' ' || b[i - 1] == ']') {
                    in = i;
                    break;
                }
            }
            if (in < 0) {
                return false;
            }
            final int n = e.fieldCount();
            boolean src = false;
            int i = in;
            while (i < end) {
                i = Bytes.skipSpaces(b, i, end);
                final int te = Bytes.tokenEnd(b, i, end);
                final int eq = indexOf(b, i, te, (byte) '=');
                if (eq > i) {
                    final int vs = eq + 1;
                    if (Bytes.equals(b, i, eq, SRC)) {
                        src = Bytes.putIp(e, Fields.SOURCE_IP, -1, b, vs, te);
                    } else if (Bytes.equals(b, i, eq, DST)) {
                        Bytes.putIp(e, Fields.DESTINATION_IP, -1, b, vs, te);
                    } else if (Bytes.equals(b, i, eq, SPT)) {
                        Bytes.putLong(e, Fields.SOURCE_PORT, b, vs, te);
                    } else if (Bytes.equals(b, i, eq, DPT)) {
                        Bytes.putLong(e, Fields.DESTINATION_PORT, b, vs, te);
                    } else if (Bytes.equals(b, i, eq, PROTO)) {
                        transport(e, b, vs, te);
                    } else if (Bytes.equals(b, i, eq, IN_K)) {
                        put(e, F.INGRESS_INTERFACE, b, vs, te);
                    } else if (Bytes.equals(b, i, eq, OUT_K)) {
                        put(e, F.EGRESS_INTERFACE, b, vs, te);
                    }
                }
                i = te;
            }
            if (!src) {
                e.truncateFields(n);
                return false;
            }
            // prefix: text before IN=, without the kernel's "[ 1234.5678]" uptime stamp
            int ps = Bytes.skipSpaces(b, off, in);
            if (ps < in && b[ps] == '[') {
                final int close = indexOf(b, ps, in, (byte) ']');
                if (close > 0 && close - ps > 1 && (Bytes.isDigit(b[ps + 1]) || b[ps + 1] == ' ')) {
                    ps = Bytes.skipSpaces(b, close + 1, in);
                }
            }
            final int pe = Bytes.trimEnd(b, ps, in);
            if (pe > ps) {
                e.addField(F.IPTABLES_PREFIX, b, ps, pe - ps);
                final byte[] verdict = verdict(b, ps, pe);
                if (verdict != null) {
                    e.addField(Fields.EVENT_ACTION, verdict);
                }
            }
            e.logProduct = F.LINUX;
            e.logCategory = F.FIREWALL;
            return true;
        }

        private static byte[] verdict(final byte[] b, final int s, final int end) {
            for (final byte[] v : VERDICTS) {
                for (int i = s; i + v.length <= end; i++) {
                    int j = 0;
                    while (j < v.length && Bytes.lower(b[i + j]) == v[j]) {
                        j++;
                    }
                    if (j == v.length) {
                        return v;
                    }
                }
            }
            return null;
        }
    }

    // --- Cisco ASA ------------------------------------------------------------------------------------------

    /**
     * Cisco ASA / FTD / PIX ({@code %ASA-6-302013: Built inbound TCP connection ...}): event.code (message id),
     * event.severity, event.action (built, teardown, deny, permit, authentication, login, command), endpoints,
     * network.transport, user.name, rule.name (ACL). Logsource cisco/asa/firewall.
     */
    static final class Asa extends MessageDecoder {
        private static final byte[] ASA = a("%ASA-");
        private static final byte[] FTD = a("%FTD-");
        private static final byte[] PIX = a("%PIX-");
        private static final byte[] BUILT = a("Built ");
        private static final byte[] TEARDOWN = a("Teardown ");
        private static final byte[] DENY = a("Deny ");
        private static final byte[] INBOUND = a("inbound ");
        private static final byte[] OUTBOUND = a("outbound ");
        private static final byte[] ACCESS_LIST = a("access-list ");
        private static final byte[] AAA = a("AAA user authentication ");
        private static final byte[] SUCCESSFUL = a("Successful");
        private static final byte[] LOGIN = a("Login ");
        private static final byte[] PERMITTED = a("permitted");
        private static final byte[] USER_Q = a("User '");
        private static final byte[] EXECUTED = a("' executed the '");
        private static final byte[] FOR = a(" for ");
        private static final byte[] TO = a(" to ");
        private static final byte[] FROM = a("from ");
        private static final byte[] SRC = a("src ");
        private static final byte[] DST = a(" dst ");
        private static final byte[] ARROW = a(" -> ");
        private static final byte[] USER_EQ = a("user = ");
        private static final byte[] USER_IP_EQ = a("user IP = ");
        private static final byte[] REASON_EQ = a("reason = ");
        private static final byte[] FOR_USER = a("for user ");
        private static final byte[] BY_GROUP = a("by access-group \"");
        private static final byte[] DENIED = a("denied");
        private static final byte[] A_BUILT = a("built");
        private static final byte[] A_TEARDOWN = a("teardown");
        private static final byte[] A_DENY = a("deny");
        private static final byte[] A_PERMIT = a("permit");
        private static final byte[] A_AUTH = a("authentication");
        private static final byte[] A_LOGIN = a("login");
        private static final byte[] A_COMMAND = a("command");
        private static final byte[] INBOUND_DIR = a("inbound");
        private static final byte[] OUTBOUND_DIR = a("outbound");

        Asa() {
            super("cisco_asa");
        }

        /** Index of the {@code %ASA-} marker in the first 128 bytes, or -1. */
        static int marker(final byte[] b, final int off, final int end) {
            final int lim = Math.min(end, off + 128);
            for (int i = Bytes.indexOf(b, off, lim - 4, (byte) '%'); i >= 0; i = Bytes.indexOf(b, i + 1, lim - 4,
                (byte) '%')) {
                if (Bytes.regionMatches(b, i, ASA) || Bytes.regionMatches(b, i, FTD)
                    || Bytes.regionMatches(b, i, PIX)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
            final int end = Bytes.trimEnd(b, off, end0);
            int m = marker(b, off, end);
            if (m < 0) {
                // a syslog header decoder may have taken "%ASA-6-302013:" as the TAG: look in the frame before
                m = marker(b, Math.max(0, off - 128), off);
            }
            if (m < 0) {
                return false;
            }
            final int sev = m + 5;
            if (sev + 2 >= end || !Bytes.isDigit(b[sev]) || b[sev + 1] != '-') {
                return false;
            }
            final int id = sev + 2;
            final int idEnd = Bytes.digitsEnd(b, id, end);
            if (idEnd == id || idEnd >= end || b[idEnd] != ':') {
                return false;
            }
            e.addField(Fields.EVENT_CODE, b, id, idEnd - id);
            e.addField(Fields.EVENT_SEVERITY, b[sev] - '0');
            e.logProduct = F.CISCO;
            e.logService = F.ASA;
            e.logCategory = F.FIREWALL;
            final int s = Bytes.skipSpaces(b, idEnd + 1, end);
            if (startsWith(b, s, end, BUILT)) {
                built(e, b, s + BUILT.length, end);
            } else if (startsWith(b, s, end, TEARDOWN)) {
                final int i = s + TEARDOWN.length;
                final int te = Bytes.tokenEnd(b, i, end);
                transportWord(e, b, i, te);
                final int f = Bytes.indexOf(b, te, end, FOR);
                final int t = f < 0 ? -1 : Bytes.indexOf(b, f, end, TO);
                if (f > 0 && t > 0) {
                    endpoint(e, Fields.SOURCE_IP, Fields.SOURCE_PORT, b, f + FOR.length, end);
                    endpoint(e, Fields.DESTINATION_IP, Fields.DESTINATION_PORT, b, t + TO.length, end);
                }
                e.addField(Fields.EVENT_ACTION, A_TEARDOWN);
            } else if (startsWith(b, s, end, DENY)) {
                // 106023: Deny tcp src outside:IP/port dst inside:IP/port by access-group "acl"
                // 106006/106015: Deny inbound UDP from IP/port to IP/port ...
                int i = s + DENY.length;
                if (startsWith(b, i, end, INBOUND) || startsWith(b, i, end, OUTBOUND)) {
                    i = Bytes.tokenEnd(b, i, end) + 1;
                }
                final int te = Bytes.tokenEnd(b, i, end);
                transportWord(e, b, i, te);
                fromTo(e, b, te, end);
                final int g = Bytes.indexOf(b, te, end, BY_GROUP);
                if (g > 0) {
                    final int gs = g + BY_GROUP.length;
                    final int q = indexOf(b, gs, end, (byte) '"');
                    if (q > gs) {
                        e.addField(Fields.RULE_NAME, b, gs, q - gs);
                    }
                }
                e.addField(Fields.EVENT_ACTION, A_DENY);
            } else if (startsWith(b, s, end, ACCESS_LIST)) {
                // 106100: access-list ACL permitted tcp inside/IP(port) -> outside/IP(port) hit-cnt 1 ...
                final int acl = s + ACCESS_LIST.length;
                final int aclEnd = Bytes.tokenEnd(b, acl, end);
                put(e, Fields.RULE_NAME, b, acl, aclEnd);
                final int verb = aclEnd + 1;
                final int verbEnd = Bytes.tokenEnd(b, verb, end);
                final int proto = verbEnd + 1;
                final int protoEnd = Bytes.tokenEnd(b, proto, end);
                transportWord(e, b, proto, protoEnd);
                final int arrow = Bytes.indexOf(b, protoEnd, end, ARROW);
                if (arrow > 0) {
                    endpoint(e, Fields.SOURCE_IP, Fields.SOURCE_PORT, b, protoEnd + 1, arrow);
                    endpoint(e, Fields.DESTINATION_IP, Fields.DESTINATION_PORT, b, arrow + ARROW.length, end);
                }
                final boolean denied = Bytes.startsWith(b, verb, verbEnd, DENIED);
                e.addField(Fields.EVENT_ACTION, denied ? A_DENY : A_PERMIT);
                e.addField(Fields.EVENT_OUTCOME, denied ? F.FAILURE : F.SUCCESS);
            } else if (startsWith(b, s, end, AAA)) {
                final int r = s + AAA.length;
                final boolean ok = startsWith(b, r, end, SUCCESSFUL);
                colonValue(e, Fields.USER_NAME, b, r, end, USER_EQ);
                colonValue(e, F.EVENT_REASON, b, r, end, REASON_EQ);
                final int uip = Bytes.indexOf(b, r, end, USER_IP_EQ);
                if (uip > 0) {
                    final int vs = uip + USER_IP_EQ.length;
                    Bytes.putIp(e, Fields.SOURCE_IP, -1, b, vs, Bytes.tokenEnd(b, vs, end));
                }
                e.addField(Fields.EVENT_ACTION, A_AUTH);
                e.addField(Fields.EVENT_OUTCOME, ok ? F.SUCCESS : F.FAILURE);
            } else if (startsWith(b, s, end, LOGIN)) {
                // 605004/605005: Login denied|permitted from IP/port to IF:IP/service for user "X"
                final int verb = s + LOGIN.length;
                final boolean ok = startsWith(b, verb, end, PERMITTED);
                fromTo(e, b, verb, end);
                final int fu = Bytes.indexOf(b, verb, end, FOR_USER);
                if (fu > 0) {
                    int us = fu + FOR_USER.length;
                    int ue = Bytes.tokenEnd(b, us, end);
                    if (us < ue && b[us] == '"') {
                        us++;
                        final int q = indexOf(b, us, end, (byte) '"');
                        ue = q < 0 ? ue : q;
                    }
                    put(e, Fields.USER_NAME, b, us, ue);
                }
                e.addField(Fields.EVENT_ACTION, A_LOGIN);
                e.addField(Fields.EVENT_OUTCOME, ok ? F.SUCCESS : F.FAILURE);
            } else if (startsWith(b, s, end, USER_Q)) {
                // 111008/111010: User 'X' executed the 'cmd' command.
                final int us = s + USER_Q.length;
                final int ue = indexOf(b, us, end, (byte) '\'');
                if (ue > us) {
                    e.addField(Fields.USER_NAME, b, us, ue - us);
                    if (startsWith(b, ue, end, EXECUTED)) {
                        final int cs = ue + EXECUTED.length;
                        final int ce = Bytes.lastIndexOf(b, cs, end, (byte) '\'');
                        put(e, Fields.PROCESS_COMMAND_LINE, b, cs, ce < 0 ? end : ce);
                        e.addField(Fields.EVENT_ACTION, A_COMMAND);
                    }
                }
            } else {
                fromTo(e, b, s, end);
            }
            return true;
        }

        private static void built(final TelemetryEvent e, final byte[] b, final int s, final int end) {
            // Built inbound TCP connection 123 for outside:IP/port (IP/port) to inside:IP/port (IP/port)
            int i = s;
            boolean inbound = true;
            if (startsWith(b, i, end, INBOUND)) {
                i += INBOUND.length;
                e.addField(F.NETWORK_DIRECTION, INBOUND_DIR);
            } else if (startsWith(b, i, end, OUTBOUND)) {
                i += OUTBOUND.length;
                inbound = false;
                e.addField(F.NETWORK_DIRECTION, OUTBOUND_DIR);
            }
            final int te = Bytes.tokenEnd(b, i, end);
            transportWord(e, b, i, te);
            final int f = Bytes.indexOf(b, te, end, FOR);
            final int t = f < 0 ? -1 : Bytes.indexOf(b, f, end, TO);
            if (f > 0 && t > 0) {
                // outbound: the "to" side (inside, local) initiated the connection
                endpoint(e, inbound ? Fields.SOURCE_IP : Fields.DESTINATION_IP,
                    inbound ? Fields.SOURCE_PORT : Fields.DESTINATION_PORT, b, f + FOR.length, t);
                endpoint(e, inbound ? Fields.DESTINATION_IP : Fields.SOURCE_IP,
                    inbound ? Fields.DESTINATION_PORT : Fields.SOURCE_PORT, b, t + TO.length, end);
            }
            e.addField(Fields.EVENT_ACTION, A_BUILT);
        }

        private static void transportWord(final TelemetryEvent e, final byte[] b, final int s, final int te) {
            if (te - s >= 2 && te - s <= 5) {
                final byte c = Bytes.lower(b[s]);
                if (c == 't' || c == 'u' || c == 'i' || c == 'g' || c == 'e') {
                    Bytes.putLower(e, Fields.NETWORK_TRANSPORT, b, s, te);
                }
            }
        }

        /** Parses {@code from [IF:]IP/port to [IF:]IP/port} or {@code src IF:IP/port dst IF:IP/port}. */
        private static void fromTo(final TelemetryEvent e, final byte[] b, final int s, final int end) {
            final int src = Bytes.indexOf(b, s, end, SRC);
            final int dst = src < 0 ? -1 : Bytes.indexOf(b, src, end, DST);
            if (src >= 0 && dst > 0) {
                endpoint(e, Fields.SOURCE_IP, Fields.SOURCE_PORT, b, src + SRC.length, dst);
                endpoint(e, Fields.DESTINATION_IP, Fields.DESTINATION_PORT, b, dst + DST.length, end);
                return;
            }
            final int from = Bytes.indexOf(b, s, end, FROM);
            final int to = from < 0 ? -1 : Bytes.indexOf(b, from, end, TO);
            if (from >= 0 && to > 0) {
                endpoint(e, Fields.SOURCE_IP, Fields.SOURCE_PORT, b, from + FROM.length, to);
                endpoint(e, Fields.DESTINATION_IP, Fields.DESTINATION_PORT, b, to + TO.length, end);
            }
        }

        /** One endpoint token {@code [IF:|IF/]IP[/port|(port)]} at {@code s}; adds ip and port when valid. */
        static void endpoint(final TelemetryEvent e, final int ipId, final int portId, final byte[] b, final int s0,
                             final int end) {
            final int s = Bytes.skipSpaces(b, s0, end);
            int te = s;
            while (te < end && b[te] != ' ' && b[te] != ',') {
                te++;
            }
            int portStart = -1;
            int portEnd = -1;
            int ipEnd = te;
            final int paren = indexOf(b, s, te, (byte) '(');
            if (paren > s) {
                ipEnd = paren;
                portStart = paren + 1;
                portEnd = Bytes.digitsEnd(b, portStart, te);
            } else {
                final int slash = Bytes.lastIndexOf(b, s, te, (byte) '/');
                if (slash > s) {
                    ipEnd = slash;
                    portStart = slash + 1;
                    portEnd = Bytes.digitsEnd(b, portStart, te);
                }
            }
            int ipStart = s;
            if (!Bytes.isIp(b, ipStart, ipEnd)) {
                final int sep = findSep(b, s, ipEnd);
                if (sep < 0) {
                    return;
                }
                ipStart = sep + 1;
                if (!Bytes.isIp(b, ipStart, ipEnd)) {
                    return;
                }
            }
            e.addField(ipId, b, ipStart, ipEnd - ipStart);
            if (portStart > 0 && portEnd > portStart) {
                Bytes.putLong(e, portId, b, portStart, portEnd);
            }
        }

        private static int findSep(final byte[] b, final int s, final int end) {
            for (int i = s; i < end; i++) {
                if (b[i] == ':' || b[i] == '/') {
                    return i;
                }
            }
            return -1;
        }

        private static void colonValue(final TelemetryEvent e, final int id, final byte[] b, final int s,
                                       final int end, final byte[] key) {
            final int k = Bytes.indexOf(b, s, end, key);
            if (k < 0) {
                return;
            }
            final int vs = k + key.length;
            int ve = Bytes.indexOf(b, vs, end, (byte) ':');
            ve = Bytes.trimEnd(b, vs, ve < 0 ? end : ve);
            put(e, id, b, vs, ve);
        }
    }

    // --- FortiGate ------------------------------------------------------------------------------------------

    /**
     * FortiGate key=value logs ({@code date=.. time=.. devname="fw" logid="0000000013" type="traffic" srcip=..}).
     * Every key becomes {@code fortigate.<key>} (quotes removed), plus ECS source/destination ip and port,
     * network.transport, event.action, event.code (logid), user.name, observer.hostname, observer.serial_number,
     * rule.id/rule.name (policy), interfaces, url.domain/url.original, byte counts; eventtime sets the event time
     * when the header gave none. Logsource fortigate/firewall.
     */
    static final class Fortigate extends MessageDecoder {
        private static final byte[] PREFIX = a("fortigate.");
        private static final byte[][] KEYS = {a("srcip"), a("dstip"), a("srcport"), a("dstport"), a("proto"),
            a("action"), a("user"), a("devname"), a("logid"), a("policyid"), a("policyname"), a("srcintf"),
            a("dstintf"), a("hostname"), a("url"), a("sentbyte"), a("rcvdbyte"), a("devid"), a("eventtime"),
            a("dstuser"), a("unauthuser")};
        private static final int[] IDS = {Fields.SOURCE_IP, Fields.DESTINATION_IP, Fields.SOURCE_PORT,
            Fields.DESTINATION_PORT, -2, Fields.EVENT_ACTION, Fields.USER_NAME, Fields.OBSERVER_HOSTNAME,
            Fields.EVENT_CODE, F.RULE_ID, Fields.RULE_NAME, F.INGRESS_INTERFACE, F.EGRESS_INTERFACE,
            Fields.URL_DOMAIN, Fields.URL_ORIGINAL, F.SOURCE_BYTES, F.DESTINATION_BYTES, F.OBSERVER_SERIAL, -3,
            Fields.DESTINATION_USER_NAME, Fields.USER_NAME};
        private static final byte[] DEVNAME = a("devname=");
        private static final byte[] LOGID = a("logid=");
        private static final int MAX_KEY = 64;

        private final byte[] keyName = new byte[PREFIX.length + MAX_KEY];

        Fortigate() {
            super("fortigate");
            System.arraycopy(PREFIX, 0, keyName, 0, PREFIX.length);
        }

        /** True when the message looks like a FortiGate log (devname= and logid= keys). */
        static boolean looksLike(final byte[] b, final int off, final int end) {
            final int lim = Math.min(end, off + 512);
            return Bytes.indexOf(b, off, lim, DEVNAME) >= 0 && Bytes.indexOf(b, off, lim, LOGID) >= 0;
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
            final int end = Bytes.trimEnd(b, off, end0);
            if (!looksLike(b, off, end)) {
                return false;
            }
            int i = off;
            while (i < end) {
                i = Bytes.skipSpaces(b, i, end);
                final int ks = i;
                while (i < end && b[i] != '=' && b[i] != ' ') {
                    i++;
                }
                if (i >= end || b[i] != '=') {
                    continue;
                }
                final int ke = i;
                int vs = i + 1;
                int ve;
                if (vs < end && b[vs] == '"') {
                    vs++;
                    ve = vs;
                    while (ve < end && b[ve] != '"') {
                        if (b[ve] == '\\') {
                            ve++;
                        }
                        ve++;
                    }
                    ve = Math.min(ve, end);
                    i = ve + 1;
                } else {
                    ve = Bytes.tokenEnd(b, vs, end);
                    i = ve;
                }
                final int klen = ke - ks;
                if (klen <= 0 || klen > MAX_KEY) {
                    continue;
                }
                System.arraycopy(b, ks, keyName, PREFIX.length, klen);
                e.addNamedField(keyName, 0, PREFIX.length + klen, b, vs, ve - vs);
                ecs(e, b, ks, ke, vs, ve);
            }
            e.logProduct = F.FORTIGATE;
            e.logCategory = F.FIREWALL;
            return true;
        }

        private static void ecs(final TelemetryEvent e, final byte[] b, final int ks, final int ke, final int vs,
                                final int ve) {
            for (int k = 0; k < KEYS.length; k++) {
                if (!Bytes.equals(b, ks, ke, KEYS[k])) {
                    continue;
                }
                final int id = IDS[k];
                if (ve <= vs || (ve - vs == 1 && b[vs] == '-') || (ve - vs == 3 && b[vs] == 'N' && b[vs + 1] == '/')) {
                    return;
                }
                if (id == -2) {
                    transport(e, b, vs, ve);
                } else if (id == -3) {
                    if (e.timestampNanos == TelemetryEvent.NO_TIME) {
                        final long t = Times.epochAuto(b, vs, ve);
                        if (t != Times.NONE) {
                            e.timestampNanos = t;
                        }
                    }
                } else if (id == Fields.SOURCE_IP || id == Fields.DESTINATION_IP) {
                    Bytes.putIp(e, id, -1, b, vs, ve);
                } else if (id == Fields.SOURCE_PORT || id == Fields.DESTINATION_PORT || id == F.SOURCE_BYTES
                    || id == F.DESTINATION_BYTES) {
                    Bytes.putLong(e, id, b, vs, ve);
                } else if (id != Fields.USER_NAME || e.indexOf(Fields.USER_NAME) < 0) {
                    e.addField(id, b, vs, ve - vs);
                }
                return;
            }
        }
    }

    // --- Palo Alto ------------------------------------------------------------------------------------------

    /**
     * PAN-OS syslog CSV, TRAFFIC and THREAT (field positions per the PAN-OS syslog field descriptions: 1 receive time,
     * 2 serial, 3 type, 4 subtype, 7 src, 8 dst, 9 natsrc, 10 natdst, 11 rule, 12 srcuser, 13 dstuser, 14 app,
     * 16/17 zones, 18/19 interfaces, 22 session id, 24 sport, 25 dport, 29 proto, 30 action; TRAFFIC 31-33 bytes;
     * THREAT 31 misc (URL or file), 32 threat name). Logsource paloalto/firewall.
     */
    static final class PaloAlto extends MessageDecoder {
        private static final int MAX = 64;
        private static final byte[] TRAFFIC = a("TRAFFIC");
        private static final byte[] THREAT = a("THREAT");
        private static final byte[] URL = a("url");
        private final int[] fs = new int[MAX];
        private final int[] fe = new int[MAX];

        PaloAlto() {
            super("paloalto");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
            final int end = Bytes.trimEnd(b, off, end0);
            final int count = split(b, off, end);
            if (count < 31) {
                return false;
            }
            final int base;
            if (isType(b, 3)) {
                base = 0;
            } else if (isType(b, 2)) {
                base = -1;
            } else {
                return false;
            }
            final boolean threat = Bytes.equals(b, fs[3 + base], fe[3 + base], THREAT);
            field(e, b, F.OBSERVER_SERIAL, 2 + base);
            field(e, b, F.PANOS_TYPE, 3 + base);
            field(e, b, F.PANOS_SUBTYPE, 4 + base);
            ip(e, b, Fields.SOURCE_IP, 7 + base);
            ip(e, b, Fields.DESTINATION_IP, 8 + base);
            ip(e, b, F.SOURCE_NAT_IP, 9 + base);
            ip(e, b, F.DESTINATION_NAT_IP, 10 + base);
            field(e, b, Fields.RULE_NAME, 11 + base);
            field(e, b, Fields.USER_NAME, 12 + base);
            field(e, b, Fields.DESTINATION_USER_NAME, 13 + base);
            field(e, b, F.NETWORK_APPLICATION, 14 + base);
            field(e, b, F.INGRESS_ZONE, 16 + base);
            field(e, b, F.EGRESS_ZONE, 17 + base);
            field(e, b, F.INGRESS_INTERFACE, 18 + base);
            field(e, b, F.EGRESS_INTERFACE, 19 + base);
            number(e, b, F.SESSION_ID, 22 + base);
            number(e, b, Fields.SOURCE_PORT, 24 + base);
            number(e, b, Fields.DESTINATION_PORT, 25 + base);
            final int p = 29 + base;
            if (fe[p] > fs[p]) {
                transport(e, b, fs[p], fe[p]);
            }
            field(e, b, Fields.EVENT_ACTION, 30 + base);
            if (threat) {
                if (count > 32 + base) {
                    field(e, b, Bytes.equals(b, fs[4 + base], fe[4 + base], URL) ? Fields.URL_ORIGINAL
                        : Fields.FILE_NAME, 31 + base);
                    field(e, b, F.PANOS_THREAT_NAME, 32 + base);
                }
            } else if (count > 33 + base) {
                number(e, b, F.NETWORK_BYTES, 31 + base);
                number(e, b, F.SOURCE_BYTES, 32 + base);
                number(e, b, F.DESTINATION_BYTES, 33 + base);
            }
            e.logProduct = F.PALOALTO;
            e.logCategory = F.FIREWALL;
            return true;
        }

        private boolean isType(final byte[] b, final int i) {
            return Bytes.equals(b, fs[i], fe[i], TRAFFIC) || Bytes.equals(b, fs[i], fe[i], THREAT);
        }

        /** Splits CSV with double-quoted fields (quotes excluded from the range); returns the field count. */
        private int split(final byte[] b, final int off, final int end) {
            int n = 0;
            int i = off;
            while (n < MAX) {
                if (i < end && b[i] == '"') {
                    final int s = i + 1;
                    int q = s;
                    while (q < end && !(b[q] == '"' && (q + 1 >= end || b[q + 1] != '"'))) {
                        q += b[q] == '"' ? 2 : 1;
                    }
                    fs[n] = s;
                    fe[n] = Math.min(q, end);
                    n++;
                    i = Bytes.indexOf(b, Math.min(q, end), end, (byte) ',');
                } else {
                    final int c = Bytes.indexOf(b, i, end, (byte) ',');
                    fs[n] = Math.min(i, end);
                    fe[n] = c < 0 ? end : c;
                    n++;
                    i = c;
                }
                if (i < 0) {
                    break;
                }
                i++;
            }
            return n;
        }

        private void field(final TelemetryEvent e, final byte[] b, final int id, final int i) {
            put(e, id, b, fs[i], fe[i]);
        }

        private void ip(final TelemetryEvent e, final byte[] b, final int id, final int i) {
            Bytes.putIp(e, id, -1, b, fs[i], fe[i]);
        }

        private void number(final TelemetryEvent e, final byte[] b, final int id, final int i) {
            Bytes.putLong(e, id, b, fs[i], fe[i]);
        }
    }
}
