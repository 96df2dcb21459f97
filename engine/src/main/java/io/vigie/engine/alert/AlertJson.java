package io.vigie.engine.alert;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/** Writes an {@link Alert} as one JSON line (DESIGN.md section 3). Off the event path. */
public final class AlertJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private AlertJson() {
    }

    /** RFC 3339 UTC text of epoch nanoseconds. */
    public static String time(final long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
            Math.floorMod(epochNanos, 1_000_000_000L)).toString();
    }

    /** The alert as UTF-8 JSON bytes, no trailing newline. */
    public static byte[] toBytes(final Alert a) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes the alert object with a generator. */
    public static void write(final JsonGenerator g, final Alert a) throws IOException {
        g.writeStartObject();
        g.writeStringField("alert_id", a.alertId);
        g.writeStringField("time", time(a.timeNanos));
        g.writeStringField("soc", a.soc);
        g.writeObjectFieldStart("rule");
        g.writeStringField("id", a.ruleId);
        g.writeStringField("title", a.ruleTitle);
        g.writeStringField("level", a.ruleLevel);
        g.writeStringField("type", a.ruleType);
        if (a.ruleAuthor != null) {
            g.writeStringField("author", a.ruleAuthor);
        }
        g.writeEndObject();
        g.writeObjectFieldStart("group");
        for (final Map.Entry<String, String> e : a.group.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeNumberField("count", a.count);
        g.writeStringField("first_seen", time(a.firstSeenNanos));
        g.writeStringField("last_seen", time(a.lastSeenNanos));
        g.writeArrayFieldStart("events");
        for (final String e : a.events) {
            g.writeString(e);
        }
        g.writeEndArray();
        g.writeStringField("tlp", a.tlp.label());
        g.writeArrayFieldStart("tags");
        for (final String t : a.tags) {
            g.writeString(t);
        }
        g.writeEndArray();
        g.writeFieldName("assessment");
        writeValue(g, a.assessment);
        for (final Map.Entry<String, Object> e : a.extra.entrySet()) {
            g.writeFieldName(e.getKey());
            writeValue(g, e.getValue());
        }
        g.writeEndObject();
    }

    /** Writes maps, collections, numbers, booleans and strings as JSON. */
    public static void writeValue(final JsonGenerator g, final Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map) {
            g.writeStartObject();
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Collection) {
            g.writeStartArray();
            for (final Object o : (Collection<?>) v) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number) {
            g.writeNumber(((Number) v).doubleValue());
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else {
            g.writeString(v.toString());
        }
    }
}
