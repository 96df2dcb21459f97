package io.vigie.ops.share;

import io.vigie.engine.alert.Alert;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pseudonymises personal data in outbound alerts (DESIGN.md section 5). A value is replaced by
 * {@code "pseudo:" + base64url(first 16 bytes of HMAC-SHA256(key, field + ":" + value))} (22 characters, no padding;
 * 128 bits keep collisions out of reach while keeping indicators short), where:
 * <ul>
 *   <li>a value of a configured field (default {@link #DEFAULT_FIELDS}; matched on the key or on the end of its dotted
 *       path, so {@code event.user.name} matches {@code user.name}) is replaced whole, except that an IP address in a
 *       configured field is replaced only when it is private-range (RFC 1918, RFC 4193, loopback, link-local, CGNAT
 *       RFC 6598): public addresses are the attacker-side indicators a feed exists to share;</li>
 *   <li>any other value, or IPv4 literal inside free text, that is a private-range IP address is replaced
 *       (field = {@code ip});</li>
 *   <li>any e-mail address inside any string (values, group keys' values, rule titles) is replaced in place
 *       (field = {@code email}, so the same mailbox gets the same pseudonym wherever it appears).</li>
 * </ul>
 * Covered: the alert's {@code group}, {@code extra} (recursively: maps, lists), {@code assessment} strings and the rule
 * title. Equal inputs give equal pseudonyms under one key (one sharing domain); different keys give unlinkable ones.
 * {@link #apply} returns a deep copy and never modifies its argument. The key is never logged. Thread-safe.
 */
public final class Pseudonymizer implements OutboundFilter {
    /** Fields pseudonymised by default. */
    public static final List<String> DEFAULT_FIELDS = List.of("user.name", "source.user.name",
        "destination.user.name", "host.name", "source.ip", "destination.ip");
    /** Smallest accepted key, in bytes (HMAC-SHA256's block of output). */
    public static final int MIN_KEY_BYTES = 32;
    /** Prefix of every pseudonym. */
    public static final String PREFIX = "pseudo:";
    private static final int PSEUDONYM_BYTES = 16;
    private static final Pattern EMAIL = Pattern.compile(
        "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    private final SecretKeySpec key;
    private final Set<String> fields;

    /**
     * @param key    the sharing domain's key (at least {@link #MIN_KEY_BYTES} bytes; copied)
     * @param fields field names to pseudonymise (null or empty: {@link #DEFAULT_FIELDS})
     */
    public Pseudonymizer(final byte[] key, final Collection<String> fields) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("sharing.pseudonymize: the key must be at least " + MIN_KEY_BYTES
                + " bytes");
        }
        this.key = new SecretKeySpec(Arrays.copyOf(key, key.length), "HmacSHA256");
        this.fields = new LinkedHashSet<>(fields == null || fields.isEmpty() ? DEFAULT_FIELDS : fields);
    }

    /** A pseudonymizer whose key is the content of a file (raw bytes, at least 32). */
    public static Pseudonymizer fromKeyFile(final Path keyFile, final Collection<String> fields) throws IOException {
        final byte[] k = Files.readAllBytes(keyFile);
        try {
            return new Pseudonymizer(k, fields);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** The fields configured as personal data. */
    public Set<String> fields() {
        return Set.copyOf(fields);
    }

    /** The pseudonym of a value of a field (deterministic under this key). */
    public String pseudonym(final String field, final String value) {
        final byte[] mac;
        try {
            final Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            mac = m.doFinal((field + ":" + value).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(mac, PSEUDONYM_BYTES));
    }

    @Override
    public Alert apply(final Alert in) {
        final Alert out = new Alert();
        out.alertId = in.alertId;
        out.timeNanos = in.timeNanos;
        out.soc = in.soc;
        out.ruleId = in.ruleId;
        out.ruleTitle = in.ruleTitle == null ? null : scrubText(in.ruleTitle);
        out.ruleLevel = in.ruleLevel;
        out.ruleType = in.ruleType;
        out.ruleAuthor = in.ruleAuthor;
        for (final Map.Entry<String, String> e : in.group.entrySet()) {
            out.group.put(e.getKey(), e.getValue() == null ? null : value(e.getKey(), e.getValue()));
        }
        out.count = in.count;
        out.firstSeenNanos = in.firstSeenNanos;
        out.lastSeenNanos = in.lastSeenNanos;
        out.events.addAll(in.events);
        out.tlp = in.tlp;
        out.tags.addAll(in.tags);
        for (final Map.Entry<String, Object> e : in.assessment.entrySet()) {
            out.assessment.put(e.getKey(), copy(e.getKey(), e.getValue()));
        }
        for (final Map.Entry<String, Object> e : in.extra.entrySet()) {
            out.extra.put(e.getKey(), copy(e.getKey(), e.getValue()));
        }
        out.position = in.position;
        return out;
    }

    private Object copy(final String path, final Object v) {
        if (v instanceof Map) {
            final Map<String, Object> m = new LinkedHashMap<>();
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                final String k = String.valueOf(e.getKey());
                m.put(k, copy(path + "." + k, e.getValue()));
            }
            return m;
        }
        if (v instanceof Collection) {
            final List<Object> l = new ArrayList<>();
            for (final Object o : (Collection<?>) v) {
                l.add(copy(path, o));
            }
            return l;
        }
        if (v instanceof CharSequence) {
            return value(path, v.toString());
        }
        return v;
    }

    /** The outbound form of one string value found at a dotted path. */
    String value(final String path, final String v) {
        final String field = configuredField(path);
        final String trimmed = v.strip();
        final byte[] ip = ipLiteral(trimmed);
        if (ip != null) {
            return isPrivate(ip) ? pseudonym(field != null ? field : "ip", trimmed) : v;
        }
        if (field != null) {
            return v.startsWith(PREFIX) ? v : pseudonym(field, v);
        }
        return scrubText(v);
    }

    /** The longest configured field the path is, or ends with (so source.user.name wins over user.name). */
    private String configuredField(final String path) {
        String best = null;
        for (final String f : fields) {
            if ((path.equals(f) || path.endsWith("." + f)) && (best == null || f.length() > best.length())) {
                best = f;
            }
        }
        return best;
    }

    /** Replaces e-mail addresses and private-range IPv4 literals inside free text. */
    String scrubText(final String text) {
        String s = text;
        if (s.indexOf('@') >= 0) {
            final Matcher m = EMAIL.matcher(s);
            final StringBuilder b = new StringBuilder(s.length());
            while (m.find()) {
                m.appendReplacement(b, Matcher.quoteReplacement(pseudonym("email", m.group())));
            }
            m.appendTail(b);
            s = b.toString();
        }
        return scrubIps(s);
    }

    private String scrubIps(final String s) {
        StringBuilder b = null;
        int i = 0;
        int copied = 0;
        final int n = s.length();
        while (i < n) {
            if (!ipChar(s.charAt(i))) {
                i++;
                continue;
            }
            int j = i;
            while (j < n && ipChar(s.charAt(j))) {
                j++;
            }
            final String token = stripDots(s.substring(i, j));
            final byte[] ip = token.length() >= 2 ? ipLiteral(token) : null;
            if (ip != null && isPrivate(ip)) {
                if (b == null) {
                    b = new StringBuilder(n + 32);
                }
                final int start = s.indexOf(token, i);
                b.append(s, copied, start).append(pseudonym("ip", token));
                copied = start + token.length();
            }
            i = j;
        }
        if (b == null) {
            return s;
        }
        return b.append(s, copied, n).toString();
    }

    private static String stripDots(final String t) {
        int a = 0;
        int z = t.length();
        while (a < z && (t.charAt(a) == '.' || t.charAt(a) == ':')) {
            a++;
        }
        while (z > a && (t.charAt(z - 1) == '.')) {
            z--;
        }
        return t.substring(a, z);
    }

    private static boolean ipChar(final char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
    }

    /** The bytes of an IPv4 or IPv6 literal, or null when the text is not one (never does a DNS lookup). */
    public static byte[] ipLiteral(final String s) {
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            for (int i = 0; i < s.length(); i++) {
                if (!ipChar(s.charAt(i))) {
                    return null;
                }
            }
            if (s.indexOf(':') == s.lastIndexOf(':')) {
                return null;
            }
            try {
                return InetAddress.getByName(s).getAddress();
            } catch (UnknownHostException | SecurityException e) {
                return null;
            }
        }
        final byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            final char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part > 3) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    /** True for an address that names the SOC's own side rather than a public attacker (see class doc). */
    public static boolean isPrivate(final byte[] a) {
        if (a.length == 4) {
            final int b0 = a[0] & 0xff;
            final int b1 = a[1] & 0xff;
            return b0 == 10                                  // RFC 1918
                || (b0 == 172 && b1 >= 16 && b1 <= 31)         // RFC 1918
                || (b0 == 192 && b1 == 168)                    // RFC 1918
                || b0 == 127                                 // loopback, RFC 1122
                || (b0 == 169 && b1 == 254)                    // link-local, RFC 3927
                || (b0 == 100 && b1 >= 64 && b1 <= 127)        // shared address space (CGNAT), RFC 6598
                || b0 == 0;                                  // "this network", RFC 1122
        }
        if (a.length == 16) {
            boolean zeroPrefix = true;
            for (int i = 0; i < 15; i++) {
                zeroPrefix &= a[i] == 0;
            }
            if (zeroPrefix && (a[15] == 1 || a[15] == 0)) {
                return true;                                 // ::1 loopback, :: unspecified (RFC 4291)
            }
            final int b0 = a[0] & 0xff;
            final int b1 = a[1] & 0xff;
            if ((b0 & 0xfe) == 0xfc) {
                return true;                                 // unique local fc00::/7, RFC 4193
            }
            if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
                return true;                                 // link-local fe80::/10, RFC 4291
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= a[i] == 0;
            }
            if (mapped && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff) {
                return isPrivate(Arrays.copyOfRange(a, 12, 16)); // IPv4-mapped, RFC 4291 section 2.5.5.2
            }
        }
        return false;
    }
}
