package io.vigie.rules.correlation;

import io.vigie.engine.alert.Alert;
import io.vigie.rules.load.RawDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class V1AggregationTranslatorTest {
    private static final Path LOGON = Harness.corpus().resolve(
        "sigma/hayabusa/hayabusa/builtin/Security/LogonLogoff/Logon");

    private static Map<String, Object> doc(final String yaml) {
        return Harness.yamlDocs(yaml).get(0);
    }

    @Test
    void shouldTranslateCountAggregations() {
        final V1AggregationTranslator.Result r = V1AggregationTranslator.translate(doc(
            "title: t\nid: abc\nlevel: high\ndetection:\n  sel: {EventID: 4625}\n  filter: {IpAddress: '-'}\n"
                + "  condition: sel and not filter | count(TargetUserName) by IpAddress, Workstation > 3\n"
                + "  timeframe: 5m\n"));
        assertTrue(r.ok(), r.reason());
        final Map<?, ?> corr = (Map<?, ?>) r.correlation().get("correlation");
        assertEquals("value_count", corr.get("type"));
        assertEquals(List.of("IpAddress", "Workstation"), corr.get("group-by"));
        assertEquals(Map.of("gt", 3L, "field", "TargetUserName"), corr.get("condition"));
        assertEquals("5m", corr.get("timespan"));
        assertEquals("abc", r.correlation().get("id"));
        assertEquals("high", r.correlation().get("level"));
        final Map<?, ?> det = (Map<?, ?>) r.baseRule().get("detection");
        assertEquals("sel and not filter", det.get("condition"));
        assertFalse(det.containsKey("timeframe"));
        assertEquals(List.of(r.baseRule().get("name")), corr.get("rules"));
    }

    @Test
    void shouldRefuseWithAReason() {
        assertRefused("condition: a | near b and c\n  timeframe: 1m", "near");
        assertRefused("condition: a | max(x) by y > 3\n  timeframe: 1m", "max() aggregation");
        assertRefused("condition: a | count() by y > 3", "without timeframe");
        assertRefused("condition: a | count() by y\n  timeframe: 1m", "without a comparison");
        assertRefused("condition: a | count() > lots\n  timeframe: 1m", "not a number");
        assertRefused("condition: a\n  timeframe: 1m", "no aggregation");
        final V1AggregationTranslator.Result sum = V1AggregationTranslator.translate(doc(
            "title: s\ndetection:\n  a: {x: 1}\n  condition: a | sum(bytes) by host >= 1000\n  timeframe: 1h\n"));
        assertTrue(sum.ok());
        assertEquals("value_sum", ((Map<?, ?>) sum.correlation().get("correlation")).get("type"));
    }

    private static void assertRefused(final String detectionTail, final String reason) {
        final V1AggregationTranslator.Result r = V1AggregationTranslator.translate(doc(
            "title: t\ndetection:\n  a: {x: 1}\n  " + detectionTail + "\n"));
        assertFalse(r.ok());
        assertTrue(r.reason().contains(reason), r.reason());
    }

    @Test
    void shouldTranslateOrRefuseEverySigmaHqPipeAggregation() throws IOException {
        final List<Path> files;
        try (Stream<Path> s = Files.walk(Harness.corpus().resolve("sigma/sigmahq/unsupported"))) {
            files = s.filter(p -> p.toString().endsWith(".yml")).sorted().collect(Collectors.toList());
        }
        int v1 = 0;
        int translated = 0;
        for (final Path f : files) {
            for (final Map<String, Object> d : Harness.yamlDocs(Harness.read(f))) {
                if (!V1AggregationTranslator.isV1Aggregation(d)) {
                    continue;
                }
                v1++;
                final V1AggregationTranslator.Result r = V1AggregationTranslator.translate(d);
                if (r.ok()) {
                    translated++;
                    final List<RawDocument> corr = List.of(new RawDocument(f.toString(), r.correlation()));
                    final List<BaseRule> base = List.of(new BaseRule(0, String.valueOf(r.baseRule().get("id")),
                        String.valueOf(r.baseRule().get("name")), "b", null, null, List.of(), null));
                    final CorrelationSet set = new CorrelationCompiler().compile(corr, base);
                    assertEquals(1, set.size(), f + ": " + set.statuses().get(0).reason());
                } else {
                    assertNotNull(r.reason());
                }
            }
        }
        assertTrue(v1 >= 50, "v1 aggregations: " + v1);
        assertTrue(translated > 20, "translated: " + translated);
    }

    /**
     * The Hayabusa v1 rules and their v2 twins give the same alerts on events where the v2 rule's extra group-by
     * fields are constant (the v1 rules group by IpAddress only).
     */
    @Test
    void shouldMatchTheHayabusaV2TwinsOnHandMadeEvents() throws IOException {
        final String[][] pairs = {
            {"Sec_4625_Med_LogonFail_WrongPW_PW-Guessing_Cnt_Deprecated.yml",
                "Sec_4625_Med_LogonFail_WrongPW_PW-Guessing_Correlation.yml"},
            {"Sec_4625_Med_LogonFail_UserGuessing_Cnt_Deprecated.yml",
                "Sec_4625_Med_LogonFail_UserGuessing_Correlation.yml"},
            {"Sec_4648_Med_ExplicitLogon_PW-Spray_Cnt_Deprecated.yml",
                "Sec_4648_Med_ExplicitLogon_PW-Spray_Correlation.yml"},
        };
        for (final String[] pair : pairs) {
            final Map<String, Object> v1 = Harness.yamlDocs(Harness.read(LOGON.resolve(pair[0]))).get(0);
            final V1AggregationTranslator.Result tr = V1AggregationTranslator.translate(v1);
            assertTrue(tr.ok(), pair[0] + ": " + tr.reason());
            final org.snakeyaml.engine.v2.api.Dump dump = new org.snakeyaml.engine.v2.api.Dump(
                org.snakeyaml.engine.v2.api.DumpSettings.builder().build());
            final String translated = dump.dumpToString(tr.correlation()) + "---\n"
                + dump.dumpToString(tr.baseRule());
            final Harness h1 = new Harness(translated);
            final Harness h2 = new Harness(Harness.read(LOGON.resolve(pair[1])));
            assertEquals(1, h1.set.size(), pair[0] + " " + h1.set.statuses().get(0).reason());
            assertEquals(1, h2.set.size());
            final String base1 = h1.baseRules.get(0).name();
            final String base2 = h2.baseRules.get(0).name();
            final Random rnd = new Random(7);
            double t = 0;
            for (int i = 0; i < 400; i++) {
                t += rnd.nextInt(40);
                final String[] kv = {"IpAddress", "192.0.2." + rnd.nextInt(4),
                    "TargetUserName", rnd.nextInt(3) == 0 ? "admin" : "user" + rnd.nextInt(8),
                    "TargetDomainName", "CORP", "LogonType", "3", "ProcessName", "-",
                    "LogonProcessName", "NtLmSsp", "WorkstationName", "WS1", "Computer", "dc01"};
                if (pair[0].contains("WrongPW")) {
                    kv[3] = "admin";
                }
                h1.match(base1, h1.event(t, kv));
                h2.match(base2, h2.event(t, kv));
            }
            h1.flush();
            h2.flush();
            final List<String> a1 = project(h1.alerts);
            assertTrue(a1.size() >= 3, pair[0] + " alerts " + a1.size());
            assertEquals(a1, project(h2.alerts), pair[0]);
        }
    }

    private static List<String> project(final List<Alert> alerts) {
        final List<String> out = new ArrayList<>();
        for (final Alert a : alerts) {
            out.add(a.ruleType + " " + a.group.get("IpAddress") + " count=" + a.count + " " + a.firstSeenNanos + "-"
                + a.lastSeenNanos + " " + a.events + " update=" + a.extra.get("update"));
        }
        return out;
    }
}
