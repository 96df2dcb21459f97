package io.vigie.rules.load;

import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.RuleConfig;
import io.vigie.rules.TestSupport;
import io.vigie.rules.compile.CompiledRule;
import io.vigie.rules.compile.FieldMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleSetLoaderTest {
    private static RuleStatus only(final String yaml) {
        final RuleLoadResult r = RuleSetLoader.loadText("x.yml", yaml, new RuleConfig());
        assertEquals(1, r.statuses().size(), r.statuses().toString());
        return r.statuses().get(0);
    }

    @Test
    @Timeout(30)
    void shouldGiveOneStatusPerDocumentAndNeverThrow(@TempDir final Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/one.yml"), "title: t\nlogsource: {product: linux}\n"
            + "detection: {k: [x], condition: k}\n");
        Files.writeString(dir.resolve("a/b/two.yaml"), "title: a\ndetection: {s: {f: 1}, condition: s}\n---\n"
            + "title: b\ndetection: {s: {f|nope: 1}, condition: s}\n---\ntitle: c\ncorrelation: {type: event_count}\n"
            + "---\ntitle: d\nfilter: {rules: [a]}\nlogsource: {product: linux}\n");
        Files.writeString(dir.resolve("a/bad.yml"), "title: [unclosed\n");
        Files.writeString(dir.resolve("a/ignored.txt"), "not a rule");
        final RuleLoadResult r = RuleSetLoader.load(List.of(dir), new RuleConfig());
        assertEquals(5, r.statuses().size(), r.statuses().toString());
        assertEquals(2, r.ruleSet().size());
        assertEquals(1, r.correlations().size());
        assertTrue(r.correlations().get(0).source().endsWith("two.yaml#3"));
        final Map<String, RuleStatus> bySource = new java.util.HashMap<>();
        for (final RuleStatus s : r.statuses()) {
            bySource.put(dir.relativize(Path.of(s.source())).toString(), s);
        }
        assertEquals(RuleStatus.Kind.INVALID, bySource.get("a/bad.yml").kind());
        assertTrue(bySource.get("a/bad.yml").reason().startsWith("yaml:"));
        assertEquals(RuleStatus.Kind.OK, bySource.get("a/b/two.yaml#1").kind());
        assertEquals("unknown modifier 'nope'", bySource.get("a/b/two.yaml#2").reason());
        assertEquals(RuleStatus.Kind.INVALID, bySource.get("a/b/two.yaml#4").kind(), "filter without condition");
        assertEquals(RuleStatus.Kind.OK, bySource.get("a/one.yml").kind());
    }

    /** Sigma global filter (spec example, tests/schema/filter/filter_1.yml): rule and not filter. */
    @Test
    @Timeout(30)
    void shouldApplyGlobalFilterToTheRulesItNames() throws Exception {
        final String filter = Files.readString(TestSupport.corpus()
            .resolve("sigma/specification/tests/schema/filter/filter_1.yml"));
        final String rules = "title: rar\nid: 6f3e2987-db24-4c78-a860-b4f4095a7095\n"
            + "logsource: {category: process_creation, product: windows}\n"
            + "detection: {s: {Image|endswith: '\\\\rar.exe'}, condition: s}\n---\n"
            + "title: other\nid: 00000000-0000-0000-0000-000000000000\n"
            + "logsource: {category: process_creation, product: windows}\n"
            + "detection: {s: {Image|endswith: '\\\\rar.exe'}, condition: s}\n";
        final RuleLoadResult r = RuleSetLoader.loadText("rules.yml", rules + "---\n" + filter, new RuleConfig());
        assertEquals(3, r.count(RuleStatus.Kind.OK), r.statuses().toString());
        assertEquals(2, r.ruleSet().size());
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.logProduct = Logsources.WINDOWS;
        e.logCategory = Logsources.id("process_creation");
        TestSupport.put(e, "Image", "C:\\tools\\rar.exe");
        TestSupport.put(e, "User", "adm_alice");
        assertFalse(r.ruleSet().rule(0).matches(e), "filtered");
        assertTrue(r.ruleSet().rule(1).matches(e), "not named by the filter");
        e.clearFields();
        TestSupport.put(e, "Image", "C:\\tools\\rar.exe");
        TestSupport.put(e, "User", "bob");
        assertTrue(r.ruleSet().rule(0).matches(e));
    }

    @Test
    void shouldRefuseV1AggregationsAndUnknownConstructsWithReasons() {
        final String v1 = "sigma v1 aggregation: use a v2 correlation rule";
        // A v1 count without timeframe has no v2 equivalent (unbounded window): refused with the translator's reason.
        assertEquals("sigma v1 aggregation not translatable to v2: aggregation without timeframe (unbounded window) "
            + "has no v2 equivalent",
            only("title: t\ndetection: {s: {a: 1}, condition: 's | count() by b > 5'}\n").reason());
        assertEquals(v1, only("title: t\ndetection: {s: {a: 1}, timeframe: 5m, condition: s}\n").reason());
        assertEquals(v1, only("title: t\ndetection: {s: {a: 1}, t: {b: 2}, condition: s near t}\n").reason());
        assertEquals("time modifier 'hour' not supported",
            only("title: t\ndetection: {s: {a|hour: 1}, condition: s}\n").reason());
        assertEquals("placeholder %Servers% has no value (expand modifier)",
            only("title: t\ndetection: {s: {a|expand: '%Servers%'}, condition: s}\n").reason());
        assertEquals(RuleStatus.Kind.INVALID, only("title: t\ndetection: {s: {a: 1}, condition: any of s}\n").kind());
        assertEquals(RuleStatus.Kind.INVALID, only("title: t\ndetection: {s: {a: [x, null]}, condition: s}\n")
            .kind());
        assertEquals(RuleStatus.Kind.UNSUPPORTED,
            only("title: t\ndetection: {s: {a|re: '(?<=x)y'}, condition: s}\n").kind());
        assertEquals(RuleStatus.Kind.UNSUPPORTED, only("action: global\ntitle: t\n").kind());
    }

    @Test
    void shouldKeepYesAsAStringAndIgnoreNonStandardKeys() {
        final RuleLoadResult r = RuleSetLoader.loadText("x.yml", "title: t\nsample-evtx: '<Event/>'\n"
            + "detection: {s: {flag: yes}, condition: s}\n", new RuleConfig());
        final CompiledRule rule = r.ruleSet().rule(0);
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        TestSupport.put(e, "flag", "YES");
        assertTrue(rule.matches(e));
    }

    @Test
    void shouldMapTaxonomyFieldsPerLogsourceWithOverrides() {
        final FieldMapping m = new FieldMapping(Map.of("User", "custom.user"));
        assertEquals(List.of("url.query", "cs-uri-query"), m.resolve("cs-uri-query", null, "webserver", null));
        assertEquals(List.of("user_agent.original", "c-useragent"), m.resolve("c-useragent", null, "proxy", null));
        assertEquals(List.of("destination.port", "dst_port"), m.resolve("dst_port", null, "firewall", null));
        assertEquals(List.of("source.ip", "src_ip"), m.resolve("src_ip", "fortigate", null, null));
        assertEquals(List.of("dns.question.name", "query"), m.resolve("query", null, "dns", null));
        assertEquals(List.of("auditd.SYSCALL", "SYSCALL"), m.resolve("SYSCALL", "linux", null, "auditd"));
        assertEquals(List.of("process.command_line", "CommandLine"),
            m.resolve("CommandLine", "linux", "process_creation", null));
        assertEquals(List.of("CommandLine"), m.resolve("CommandLine", "windows", "process_creation", null));
        assertEquals(List.of("custom.user", "User"), m.resolve("User", "linux", "process_creation", null));

        final RuleLoadResult r = RuleSetLoader.loadText("x.yml", "title: t\nlogsource: {category: proxy}\n"
            + "detection: {s: {c-uri|contains: '/evil'}, condition: s}\n", new RuleConfig());
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.logCategory = Logsources.PROXY;
        TestSupport.put(e, "url.original", "http://x/EVIL.php");
        assertTrue(r.ruleSet().rule(0).matches(e));
        e.logCategory = Logsources.WEBSERVER;
        assertFalse(r.ruleSet().rule(0).matches(e), "routed by logsource");
    }
}
