package io.vigie.ops.feed.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an alert JSON line (as written by {@code AlertJson}, DESIGN.md section 3) back into an {@link Alert}, so the
 * feeds can filter it by TLP, pass it through the {@code OutboundFilter} and write it again. Unknown top-level keys go
 * to {@link Alert#extra}; a missing or unknown {@code tlp} reads as RED (unlabelled is the most restrictive). Off the
 * event path; thread-safe.
 */
public final class AlertLines {
    private static final JsonFactory FACTORY = new JsonFactory();

    private AlertLines() {
    }

    /**
     * Parses one alert line.
     *
     * @param json     the UTF-8 JSON object
     * @param position its alert-journal position (stored in {@link Alert#position})
     * @return the alert, or null when the bytes are not an alert object
     */
    public static Alert parse(final byte[] json, final long position) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            final Alert a = new Alert();
            a.tlp = Tlp.RED;
            a.position = position;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String key = p.currentName();
                p.nextToken();
                readField(p, key, a);
            }
            return a;
        } catch (IOException | DateTimeParseException | ClassCastException e) {
            return null;
        }
    }

    private static void readField(final JsonParser p, final String key, final Alert a) throws IOException {
        switch (key) {
            case "alert_id":
                a.alertId = p.getValueAsString();
                break;
            case "time":
                a.timeNanos = nanos(p.getValueAsString());
                break;
            case "soc":
                a.soc = p.getValueAsString();
                break;
            case "rule":
                readRule(p, a);
                break;
            case "group":
                for (final Map.Entry<String, Object> e : asMap(value(p)).entrySet()) {
                    a.group.put(e.getKey(), e.getValue() == null ? null : e.getValue().toString());
                }
                break;
            case "count":
                a.count = p.getValueAsLong();
                break;
            case "first_seen":
                a.firstSeenNanos = nanos(p.getValueAsString());
                break;
            case "last_seen":
                a.lastSeenNanos = nanos(p.getValueAsString());
                break;
            case "events":
                for (final Object o : (List<?>) value(p)) {
                    a.events.add(String.valueOf(o));
                }
                break;
            case "tlp":
                final Tlp t = Tlp.parse(p.getValueAsString());
                a.tlp = t == null ? Tlp.RED : t;
                break;
            case "tags":
                for (final Object o : (List<?>) value(p)) {
                    a.tags.add(String.valueOf(o));
                }
                break;
            case "assessment":
                a.assessment.putAll(asMap(value(p)));
                break;
            default:
                a.extra.put(key, value(p));
        }
    }

    private static void readRule(final JsonParser p, final Alert a) throws IOException {
        final Map<String, Object> r = asMap(value(p));
        a.ruleId = str(r.get("id"));
        a.ruleTitle = str(r.get("title"));
        a.ruleLevel = str(r.get("level"));
        a.ruleType = str(r.get("type"));
        a.ruleAuthor = str(r.get("author"));
    }

    private static String str(final Object o) {
        return o == null ? null : o.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(final Object o) {
        return o instanceof Map ? (Map<String, Object>) o : new LinkedHashMap<>();
    }

    /** The current value (the parser is on its first token) as maps, lists, Long, Double, Boolean, String or null. */
    static Object value(final JsonParser p) throws IOException {
        final JsonToken t = p.currentToken();
        if (t == null) {
            return null;
        }
        switch (t) {
            case START_OBJECT:
                final Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    final String k = p.currentName();
                    p.nextToken();
                    m.put(k, value(p));
                }
                return m;
            case START_ARRAY:
                final List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                return l;
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return true;
            case VALUE_FALSE:
                return false;
            case VALUE_NULL:
                return null;
            default:
                return p.getValueAsString();
        }
    }

    /** Epoch nanoseconds of an RFC 3339 time (0 when absent). */
    static long nanos(final String rfc3339) {
        if (rfc3339 == null) {
            return 0;
        }
        final Instant i = Instant.parse(rfc3339);
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    }
}
