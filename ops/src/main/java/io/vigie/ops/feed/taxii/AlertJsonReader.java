package io.vigie.ops.feed.taxii;

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
 * Reads an alert JSON line (the alert journal's records, DESIGN.md section 3) back into an {@link Alert}. Unknown
 * top-level fields go to {@code extra}; a missing or unknown {@code tlp} gives RED (unlabelled = most restrictive).
 * Off the event path; thread-safe.
 */
public final class AlertJsonReader {
    private static final JsonFactory JSON = new JsonFactory();

    private AlertJsonReader() {
    }

    /** The alert, or null when the bytes are not a JSON object. */
    public static Alert read(final byte[] json) {
        final Object v;
        try (JsonParser p = JSON.createParser(json)) {
            v = value(p, p.nextToken());
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (!(v instanceof Map)) {
            return null;
        }
        final Map<?, ?> m = (Map<?, ?>) v;
        final Alert a = new Alert();
        a.tlp = Tlp.RED;
        for (final Map.Entry<?, ?> e : m.entrySet()) {
            final String k = String.valueOf(e.getKey());
            final Object x = e.getValue();
            switch (k) {
                case "alert_id":
                    a.alertId = str(x);
                    break;
                case "time":
                    a.timeNanos = nanos(str(x));
                    break;
                case "soc":
                    a.soc = str(x);
                    break;
                case "rule":
                    if (x instanceof Map) {
                        final Map<?, ?> r = (Map<?, ?>) x;
                        a.ruleId = str(r.get("id"));
                        a.ruleTitle = str(r.get("title"));
                        a.ruleLevel = r.get("level") == null ? a.ruleLevel : str(r.get("level"));
                        a.ruleType = r.get("type") == null ? a.ruleType : str(r.get("type"));
                        a.ruleAuthor = str(r.get("author"));
                    }
                    break;
                case "group":
                    if (x instanceof Map) {
                        for (final Map.Entry<?, ?> g : ((Map<?, ?>) x).entrySet()) {
                            a.group.put(String.valueOf(g.getKey()), str(g.getValue()));
                        }
                    }
                    break;
                case "count":
                    a.count = x instanceof Number ? ((Number) x).longValue() : 1;
                    break;
                case "first_seen":
                    a.firstSeenNanos = nanos(str(x));
                    break;
                case "last_seen":
                    a.lastSeenNanos = nanos(str(x));
                    break;
                case "events":
                    if (x instanceof List) {
                        for (final Object o : (List<?>) x) {
                            a.events.add(str(o));
                        }
                    }
                    break;
                case "tlp":
                    final Tlp t = Tlp.parse(str(x));
                    a.tlp = t == null ? Tlp.RED : t;
                    break;
                case "tags":
                    if (x instanceof List) {
                        for (final Object o : (List<?>) x) {
                            a.tags.add(str(o));
                        }
                    }
                    break;
                case "assessment":
                    if (x instanceof Map) {
                        for (final Map.Entry<?, ?> g : ((Map<?, ?>) x).entrySet()) {
                            a.assessment.put(String.valueOf(g.getKey()), g.getValue());
                        }
                    }
                    break;
                default:
                    a.extra.put(k, x);
                    break;
            }
        }
        return a;
    }

    private static String str(final Object o) {
        return o == null ? null : o.toString();
    }

    private static long nanos(final String t) {
        if (t == null) {
            return 0;
        }
        try {
            final Instant i = Instant.parse(t);
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    private static Object value(final JsonParser p, final JsonToken t) throws IOException {
        if (t == null) {
            return null;
        }
        switch (t) {
            case START_OBJECT:
                final Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken n = p.nextToken(); n == JsonToken.FIELD_NAME; n = p.nextToken()) {
                    final String name = p.currentName();
                    m.put(name, value(p, p.nextToken()));
                }
                return m;
            case START_ARRAY:
                final List<Object> l = new ArrayList<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
                    l.add(value(p, n));
                }
                return l;
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return true;
            case VALUE_FALSE:
                return false;
            default:
                return null;
        }
    }
}
