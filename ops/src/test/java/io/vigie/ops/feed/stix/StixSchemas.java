package io.vigie.ops.feed.stix;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The official STIX 2.1 JSON schemas of the corpus (draft 2020-12), with $ref resolved to the local files. */
public final class StixSchemas {
    private static final String ID_BASE =
        "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";
    private static final Map<String, String> FILES = Map.ofEntries(
        Map.entry("identity", "sdos/identity.json"), Map.entry("indicator", "sdos/indicator.json"),
        Map.entry("observed-data", "sdos/observed-data.json"), Map.entry("sighting", "sros/sighting.json"),
        Map.entry("marking-definition", "common/marking-definition.json"), Map.entry("bundle", "common/bundle.json"),
        Map.entry("ipv4-addr", "observables/ipv4-addr.json"), Map.entry("ipv6-addr", "observables/ipv6-addr.json"),
        Map.entry("domain-name", "observables/domain-name.json"), Map.entry("url", "observables/url.json"),
        Map.entry("file", "observables/file.json"));

    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new HashMap<>();

    public StixSchemas() {
        final Path dir = corpus().resolve("stix/schemas").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no STIX schemas at " + dir);
        }
        // Every schema file, keyed by its $id (= ID_BASE + relative path), so that relative $refs resolve locally.
        final Map<String, String> texts = new HashMap<>();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (final Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".json"))::iterator) {
                texts.put(ID_BASE + dir.relativize(f).toString().replace('\\', '/'), Files.readString(f));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b.schemas(texts));
    }

    /** The corpus directory (system property vigie.corpus, else ../../shared/corpus). */
    public static Path corpus() {
        final String p = System.getProperty("vigie.corpus");
        return p != null ? Path.of(p) : Path.of("../../shared/corpus");
    }

    /** Validation errors of one STIX object or bundle (JSON text); an unknown type is an error. */
    public synchronized List<String> validate(final String type, final String json) {
        final String file = FILES.get(type);
        if (file == null) {
            return List.of("no schema for type " + type);
        }
        final Schema s = schemas.computeIfAbsent(type, t -> registry.getSchema(SchemaLocation.of(ID_BASE + file)));
        final List<String> out = new ArrayList<>();
        for (final Error e : s.validate(json, InputFormat.JSON)) {
            out.add(type + ": " + e);
        }
        return out;
    }
}
