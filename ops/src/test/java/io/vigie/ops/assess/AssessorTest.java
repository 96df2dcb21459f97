package io.vigie.ops.assess;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.status.DropReason;
import io.vigie.engine.status.EngineCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class AssessorTest {
    private static final long T0 = 1_767_225_600_000_000_000L;

    private static Alert alert() {
        final Alert a = new Alert();
        a.alertId = "x-1";
        a.soc = "soc-fr-1";
        a.ruleId = "r1";
        a.ruleTitle = "Rule";
        a.ruleLevel = "medium";
        a.ruleType = "detection";
        a.tlp = Tlp.GREEN;
        a.firstSeenNanos = T0;
        a.lastSeenNanos = T0;
        a.timeNanos = T0;
        return a;
    }

    private static AssessmentSettings settings() {
        final AssessmentSettings s = new AssessmentSettings();
        s.soc = "soc-fr-1";
        s.country = "fr";
        s.sector = "energy";
        return s;
    }

    @Test
    void scopeCountsSocsSectorsAndCountries() {
        final AssessmentSettings s = settings();
        assertEquals(1, Assessor.scope(alert(), s).value);
        final Alert two = alert();
        two.extra.put("socs", List.of("soc-fr-1", "soc-fr-2"));
        assertEquals(2, Assessor.scope(two, s).value);
        final Alert sectors = alert();
        sectors.extra.put("sectors", List.of("health"));
        assertEquals(3, Assessor.scope(sectors, s).value);
        final Alert countries = alert();
        countries.extra.put("countries", "DE");
        assertEquals(4, Assessor.scope(countries, s).value);
        final Alert eu = alert();
        eu.extra.put("federation", Map.of("countries", List.of("DE", "it")));
        final Assessor.Criterion c = Assessor.scope(eu, s);
        assertEquals(5, c.value);
        assertEquals(List.of("DE", "FR", "IT"), c.facts.get("countries"));
    }

    @Test
    void scaleCountsDistinctTargetsNotTheAttacker() {
        final Alert a = alert();
        a.group.put("source.ip", "203.0.113.7");
        assertEquals(0, Assessor.scale(a, Assessor.evidence(a)).value);
        a.extra.put("event", Map.of("host.name", "web-1", "user.name", "root"));
        final Assessor.Criterion c = Assessor.scale(a, Assessor.evidence(a));
        assertEquals(2, c.value);
        assertEquals(1, c.facts.get("hosts"));
        assertEquals(1, c.facts.get("users"));
        final Alert spray = alert();
        spray.ruleType = "value_count";
        spray.extra.put("value", 40L);
        assertEquals(4, Assessor.scale(spray, Assessor.evidence(spray)).value);
        spray.extra.put("value", 100L);
        assertEquals(5, Assessor.scale(spray, Assessor.evidence(spray)).value);
    }

    @Test
    void durationFollowsTheScale() {
        final long[] seconds = {0, 30, 600, 7200, 2 * 86_400, 8 * 86_400};
        for (int v = 0; v < seconds.length; v++) {
            final Alert a = alert();
            a.lastSeenNanos = a.firstSeenNanos + seconds[v] * 1_000_000_000L;
            assertEquals(v, Assessor.duration(a).value, "seconds=" + seconds[v]);
            assertEquals(seconds[v], Assessor.durationSeconds(a));
        }
    }

    @Test
    void intensityUsesTheMeanAndThePeakBetweenUpdates() {
        final Assessor as = new Assessor(settings(), null, () -> T0 / 1_000_000);
        final Alert a = alert();
        a.count = 1;
        assertEquals(0, criterion(as.assess(a), "intensity"));
        final Alert brute = alert();
        brute.alertId = "brute";
        brute.count = 50;
        brute.lastSeenNanos = brute.firstSeenNanos + 60_000_000_000L;
        assertEquals(2, criterion(as.assess(brute), "intensity"));
        // Next update: 5,000 more events in the following minute; the mean stays lower than the peak.
        final Alert update = alert();
        update.alertId = "brute";
        update.count = 5050;
        update.lastSeenNanos = update.firstSeenNanos + 120_000_000_000L;
        final Map<String, Object> r = as.assess(update);
        assertEquals(4, criterion(r, "intensity"));
    }

    @Test
    void complexityCountsTacticsAndMultiStage() {
        final Alert a = alert();
        a.tags.addAll(List.of("attack.initial-access", "attack.t1110.001", "attack.credential_access",
            "attack.execution", "cve.2021-44228"));
        assertEquals(3, Assessor.complexity(a).value);
        a.ruleType = "temporal_ordered";
        assertEquals(4, Assessor.complexity(a).value);
        a.tags.addAll(List.of("attack.persistence", "attack.discovery"));
        assertEquals(5, Assessor.complexity(a).value);
    }

    @Test
    void sophisticationAddsLevelRarityAndTechniques() {
        final Alert a = alert();
        a.ruleLevel = "critical";
        a.tags.addAll(List.of("attack.t1110", "attack.t1078.003"));
        assertEquals(5, Assessor.sophistication(a, 0, 24).value);
        assertEquals(4, Assessor.sophistication(a, 3, 24).value);
        assertEquals(3, Assessor.sophistication(a, 10, 24).value);
        a.ruleLevel = "low";
        a.tags.clear();
        assertEquals(0, Assessor.sophistication(a, 10, 24).value);
        assertEquals(List.of("T1078.003", "T1110"), Assessor.techniques(List.of("attack.t1110", "attack.t1078.003",
            "attack.t12", "attack.execution")));
    }

    @Test
    void rarityIsRememberedPerRuleAndUpdatesDoNotCount() {
        final AtomicLong now = new AtomicLong(T0 / 1_000_000);
        final Assessor as = new Assessor(settings(), null, now::get);
        final Alert first = alert();
        assertEquals(0L, fact(as.assess(first), "sophistication", "rule_fired_before"));
        assertEquals(0L, fact(as.assess(first), "sophistication", "rule_fired_before"), "an update of x-1");
        for (int i = 2; i <= 12; i++) {
            final Alert a = alert();
            a.alertId = "x-" + i;
            assertEquals((long) (i - 1), fact(as.assess(a), "sophistication", "rule_fired_before"));
        }
        now.addAndGet(25L * 3_600_000);
        final Alert later = alert();
        later.alertId = "x-later";
        assertEquals(0L, fact(as.assess(later), "sophistication", "rule_fired_before"), "window passed");
    }

    @Test
    void impactIsAssetCriticalityTimesOutcome() {
        final AssessmentSettings s = settings();
        s.assets.add(new AssessmentSettings.Asset("scada-01", 5));
        s.assets.add(new AssessmentSettings.Asset("10.1.0.0/16", 4));
        s.assets.add(new AssessmentSettings.Asset("2001:db8::/32", 3));
        final AssetMap assets = new AssetMap(s.assets, 1);
        final Alert a = alert();
        a.extra.put("event", new LinkedHashMap<>(Map.of("host.name", "SCADA-01", "event.outcome", "success")));
        Assessor.Criterion c = Assessor.impact(a, Assessor.evidence(a), assets);
        assertEquals(5, c.value);
        assertEquals("scada-01", c.facts.get("asset_match"));
        final Alert failed = alert();
        failed.group.put("destination.ip", "10.1.2.3");
        failed.extra.put("event", Map.of("event.outcome", "failure"));
        assertEquals(2, Assessor.impact(failed, Assessor.evidence(failed), assets).value);
        final Alert ordered = alert();
        ordered.ruleType = "temporal_ordered";
        ordered.group.put("destination.ip", "10.1.200.3");
        c = Assessor.impact(ordered, Assessor.evidence(ordered), assets);
        assertEquals(4, c.value);
        assertEquals("sequence_completed", c.facts.get("outcome"));
        final Alert v6 = alert();
        v6.group.put("destination.ip", "2001:db8::1");
        assertEquals(2, Assessor.impact(v6, Assessor.evidence(v6), assets).value, "3 x 0.75 rounds to 2");
        final Alert unknown = alert();
        unknown.group.put("host.name", "printer");
        assertEquals(1, Assessor.impact(unknown, Assessor.evidence(unknown), assets).value);
        assertEquals(null, AssetMap.ipLiteral("scada-01"));
        assertEquals(null, AssetMap.ipLiteral("256.1.1.1"));
    }

    @Test
    void scoreAndSeverityFollowTheWeightsAndThresholds() {
        final Map<String, Assessor.Criterion> c = new LinkedHashMap<>();
        for (final String k : AssessmentSettings.CRITERIA) {
            c.put(k, new Assessor.Criterion(0, Map.of()));
        }
        final Map<String, Double> w = AssessmentSettings.defaultWeights();
        assertEquals(0, Assessor.score(c, w));
        c.put("impact", new Assessor.Criterion(5, Map.of()));
        // 2 * 5 / (5 * 7.5) = 26.7 %
        assertEquals(27, Assessor.score(c, w));
        assertEquals("medium", Assessor.severity(27, AssessmentSettings.defaultThresholds()));
        assertEquals("low", Assessor.severity(24, AssessmentSettings.defaultThresholds()));
        assertEquals("high", Assessor.severity(50, AssessmentSettings.defaultThresholds()));
        assertEquals("critical", Assessor.severity(75, AssessmentSettings.defaultThresholds()));
        final Map<String, Double> onlyImpact = AssessmentSettings.parseWeights(Map.of("scope", "0", "scale", "0",
            "duration", "0", "intensity", "0", "complexity", "0", "sophistication", "0"));
        assertEquals(100, Assessor.score(c, onlyImpact));
        final Map<String, Integer> strict = AssessmentSettings.parseThresholds(Map.of("critical", "95"));
        assertEquals("high", Assessor.severity(90, strict));
        assertThrows(IllegalArgumentException.class, () -> AssessmentSettings.parseWeights(Map.of("fame", "1")));
        assertThrows(IllegalArgumentException.class, () -> AssessmentSettings.parseThresholds(Map.of("high", "10")));
    }

    @Test
    void completenessReportsDropsEvictionAndLateEvents() {
        final EngineCounters counters = new EngineCounters();
        final var listener = counters.listener("syslog");
        final AtomicLong now = new AtomicLong(T0 / 1_000_000);
        final Assessor as = new Assessor(settings(), counters, now::get);
        as.sampleDrops();
        listener.onDropped(DropReason.RING_FULL, 3);
        now.addAndGet(10_000);
        final Alert before = alert();
        before.firstSeenNanos = T0 - 60_000_000_000L;
        before.lastSeenNanos = T0 + 5_000_000_000L;
        before.extra.put("evicted", true);
        before.extra.put("late_events", 4L);
        Map<String, Object> c = completeness(as.assess(before));
        assertEquals(true, c.get("input_dropped"));
        assertEquals(3L, c.get("dropped_events"));
        assertEquals(true, c.get("state_evicted"));
        assertEquals(4L, c.get("late_events"));
        // An alert whose window starts after the drops sees none.
        final Alert after = alert();
        after.alertId = "x-2";
        after.firstSeenNanos = T0 + 10_000_000_000L;
        after.lastSeenNanos = after.firstSeenNanos;
        c = completeness(as.assess(after));
        assertFalse((Boolean) c.get("input_dropped"));
        assertEquals(false, c.get("state_evicted"));
        assertEquals(0L, c.get("late_events"));
    }

    @Test
    void assessmentHasTheContractKeysAndNeverAttributes() {
        final Assessor as = new Assessor(settings(), null);
        final Alert a = alert();
        as.enrich(a);
        for (final String k : List.of("severity", "score", "scope", "scale", "duration_s", "duration", "intensity",
            "complexity", "sophistication", "impact", "completeness", "note")) {
            assertTrue(a.assessment.containsKey(k), k);
        }
        assertEquals(Assessor.NOTE, a.assessment.get("note"));
        assertFalse(a.assessment.containsKey("actor"));
        assertFalse(a.assessment.containsKey("attribution"));
    }

    @SuppressWarnings("unchecked")
    private static int criterion(final Map<String, Object> assessment, final String name) {
        return (Integer) ((Map<String, Object>) assessment.get(name)).get("value");
    }

    @SuppressWarnings("unchecked")
    private static Object fact(final Map<String, Object> assessment, final String name, final String fact) {
        final Object v = ((Map<String, Object>) ((Map<String, Object>) assessment.get(name)).get("facts")).get(fact);
        return v instanceof Integer ? Long.valueOf((Integer) v) : v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> completeness(final Map<String, Object> assessment) {
        return (Map<String, Object>) assessment.get("completeness");
    }
}
