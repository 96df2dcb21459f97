package io.vigie.ingest.codec.syslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vigie.engine.ring.TelemetryEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers: the shared corpus directory, a tiny JSON reader (jackson-core), events from strings. */
public final class TestCorpus {
    private static final JsonFactory JSON = new JsonFactory();

    private TestCorpus() {
    }

    /** The corpus directory: system property {@code vigie.corpus}, else {@code ../../shared/corpus}. */
    public static Path dir() {
        final String p = System.getProperty("vigie.corpus");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        return Path.of("../../shared/corpus").toAbsolutePath().normalize();
    }

    /** Reads a JSON document into maps, lists, strings, numbers, booleans and nulls. */
    public static Object readJson(final Path file) throws IOException {
        try (JsonParser p = JSON.createParser(file.toFile())) {
            p.nextToken();
            return value(p);
        }
    }

    private static Object value(final JsonParser p) throws IOException {
        final JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                final Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    final String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                return m;
            }
            case START_ARRAY: {
                final List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                return l;
            }
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

    /** A fresh event holding {@code line} as its raw bytes. */
    public static TelemetryEvent event(final String line) {
        return event(line.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh event holding {@code raw}. */
    public static TelemetryEvent event(final byte[] raw) {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.setRaw(raw, 0, raw.length);
        return e;
    }
}
