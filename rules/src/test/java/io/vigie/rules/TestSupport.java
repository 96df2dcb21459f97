package io.vigie.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.compile.CompiledRule;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Iterator;
import java.util.Map;

/** Test helpers: corpus location and building events from JSON (test code only). */
public final class TestSupport {
    public static final ObjectMapper JSON = new ObjectMapper();

    private TestSupport() {
    }

    /** The shared corpus directory (system property {@code vigie.corpus}, else relative to the module). */
    public static Path corpus() {
        final String p = System.getProperty("vigie.corpus");
        if (p != null && Files.isDirectory(Paths.get(p))) {
            return Paths.get(p);
        }
        return Paths.get("../../shared/corpus").toAbsolutePath().normalize();
    }

    /**
     * Builds an event from a JSON object: nested objects flattened to dotted names, arrays as multi-valued fields,
     * null as an empty value, numbers and booleans as their JSON text. Logsource from the rule.
     */
    public static TelemetryEvent event(final JsonNode json, final CompiledRule rule, final boolean dropKeySpaces) {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.seq = 0;
        e.receivedNanos = 1_700_000_000_000_000_000L;
        if (rule != null) {
            e.logProduct = Logsources.id(rule.product());
            e.logCategory = Logsources.id(rule.category());
            e.logService = Logsources.id(rule.service());
        }
        add(e, "", json, dropKeySpaces);
        return e;
    }

    private static void add(final TelemetryEvent e, final String name, final JsonNode v, final boolean dropSpaces) {
        if (v.isObject()) {
            final Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator();
            while (it.hasNext()) {
                final Map.Entry<String, JsonNode> f = it.next();
                final String key = dropSpaces ? f.getKey().replace(" ", "") : f.getKey();
                add(e, name.isEmpty() ? key : name + "." + key, f.getValue(), dropSpaces);
            }
        } else if (v.isArray()) {
            for (final JsonNode item : v) {
                add(e, name, item, dropSpaces);
            }
        } else {
            final String text = v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
            final byte[] b = text.getBytes(StandardCharsets.UTF_8);
            e.addField(Fields.id(name), b, 0, b.length);
        }
    }

    /** Adds a string field. */
    public static void put(final TelemetryEvent e, final String name, final String value) {
        final byte[] b = value.getBytes(StandardCharsets.UTF_8);
        e.addField(Fields.id(name), b, 0, b.length);
    }
}
