package io.vigie.ops.assess;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Asset criticality lookup: host names (exact, case-insensitive), IP addresses and CIDR blocks (IPv4 and IPv6) to a
 * criticality 0-5. The first matching entry in configuration order wins; unknown targets get the default. Never
 * resolves names (no DNS): only IP literals are treated as addresses. Immutable after construction; thread-safe.
 */
final class AssetMap {
    private static final class Entry {
        final String host;
        final byte[] network;
        final int prefix;
        final int criticality;
        final String match;

        Entry(final String host, final byte[] network, final int prefix, final int criticality, final String match) {
            this.host = host;
            this.network = network;
            this.prefix = prefix;
            this.criticality = criticality;
            this.match = match;
        }
    }

    /** A lookup result: the criticality and the entry that gave it (null for the default). */
    static final class Hit {
        final int criticality;
        final String match;

        Hit(final int criticality, final String match) {
            this.criticality = criticality;
            this.match = match;
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final int defaultCriticality;

    AssetMap(final List<AssessmentSettings.Asset> assets, final int defaultCriticality) {
        this.defaultCriticality = defaultCriticality;
        for (final AssessmentSettings.Asset a : assets) {
            if (a.match == null || a.match.isBlank()) {
                throw new IllegalArgumentException("asset entry without 'match'");
            }
            if (a.criticality < 0 || a.criticality > 5) {
                throw new IllegalArgumentException("asset '" + a.match + "': criticality must be within 0..5: "
                    + a.criticality);
            }
            final String m = a.match.trim();
            final int slash = m.indexOf('/');
            final String addr = slash < 0 ? m : m.substring(0, slash);
            final byte[] ip = ipLiteral(addr);
            if (ip == null) {
                if (slash >= 0) {
                    throw new IllegalArgumentException("asset '" + m + "': not a CIDR block");
                }
                entries.add(new Entry(m.toLowerCase(Locale.ROOT), null, 0, a.criticality, m));
                continue;
            }
            int prefix = ip.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(m.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("asset '" + m + "': bad prefix length", e);
                }
                if (prefix < 0 || prefix > ip.length * 8) {
                    throw new IllegalArgumentException("asset '" + m + "': prefix length out of range");
                }
            }
            entries.add(new Entry(null, ip, prefix, a.criticality, m));
        }
    }

    /** The criticality of one target (host name or IP text). */
    Hit lookup(final String target) {
        if (target == null || target.isEmpty()) {
            return new Hit(defaultCriticality, null);
        }
        final byte[] ip = ipLiteral(target.trim());
        final String lower = target.trim().toLowerCase(Locale.ROOT);
        for (final Entry e : entries) {
            if (e.host != null ? e.host.equals(lower) : ip != null && inBlock(ip, e.network, e.prefix)) {
                return new Hit(e.criticality, e.match);
            }
        }
        return new Hit(defaultCriticality, null);
    }

    private static boolean inBlock(final byte[] ip, final byte[] net, final int prefix) {
        if (ip.length != net.length) {
            return false;
        }
        final int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (ip[i] != net[i]) {
                return false;
            }
        }
        final int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        final int mask = (0xFF << (8 - rest)) & 0xFF;
        return (ip[full] & mask) == (net[full] & mask);
    }

    /** The bytes of an IPv4 dotted quad or an IPv6 literal, or null (never a DNS lookup). */
    static byte[] ipLiteral(final String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            for (int i = 0; i < s.length(); i++) {
                final char c = s.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return null;
                }
            }
            try {
                return InetAddress.getByName(s).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        final byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= s.length(); i++) {
            final char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || part > 3) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }
}
