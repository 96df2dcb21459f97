package io.vigie.rules.load;

import io.vigie.rules.RuleConfig;
import io.vigie.rules.compile.CompiledFilter;
import io.vigie.rules.compile.CompiledRule;
import io.vigie.rules.compile.RuleCompiler;
import io.vigie.rules.compile.RuleException;
import io.vigie.rules.compile.RuleSet;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads Sigma rule files (single and multi-document YAML; directories recursively, {@code *.yml} and
 * {@code *.yaml}) with a YAML 1.2 core-schema parser, so {@code yes}/{@code no}/{@code on} stay strings.
 * Never throws for a bad rule: each document gets a {@link RuleStatus}. Sigma global filters ({@code filter:}
 * documents) are applied to the rules they name among the rules loaded in the same call. Off the event path.
 */
public final class RuleSetLoader {
    /** Classpath resource listing the bundled rule pack, one resource path per line. */
    public static final String BUNDLED_INDEX = "io/vigie/rules/pack/index.txt";

    private RuleSetLoader() {
    }

    /** Loads and compiles rules from files and directories; never throws for a bad rule (see statuses). */
    public static RuleLoadResult load(final List<Path> paths, final RuleConfig config) {
        final Acc acc = new Acc(config);
        for (final Path p : paths) {
            final List<Path> files = new ArrayList<>();
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(RuleSetLoader::isYaml).sorted().forEach(files::add);
                } catch (IOException | java.io.UncheckedIOException e) {
                    acc.statuses.add(new RuleStatus(p.toString(), null, null, RuleStatus.Kind.INVALID,
                        "cannot read directory: " + e.getMessage()));
                }
            } else {
                files.add(p);
            }
            for (final Path f : files) {
                try {
                    acc.addText(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
                } catch (IOException | RuntimeException e) {
                    acc.statuses.add(new RuleStatus(f.toString(), null, null, RuleStatus.Kind.INVALID,
                        "cannot read file: " + e.getMessage()));
                }
            }
        }
        return acc.result();
    }

    /** Loads rules from YAML text (one file's content); {@code source} names it in statuses. */
    public static RuleLoadResult loadText(final String source, final String yaml, final RuleConfig config) {
        final Acc acc = new Acc(config);
        acc.addText(source, yaml);
        return acc.result();
    }

    /** Loads the bundled rule pack from the classpath (listed in {@link #BUNDLED_INDEX}). */
    public static RuleLoadResult loadBundled(final RuleConfig config) {
        final Acc acc = new Acc(config);
        final ClassLoader cl = RuleSetLoader.class.getClassLoader();
        for (final String resource : bundledResources()) {
            try (InputStream in = cl.getResourceAsStream(resource)) {
                if (in == null) {
                    acc.statuses.add(new RuleStatus(resource, null, null, RuleStatus.Kind.INVALID,
                        "bundled resource missing"));
                    continue;
                }
                acc.addText("bundled:" + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                acc.statuses.add(new RuleStatus(resource, null, null, RuleStatus.Kind.INVALID,
                    "cannot read bundled resource: " + e.getMessage()));
            }
        }
        return acc.result();
    }

    /** The resource paths of the bundled rule pack. */
    public static List<String> bundledResources() {
        final List<String> out = new ArrayList<>();
        final InputStream in = RuleSetLoader.class.getClassLoader().getResourceAsStream(BUNDLED_INDEX);
        if (in == null) {
            return out;
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                line = line.trim();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    out.add(line);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static boolean isYaml(final Path p) {
        final String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yml") || n.endsWith(".yaml");
    }

    /** YAML 1.2 core schema: only true/false are booleans, only null/~ are null. */
    static List<Object> parseAll(final String yaml) {
        // a buffer larger than the text avoids a StreamReader bug with surrogate pairs at the 1024-char boundary
        final LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema())
            .setLabel("sigma").setMaxAliasesForCollections(50).setBufferSize(Math.max(1024, yaml.length() + 16))
            .build();
        final List<Object> docs = new ArrayList<>();
        for (final Object o : new Load(settings).loadAllFromString(yaml)) {
            docs.add(o);
        }
        return docs;
    }

    /** Accumulates statuses, compiled rules and correlation documents. */
    private static final class Acc {
        final RuleCompiler compiler;
        final List<RuleStatus> statuses = new ArrayList<>();
        final List<CompiledRule> rules = new ArrayList<>();
        final List<RawDocument> correlations = new ArrayList<>();
        final List<CompiledFilter> filters = new ArrayList<>();

        Acc(final RuleConfig config) {
            this.compiler = new RuleCompiler(config);
        }

        RuleLoadResult result() {
            return new RuleLoadResult(RuleSet.of(RuleCompiler.applyFilters(rules, filters)), statuses, correlations);
        }

        @SuppressWarnings("unchecked")
        void addText(final String source, final String yaml) {
            final List<Object> docs;
            try {
                docs = parseAll(yaml);
            } catch (RuntimeException e) {
                statuses.add(new RuleStatus(source, null, null, RuleStatus.Kind.INVALID,
                    "yaml: " + oneLine(e.getMessage())));
                return;
            }
            final List<Object> present = new ArrayList<>();
            for (final Object d : docs) {
                if (d != null) {
                    present.add(d);
                }
            }
            final boolean multi = present.size() > 1;
            boolean collection = false;
            for (final Object d : present) {
                if (d instanceof Map && ((Map<?, ?>) d).containsKey("action")) {
                    collection = true;
                }
            }
            for (int i = 0; i < present.size(); i++) {
                final String src = multi ? source + "#" + (i + 1) : source;
                final Object d = present.get(i);
                if (!(d instanceof Map)) {
                    statuses.add(new RuleStatus(src, null, null, RuleStatus.Kind.INVALID,
                        "document is not a YAML map"));
                    continue;
                }
                final Map<String, Object> doc = (Map<String, Object>) d;
                final String id = RuleCompilerAccess.str(doc.get("id"));
                final String title = RuleCompilerAccess.str(doc.get("title"));
                if (doc.containsKey("correlation")) {
                    correlations.add(new RawDocument(src, doc));
                    continue;
                }
                if (collection) {
                    statuses.add(new RuleStatus(src, id, title, RuleStatus.Kind.UNSUPPORTED,
                        "sigma v1 rule collection (action: global/reset/repeat) not supported"));
                    continue;
                }
                if (doc.containsKey("filter") && !doc.containsKey("detection")) {
                    try {
                        filters.add(compiler.compileFilter(doc, src));
                        statuses.add(new RuleStatus(src, id, title, RuleStatus.Kind.OK, null));
                    } catch (RuleException e) {
                        statuses.add(new RuleStatus(src, id, title,
                            e.unsupported() ? RuleStatus.Kind.UNSUPPORTED : RuleStatus.Kind.INVALID, e.getMessage()));
                    }
                    continue;
                }
                if (io.vigie.rules.correlation.V1AggregationTranslator.isV1Aggregation(doc)) {
                    // Sigma v1 "| count() by x > N" + timeframe: translated to a v2 base rule + correlation.
                    final io.vigie.rules.correlation.V1AggregationTranslator.Result v1 =
                        io.vigie.rules.correlation.V1AggregationTranslator.translate(doc);
                    if (!v1.ok()) {
                        statuses.add(new RuleStatus(src, id, title, RuleStatus.Kind.UNSUPPORTED,
                            "sigma v1 aggregation not translatable to v2: " + v1.reason()));
                        continue;
                    }
                    try {
                        rules.add(compiler.compile(v1.baseRule(), src));
                        statuses.add(new RuleStatus(src, id, title, RuleStatus.Kind.OK, null));
                        correlations.add(new RawDocument(src + "#v2", v1.correlation()));
                    } catch (RuleException e) {
                        statuses.add(new RuleStatus(src, id, title,
                            e.unsupported() ? RuleStatus.Kind.UNSUPPORTED : RuleStatus.Kind.INVALID, e.getMessage()));
                    }
                    continue;
                }
                try {
                    rules.add(compiler.compile(doc, src));
                    statuses.add(new RuleStatus(src, id, title, RuleStatus.Kind.OK, null));
                } catch (RuleException e) {
                    statuses.add(new RuleStatus(src, id, title,
                        e.unsupported() ? RuleStatus.Kind.UNSUPPORTED : RuleStatus.Kind.INVALID, e.getMessage()));
                } catch (RuntimeException e) {
                    statuses.add(new RuleStatus(src, id, title, RuleStatus.Kind.INVALID,
                        "cannot compile: " + e));
                }
            }
        }
    }

    private static String oneLine(final String s) {
        return s == null ? "parse error" : s.replace('\n', ' ').replaceAll("\\s+", " ").trim();
    }

    /** Scalar to string, as the compiler reads metadata. */
    private static final class RuleCompilerAccess {
        static String str(final Object o) {
            return o == null ? null : String.valueOf(o);
        }
    }
}
