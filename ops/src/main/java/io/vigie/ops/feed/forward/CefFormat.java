package io.vigie.ops.feed.forward;

import io.vigie.engine.alert.Alert;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Formats an alert as an ArcSight CEF line inside an RFC 5424 syslog message, octet-counted for TCP (RFC 6587).
 *
 * <pre>
 *   &lt;PRI&gt;1 TIMESTAMP SOC vigie - alert -
 *     CEF:0|Vigie|Vigie|&lt;version&gt;|&lt;rule id&gt;|&lt;rule title&gt;|&lt;severity&gt;|rt=...
 * </pre>
 * Extensions: {@code rt} (alert time, epoch ms), {@code start}/{@code end} (first/last seen), {@code src},
 * {@code dst}, {@code suser}, {@code duser}, {@code dhost} when the alert's group or event holds them,
 * {@code cnt} (count), {@code cat} (rule type), {@code externalId} (alert-journal position), {@code cs1} tlp,
 * {@code cs2} alert_id, {@code cs3} assessment severity, {@code cs4} tags, {@code msg} (title and group). Header fields
 * escape {@code \} and {@code |}; extension values escape {@code \}, {@code =} and line breaks ({@code \n},
 * {@code \r}), as the CEF specification asks. Severity 0-10: the assessment's severity when present, else the rule
 * level (informational 1, low 3, medium 5, high 8, critical 10). Thread-safe; off the event path.
 */
public final class CefFormat {
    /** Syslog facility: local0 (RFC 5424 section 6.2.1, code 16). */
    public static final int DEFAULT_FACILITY = 16;
    private static final DateTimeFormatter RFC5424_TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private CefFormat() {
    }

    /** CEF severity 0-10 of an alert. */
    public static int severity(final Alert a) {
        final Object s = a.assessment.get("severity");
        return levelSeverity(s instanceof String ? (String) s : a.ruleLevel);
    }

    private static int levelSeverity(final String level) {
        switch (level == null ? "" : level) {
            case "informational":
                return 1;
            case "low":
                return 3;
            case "high":
                return 8;
            case "critical":
                return 10;
            default:
                return 5;
        }
    }

    /** RFC 5424 severity (section 6.2.1) of an alert: critical 2, high 3, medium 4, low 5, informational 6. */
    static int syslogSeverity(final Alert a) {
        final int cef = severity(a);
        return cef >= 10 ? 2 : cef >= 8 ? 3 : cef >= 5 ? 4 : cef >= 3 ? 5 : 6;
    }

    /** The CEF line of an alert (no syslog header). */
    public static String cef(final Alert a, final String version) {
        final StringBuilder b = new StringBuilder(512);
        b.append("CEF:0|Vigie|Vigie|").append(header(version)).append('|').append(header(a.ruleId)).append('|')
            .append(header(a.ruleTitle)).append('|').append(severity(a)).append('|');
        b.append("rt=").append(a.timeNanos / 1_000_000L);
        b.append(" start=").append(a.firstSeenNanos / 1_000_000L);
        b.append(" end=").append(a.lastSeenNanos / 1_000_000L);
        ext(b, "src", field(a, "source.ip"));
        ext(b, "dst", field(a, "destination.ip"));
        ext(b, "suser", field(a, "source.user.name"));
        ext(b, "duser", field(a, "user.name"));
        ext(b, "dhost", field(a, "host.name"));
        ext(b, "cnt", Long.toString(a.count));
        ext(b, "cat", a.ruleType);
        if (a.position >= 0) {
            ext(b, "externalId", Long.toString(a.position));
        }
        ext(b, "cs1Label", "tlp");
        ext(b, "cs1", a.tlp.label());
        ext(b, "cs2Label", "alert_id");
        ext(b, "cs2", a.alertId);
        final Object sev = a.assessment.get("severity");
        if (sev != null) {
            ext(b, "cs3Label", "assessment_severity");
            ext(b, "cs3", sev.toString());
        }
        if (!a.tags.isEmpty()) {
            ext(b, "cs4Label", "tags");
            ext(b, "cs4", String.join(",", a.tags));
        }
        final StringBuilder msg = new StringBuilder(a.ruleTitle == null ? "" : a.ruleTitle);
        if (!a.group.isEmpty()) {
            msg.append(" (");
            boolean first = true;
            for (final Map.Entry<String, String> e : a.group.entrySet()) {
                msg.append(first ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
                first = false;
            }
            msg.append(')');
        }
        ext(b, "msg", msg.toString());
        return b.toString();
    }

    /**
     * The RFC 5424 message (section 6) carrying the CEF line: {@code <PRI>1 TIMESTAMP HOSTNAME vigie - alert - MSG}.
     *
     * @param hostname HOSTNAME (the SOC id; non-printable characters become {@code _})
     * @param facility syslog facility code 0-23
     */
    public static byte[] syslog(final Alert a, final String hostname, final int facility, final String version) {
        final String head = "<" + (facility * 8 + syslogSeverity(a)) + ">1 "
            + RFC5424_TIME.format(Instant.ofEpochSecond(Math.floorDiv(a.timeNanos, 1_000_000_000L),
                Math.floorMod(a.timeNanos, 1_000_000_000L)))
            + ' ' + headerToken(hostname, 255) + " vigie - alert - ";
        return (head + cef(a, version)).getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 6587 section 3.4.1 octet-counting frame: {@code MSG-LEN SP SYSLOG-MSG}. */
    public static byte[] octetCounted(final byte[] message) {
        final byte[] len = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
        final byte[] out = new byte[len.length + message.length];
        System.arraycopy(len, 0, out, 0, len.length);
        System.arraycopy(message, 0, out, len.length, message.length);
        return out;
    }

    /** The first value of a field in the alert's group, then in its event fields ({@code extra.event}). */
    static String field(final Alert a, final String name) {
        final String g = a.group.get(name);
        if (g != null) {
            return g;
        }
        final Object e = a.extra.get("event");
        if (e instanceof Map) {
            final Object v = ((Map<?, ?>) e).get(name);
            if (v instanceof java.util.List) {
                return ((java.util.List<?>) v).isEmpty() ? null : String.valueOf(((java.util.List<?>) v).get(0));
            }
            return v == null ? null : v.toString();
        }
        return null;
    }

    /** Escapes a CEF header field: {@code \} and {@code |}; line breaks become spaces (not allowed in headers). */
    static String header(final String s) {
        if (s == null) {
            return "";
        }
        final StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '\\' || c == '|') {
                b.append('\\').append(c);
            } else if (c == '\n' || c == '\r') {
                b.append(' ');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Escapes a CEF extension value: {@code \}, {@code =}, and line breaks as {@code \n} / {@code \r}. */
    static String extValue(final String s) {
        final StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '\\':
                    b.append("\\\\");
                    break;
                case '=':
                    b.append("\\=");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                default:
                    b.append(c);
            }
        }
        return b.toString();
    }

    private static void ext(final StringBuilder b, final String key, final String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        b.append(' ').append(key).append('=').append(extValue(value));
    }

    private static String headerToken(final String s, final int max) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        final StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            final char c = s.charAt(i);
            // RFC 5424 section 6: header fields are PRINTUSASCII (33-126).
            b.append(c >= 33 && c <= 126 ? c : '_');
        }
        return b.toString();
    }
}
