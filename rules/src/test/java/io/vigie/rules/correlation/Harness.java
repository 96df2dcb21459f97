package io.vigie.rules.correlation;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.load.RawDocument;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test driver: parses multi-document YAML (correlations and their base rules), compiles the correlations, binds
 * the base rules to one or more engines (one per simulated worker) and feeds events as if the detector had matched
 * them, routing each to the workers that own it.
 */
final class Harness {
    static final long BASE = TimeUnit.DAYS.toNanos(20_000);

    final List<RawDocument> correlations = new ArrayList<>();
    final List<BaseRule> baseRules = new ArrayList<>();
    final Map<String, Integer> ruleIndex = new LinkedHashMap<>();
    CorrelationSet set;
    CorrelationEngine[] engines;
    final List<Alert> alerts = new ArrayList<>();
    /** One sink for every match, as a rule worker has (the match pipeline applies queued matches to it). */
    final io.vigie.engine.detect.AlertSink sink = alerts::add;
    /** Feed matches by {@code onMatchInBatch} (as a rule worker does) instead of {@code onMatch}. */
    boolean inBatch;
    long seq;

    Harness(final String yaml) {
        this(yaml, new CorrelationConfig(), 1);
    }

    Harness(final String yaml, final CorrelationConfig config, final int workers) {
        split(yaml, "test.yml", correlations, baseRules);
        for (final BaseRule b : baseRules) {
            ruleIndex.put(b.name() != null ? b.name() : b.id(), b.index());
        }
        set = new CorrelationCompiler(java.util.function.Function.identity(), config).compile(correlations, baseRules);
        engines = new CorrelationEngine[workers];
        for (int w = 0; w < workers; w++) {
            engines[w] = new CorrelationEngine(set);
            for (final BaseRule b : baseRules) {
                engines[w].wants(b.index(), b.id(), b.name());
            }
        }
    }

    static List<Map<String, Object>> yamlDocs(final String yaml) {
        final List<Map<String, Object>> out = new ArrayList<>();
        for (final Object o : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
            if (o instanceof Map) {
                @SuppressWarnings("unchecked") final Map<String, Object> m = (Map<String, Object>) o;
                out.add(m);
            }
        }
        return out;
    }

    /** Splits documents into correlation documents and base-rule descriptors. */
    static void split(final String yaml, final String source, final List<RawDocument> corr,
                      final List<BaseRule> base) {
        int n = 0;
        for (final Map<String, Object> m : yamlDocs(yaml)) {
            n++;
            if (m.containsKey("correlation")) {
                corr.add(new RawDocument(source + "#" + n, m));
            } else {
                final List<String> tags = new ArrayList<>();
                if (m.get("tags") instanceof List) {
                    for (final Object t : (List<?>) m.get("tags")) {
                        tags.add(String.valueOf(t));
                    }
                }
                base.add(new BaseRule(base.size(), str(m.get("id")), str(m.get("name")), str(m.get("title")),
                    str(m.get("level")), str(m.get("author")), tags, null));
            }
        }
    }

    static String str(final Object o) {
        return o == null ? null : String.valueOf(o);
    }

    static Path corpus() {
        final String p = System.getProperty("vigie.corpus");
        final Path path = p != null ? Paths.get(p) : Paths.get("../../shared/corpus");
        return Files.isDirectory(path) ? path : Paths.get("/work/shared/corpus");
    }

    static String read(final Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An event at {@code seconds} after a fixed base time, with field name/value pairs. */
    TelemetryEvent event(final double seconds, final String... kv) {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.timestampNanos = BASE + (long) (seconds * 1e9);
        e.receivedNanos = e.timestampNanos;
        e.seq = seq++;
        for (int i = 0; i < kv.length; i += 2) {
            final byte[] v = kv[i + 1].getBytes(StandardCharsets.UTF_8);
            e.addField(Fields.id(kv[i]), v, 0, v.length);
        }
        return e;
    }

    /** Feeds a match of base rule {@code rule} to every worker that owns it. */
    void match(final String rule, final TelemetryEvent e) {
        final int idx = ruleIndex.get(rule);
        for (int w = 0; w < engines.length; w++) {
            if (!engines[w].owns(idx, e, w, engines.length)) {
                continue;
            }
            if (inBatch) {
                engines[w].onMatchInBatch(idx, e, sink);
            } else {
                engines[w].onMatch(idx, e, sink);
            }
        }
    }

    void match(final String rule, final double seconds, final String... kv) {
        match(rule, event(seconds, kv));
    }

    void batchEnd(final long now) {
        for (final CorrelationEngine en : engines) {
            en.onBatchEnd(now, alerts::add);
        }
    }

    void flush() {
        for (final CorrelationEngine en : engines) {
            en.flush(alerts::add);
        }
    }

    CorrelationEngine engine() {
        return engines[0];
    }

    /** Distinct alert ids, in order of first appearance. */
    List<String> alertIds() {
        final List<String> ids = new ArrayList<>();
        for (final Alert a : alerts) {
            if (!ids.contains(a.alertId)) {
                ids.add(a.alertId);
            }
        }
        return ids;
    }

    /** The last emission of each alert id. */
    List<Alert> latest() {
        final Map<String, Alert> m = new LinkedHashMap<>();
        for (final Alert a : alerts) {
            m.put(a.alertId, a);
        }
        return new ArrayList<>(m.values());
    }

    /** A comparable rendering of an alert without its wall-clock time. */
    static String render(final Alert a) {
        return a.alertId + " " + a.ruleId + " " + a.ruleType + " " + a.group + " count=" + a.count + " first="
            + a.firstSeenNanos + " last=" + a.lastSeenNanos + " events=" + a.events + " tlp=" + a.tlp + " extra="
            + a.extra;
    }
}
