package io.vigie.rules.correlation;

import io.vigie.rules.load.RawDocument;
import io.vigie.rules.load.RuleStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class CorrelationCompilerTest {
    private static final Path SPEC = Harness.corpus().resolve("sigma/specification");
    private static final Path HAYABUSA = Harness.corpus().resolve(
        "sigma/hayabusa/hayabusa/builtin/Security/LogonLogoff/Logon");

    /** Compiles the correlations of a file with a stub base rule for every non-correlation reference. */
    private static CorrelationSet compileWithStubs(final String yaml, final String source) {
        final List<RawDocument> corr = new ArrayList<>();
        final List<BaseRule> base = new ArrayList<>();
        Harness.split(yaml, source, corr, base);
        final List<String> corrNames = new ArrayList<>();
        for (final RawDocument d : corr) {
            corrNames.add(Harness.str(d.yaml().get("id")));
            corrNames.add(Harness.str(d.yaml().get("name")));
        }
        for (final RawDocument d : corr) {
            final Object rules = ((Map<?, ?>) d.yaml().get("correlation")).get("rules");
            for (final Object r : (List<?>) rules) {
                final String ref = String.valueOf(r);
                final boolean known = corrNames.contains(ref)
                    || base.stream().anyMatch(b -> b.isReferencedBy(ref));
                if (!known) {
                    base.add(new BaseRule(base.size(), null, ref, ref, "low", null, List.of(), null));
                }
            }
        }
        return new CorrelationCompiler().compile(corr, base);
    }

    private static List<Path> specCorrelationFiles() throws IOException {
        final List<Path> files = new ArrayList<>();
        for (final String line : Files.readAllLines(SPEC.resolve("extracted-examples/INDEX.tsv"))) {
            final String[] cols = line.split("\t");
            if (cols.length >= 4 && cols[3].startsWith("correlation")) {
                files.add(SPEC.resolve("extracted-examples").resolve(cols[0]));
            }
        }
        try (Stream<Path> s = Files.list(SPEC.resolve("tests/schema/correlation"))) {
            files.addAll(s.sorted().collect(Collectors.toList()));
        }
        return files;
    }

    @Test
    void shouldLoadEveryCorrelationExampleOfTheSpecification() throws IOException {
        final List<Path> files = specCorrelationFiles();
        assertEquals(10 + 8, files.size(), "10 extracted correlation blocks + 8 schema samples");
        int correlations = 0;
        final java.util.Set<CorrelationType> types = java.util.EnumSet.noneOf(CorrelationType.class);
        for (final Path f : files) {
            final CorrelationSet set = compileWithStubs(Harness.read(f), f.getFileName().toString());
            for (final RuleStatus st : set.statuses()) {
                if (f.getFileName().toString().contains("block02")) {
                    // The spec's illustration of `rules:` alone (no type, group-by or timespan): not runnable.
                    assertEquals(RuleStatus.Kind.INVALID, st.kind());
                    assertEquals("correlation.type is missing", st.reason());
                    continue;
                }
                assertEquals(RuleStatus.Kind.OK, st.kind(), f + ": " + st.reason());
            }
            correlations += set.size();
            set.rules().forEach(r -> types.add(r.type()));
        }
        assertEquals(18, correlations);
        assertEquals(java.util.EnumSet.allOf(CorrelationType.class), types);
    }

    @Test
    void shouldResolveAliasesPerRule() throws IOException {
        final Path f = SPEC.resolve("extracted-examples/sigma-correlation-rules-specification__block15_L631.yml");
        final CorrelationSet set = compileWithStubs(Harness.read(f), "aliases");
        final CorrelationRule r = set.rules().get(0);
        assertEquals(List.of("internal_ip", "remote_ip"), r.groupBy());
        assertEquals(io.vigie.engine.event.Fields.id("destination.ip"), r.groupFieldIds[0][0]);
        assertEquals(io.vigie.engine.event.Fields.id("source.ip"), r.groupFieldIds[1][0]);
        assertEquals(TimeUnit.SECONDS.toNanos(10), r.timespanNanos());
    }

    @Test
    void shouldChainTheSpecificationExample() {
        final Path f = SPEC.resolve("extracted-examples/sigma-correlation-rules-specification__block16_L664.yml");
        final Harness h = new Harness(Harness.read(f));
        assertEquals(2, h.set.size());
        final CorrelationRule outer = h.set.rules().get(0);
        assertEquals(CorrelationType.TEMPORAL_ORDERED, outer.type());
        assertEquals(1, outer.innerCorrelation(0));
        assertNotNull(outer.baseRule(1));
        assertEquals("high", outer.level());
        assertTrue(h.set.suppressed(1), "inner correlation of a generate:false chain");
        assertFalse(h.set.suppressed(0));
        assertTrue(h.engine().suppressesAlert(h.ruleIndex.get("failed_login")));
        assertTrue(h.engine().suppressesAlert(h.ruleIndex.get("successful_login")));
    }

    @Test
    void shouldLoadTheHayabusaCorrelationRules() throws IOException {
        final List<Path> files;
        try (Stream<Path> s = Files.list(HAYABUSA)) {
            files = s.filter(p -> p.getFileName().toString().endsWith("_Correlation.yml")).sorted()
                .collect(Collectors.toList());
        }
        assertEquals(3, files.size());
        for (final Path f : files) {
            final Harness h = new Harness(Harness.read(f));
            assertEquals(1, h.set.size(), f.toString());
            assertEquals(RuleStatus.Kind.OK, h.set.statuses().get(0).kind(), h.set.statuses().get(0).reason());
            final CorrelationRule r = h.set.rules().get(0);
            assertEquals(TimeUnit.MINUTES.toNanos(5), r.timespanNanos());
            assertEquals("Zach Mathis", r.author());
            assertTrue(r.groupBy().contains("IpAddress"));
            assertTrue(h.engine().suppressesAlert(0));
        }
    }

    @Test
    void shouldGiveAReasonForEveryBadDocument() {
        final String yaml = String.join("\n---\n",
            "title: unknown ref\ncorrelation: {type: event_count, rules: [nope], group-by: [a], timespan: 1m, "
                + "condition: {gte: 2}}",
            "title: bad span\ncorrelation: {type: event_count, rules: [r], group-by: [a], timespan: 5x, "
                + "condition: {gte: 2}}",
            "title: no condition\ncorrelation: {type: event_count, rules: [r], group-by: [a], timespan: 5m}",
            "title: no field\ncorrelation: {type: value_sum, rules: [r], group-by: [a], timespan: 5m, "
                + "condition: {gt: 2}}",
            "title: weird type\ncorrelation: {type: value_median, rules: [r], group-by: [a], timespan: 5m}",
            "title: huge\ncorrelation: {type: value_count, rules: [r], group-by: [a], timespan: 5m, "
                + "condition: {field: b, gte: 100000}}",
            "title: bad op\ncorrelation: {type: event_count, rules: [r], group-by: [a], timespan: 5m, "
                + "condition: {above: 3}}",
            "title: cyc1\nname: c1\ncorrelation: {type: temporal, rules: [c2, r], group-by: [a], timespan: 5m}",
            "title: cyc2\nname: c2\ncorrelation: {type: temporal, rules: [c1, r], group-by: [a], timespan: 5m}",
            "title: alias\ncorrelation: {type: temporal, rules: [r, s], group-by: [ip], timespan: 5m, "
                + "aliases: {ip: {r: source.ip}}}",
            "title: good\ncorrelation: {type: event_count, rules: [r], group-by: a, timespan: 300, "
                + "condition: {gt: 1, lte: 9}}",
            "title: r\nname: r\ndetection: {sel: {a: 1}, condition: sel}",
            "title: s\nname: s\ndetection: {sel: {a: 2}, condition: sel}");
        final Harness h = new Harness(yaml);
        final List<RuleStatus> st = h.set.statuses();
        assertEquals(11, st.size());
        assertStatus(st.get(0), RuleStatus.Kind.INVALID, "unknown rule reference 'nope'");
        assertStatus(st.get(1), RuleStatus.Kind.INVALID, "bad timespan");
        assertStatus(st.get(2), RuleStatus.Kind.INVALID, "needs a condition");
        assertStatus(st.get(3), RuleStatus.Kind.INVALID, "needs condition.field");
        assertStatus(st.get(4), RuleStatus.Kind.UNSUPPORTED, "unknown correlation type");
        assertStatus(st.get(5), RuleStatus.Kind.UNSUPPORTED, "above the per-key value cap");
        assertStatus(st.get(6), RuleStatus.Kind.INVALID, "unknown condition operator");
        assertStatus(st.get(7), RuleStatus.Kind.INVALID, "cycle");
        assertStatus(st.get(8), RuleStatus.Kind.INVALID, "cycle");
        assertStatus(st.get(9), RuleStatus.Kind.INVALID, "alias 'ip' has no field for rule 's'");
        assertEquals(RuleStatus.Kind.OK, st.get(10).kind());
        assertNull(st.get(10).reason());
        assertEquals(1, h.set.size());
        assertEquals(TimeUnit.SECONDS.toNanos(300), h.set.rules().get(0).timespanNanos());
        assertTrue(h.set.rules().get(0).condition().test(9));
        assertFalse(h.set.rules().get(0).condition().test(10));
        assertFalse(h.set.rules().get(0).condition().test(1));
    }

    private static void assertStatus(final RuleStatus st, final RuleStatus.Kind kind, final String reason) {
        assertEquals(kind, st.kind(), st.title() + ": " + st.reason());
        assertTrue(st.reason().contains(reason), st.title() + ": " + st.reason());
    }

    @Test
    void shouldParseTimespans() {
        assertEquals(TimeUnit.SECONDS.toNanos(10), CorrelationCompiler.parseTimespan("10s"));
        assertEquals(TimeUnit.MINUTES.toNanos(90), CorrelationCompiler.parseTimespan("90m"));
        assertEquals(TimeUnit.HOURS.toNanos(1), CorrelationCompiler.parseTimespan("1h"));
        assertEquals(TimeUnit.DAYS.toNanos(2), CorrelationCompiler.parseTimespan("2d"));
        assertEquals(TimeUnit.SECONDS.toNanos(45), CorrelationCompiler.parseTimespan(45));
    }

    @Test
    void shouldMapFieldNamesThroughTheMapper() {
        final String yaml = "title: c\ncorrelation: {type: value_count, rules: [r], group-by: [src_ip], "
            + "timespan: 5m, condition: {field: User, gte: 3}}\n---\ntitle: r\nname: r\n";
        final List<RawDocument> corr = new ArrayList<>();
        final List<BaseRule> base = new ArrayList<>();
        Harness.split(yaml, "m", corr, base);
        final CorrelationSet set = new CorrelationCompiler(n -> Map.of("src_ip", "source.ip", "User", "user.name")
            .getOrDefault(n, n)).compile(corr, base);
        assertEquals(List.of("source.ip"), set.rules().get(0).groupBy());
        assertEquals("user.name", set.rules().get(0).valueField());
    }
}
