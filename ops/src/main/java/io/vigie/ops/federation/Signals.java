package io.vigie.ops.federation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vigie.engine.alert.Alert;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a peer's (pseudonymised) alert into signal events: one JSON object per attacker-side indicator found in the
 * alert's {@code group} and {@code extra.event} (public IP addresses, domains, URLs, file hashes), each carrying the
 * peer's SOC, country and sector, the alert id, rule title and level, {@code @timestamp} = the alert's last seen,
 * the logsource {@code vigie/federation} and, as {@code signal.victim}, the pseudonyms ({@code pseudo:...}) the alert
 * carries. Every other value (private addresses, host and user names in clear) is dropped: nothing that could name
 * a victim leaves this class in clear. Stateless, thread-safe; off the event path.
 */
public final class Signals {
    /** Logsource product of signal events. */
    public static final String PRODUCT = "vigie";
    /** Logsource service of signal events. */
    public static final String SERVICE = "federation";
    private static final String PSEUDO = "pseudo:";
    private static final JsonFactory JSON = new JsonFactory();

    /** One attacker-side indicator and its type ({@code ip}, {@code domain}, {@code url}, {@code hash}). */
    public record Indicator(String value, String type) {
    }

    private Signals() {
    }

    /** The attacker-side indicators of an alert (deduplicated, in order of appearance). */
    public static List<Indicator> indicators(final Alert a) {
        final Map<String, Indicator> out = new LinkedHashMap<>();
        for (final Map.Entry<String, String> e : a.group.entrySet()) {
            classify(e.getKey(), e.getValue(), out);
        }
        walk("", a.extra.get("event"), out, null);
        return new ArrayList<>(out.values());
    }

    /** The pseudonymised identifiers ({@code pseudo:...}) an alert carries in its group and extra.event. */
    public static Set<String> victims(final Alert a) {
        final Set<String> out = new LinkedHashSet<>();
        for (final String v : a.group.values()) {
            if (v != null && v.startsWith(PSEUDO)) {
                out.add(v);
            }
        }
        walk("", a.extra.get("event"), null, out);
        return out;
    }

    /**
     * The signal events of an alert from a peer, as UTF-8 JSON objects (one per indicator; none when it has none).
     *
     * @param a       the alert as received (already pseudonymised by the peer)
     * @param peer    the peer's configured name
     * @param country the peer's country (or null)
     * @param sector  the peer's sector (or null)
     */
    public static List<byte[]> of(final Alert a, final String peer, final String country, final String sector) {
        final List<Indicator> indicators = indicators(a);
        final Set<String> victims = victims(a);
        final List<byte[]> out = new ArrayList<>(indicators.size());
        final long t = a.lastSeenNanos != 0 ? a.lastSeenNanos : a.timeNanos;
        final String time = Instant.ofEpochSecond(Math.floorDiv(t, 1_000_000_000L), Math.floorMod(t, 1_000_000_000L))
            .toString();
        for (final Indicator i : indicators) {
            final ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
            try (JsonGenerator g = JSON.createGenerator(buf)) {
                g.writeStartObject();
                g.writeStringField("@timestamp", time);
                g.writeStringField("logsource.product", PRODUCT);
                g.writeStringField("logsource.service", SERVICE);
                g.writeStringField("signal.indicator", i.value());
                g.writeStringField("signal.indicator_type", i.type());
                g.writeStringField("signal.soc", socOf(a, peer));
                g.writeStringField("signal.peer", peer);
                if (country != null) {
                    g.writeStringField("signal.country", country);
                }
                if (sector != null) {
                    g.writeStringField("signal.sector", sector);
                }
                g.writeStringField("signal.alert_id", a.alertId);
                if (a.ruleTitle != null) {
                    g.writeStringField("signal.rule", a.ruleTitle);
                }
                if (a.ruleLevel != null) {
                    g.writeStringField("signal.level", a.ruleLevel);
                }
                g.writeStringField("signal.tlp", a.tlp.label());
                if (!victims.isEmpty()) {
                    g.writeArrayFieldStart("signal.victim");
                    for (final String v : victims) {
                        g.writeString(v);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.add(buf.toByteArray());
        }
        return out;
    }

    /** The SOC that raised the alert (its {@code soc}), else the peer's name. */
    public static String socOf(final Alert a, final String peer) {
        return a.soc == null || a.soc.isEmpty() ? peer : a.soc;
    }

    private static void walk(final String prefix, final Object v, final Map<String, Indicator> indicators,
                             final Set<String> victims) {
        if (v instanceof Map) {
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                walk(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(),
                    indicators, victims);
            }
        } else if (v instanceof List) {
            for (final Object o : (List<?>) v) {
                walk(prefix, o, indicators, victims);
            }
        } else if (v instanceof String) {
            final String s = (String) v;
            if (victims != null && s.startsWith(PSEUDO)) {
                victims.add(s);
            }
            if (indicators != null) {
                classify(prefix, s, indicators);
            }
        }
    }

    /** Adds {@code value} of field {@code name} when it is an attacker-side indicator. */
    static void classify(final String name, final String value, final Map<String, Indicator> out) {
        if (value == null || value.isEmpty() || value.startsWith(PSEUDO) || value.length() > 2048) {
            return;
        }
        final String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("host.") || n.startsWith("observer.") || n.startsWith("agent.") || n.startsWith("user.")
            || n.startsWith("organization.")) {
            return; // the victim side, never an attacker indicator
        }
        final String type;
        if (n.equals("ip") || n.endsWith(".ip") || n.endsWith("_ip")) {
            type = publicIp(value) ? "ip" : null;
        } else if (n.endsWith("url.original") || n.endsWith("url.full") || n.equals("url")) {
            type = value.startsWith("http://") || value.startsWith("https://") ? "url" : null;
        } else if (n.endsWith(".domain") || n.equals("domain") || n.endsWith("dns.question.name")
            || n.endsWith("registered_domain")) {
            type = domain(value) ? "domain" : null;
        } else if (n.contains("hash.") && hex(value)) {
            type = "hash";
        } else {
            type = null;
        }
        if (type != null) {
            final String v = "ip".equals(type) || "hash".equals(type) || "domain".equals(type)
                ? value.toLowerCase(Locale.ROOT) : value;
            out.putIfAbsent(v, new Indicator(v, type));
        }
    }

    /**
     * True for a literal IPv4/IPv6 address outside private (RFC 1918, RFC 4193), loopback, link-local, CGNAT
     * (RFC 6598), unspecified and multicast ranges. Never resolves names.
     */
    static boolean publicIp(final String s) {
        boolean v4 = true;
        boolean v6 = s.indexOf(':') >= 0;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            final boolean digit = c >= '0' && c <= '9';
            v4 &= digit || c == '.';
            v6 &= digit || c == ':' || c == '.' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        }
        if (!(v4 && count(s, '.') == 3) && !v6) {
            return false;
        }
        final InetAddress a;
        try {
            a = InetAddress.getByName(s);
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
        if (a.isSiteLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
            || a.isMulticastAddress()) {
            return false;
        }
        final byte[] b = a.getAddress();
        if (b.length == 4) {
            final int b0 = b[0] & 0xff;
            final int b1 = b[1] & 0xff;
            return !(b0 == 0 || b0 >= 240 || (b0 == 100 && b1 >= 64 && b1 < 128));
        }
        return (b[0] & 0xfe) != 0xfc;
    }

    private static boolean domain(final String s) {
        if (s.indexOf('.') < 0 || s.indexOf('@') >= 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(final String s) {
        if (s.length() < 32) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int count(final String s, final char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            n += s.charAt(i) == c ? 1 : 0;
        }
        return n;
    }
}
