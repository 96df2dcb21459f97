package io.vigie.rules.eval;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.detect.AlertSink;
import io.vigie.engine.detect.Detector;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.RuleConfig;
import io.vigie.rules.TestSupport;
import io.vigie.rules.compile.RuleSet;
import io.vigie.rules.correlation.CorrelationHook;
import io.vigie.rules.load.RuleLoadResult;
import io.vigie.rules.load.RuleSetLoader;
import io.vigie.rules.load.RuleStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SigmaDetectorTest {
    private static final String RULES = String.join("\n",
        "title: Failed password",
        "id: 11111111-1111-1111-1111-111111111111",
        "name: failed_password",
        "author: Jane Doe",
        "level: high",
        "tags: [attack.t1110, tlp.amber]",
        "logsource: {product: linux, service: auth}",
        "detection:",
        "  keywords: ['Failed password']",
        "  condition: keywords",
        "---",
        "title: Webshell",
        "id: 22222222-2222-2222-2222-222222222222",
        "author: John Roe",
        "logsource: {category: webserver}",
        "detection:",
        "  selection:",
        "    cs-uri-query|contains: 'cmd='",
        "    cs-method: GET",
        "  condition: selection",
        "---",
        "title: corr",
        "correlation: {type: event_count, rules: [failed_password], group-by: [source.ip], timespan: 10m,",
        "  condition: {gte: 3}}",
        "");

    private static RuleLoadResult load() {
        final RuleLoadResult r = RuleSetLoader.loadText("test.yml", RULES, new RuleConfig());
        assertEquals(2, r.ruleSet().size(), r.statuses().toString());
        assertEquals(1, r.correlations().size());
        assertEquals("test.yml#3", r.correlations().get(0).source());
        assertEquals("test.yml#1", r.statuses().get(0).source());
        return r;
    }

    private static TelemetryEvent sshFailure(final long seq) {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.seq = seq;
        e.receivedNanos = 1_000_000_000L;
        e.timestampNanos = 2_000_000_000L;
        e.tlp = Tlp.GREEN.ordinal();
        e.logProduct = Logsources.LINUX;
        e.logService = Logsources.SSHD;
        TestSupport.put(e, "message", "Failed password for root from 203.0.113.7 port 22 ssh2");
        TestSupport.put(e, "source.ip", "203.0.113.7");
        TestSupport.put(e, "host.name", "web-1");
        return e;
    }

    @Test
    @Timeout(30)
    void shouldEmitAlertWithAttributionTlpAndEvidence() {
        final SigmaDetectorFactory f = new SigmaDetectorFactory(load().ruleSet(), "soc-fr-1");
        final Detector d = f.create(0, 1);
        final List<Alert> alerts = new ArrayList<>();
        d.onEvent(sshFailure(42), alerts::add);
        assertEquals(1, alerts.size());
        final Alert a = alerts.get(0);
        assertEquals("11111111-1111-1111-1111-111111111111", a.ruleId);
        assertEquals("Failed password", a.ruleTitle);
        assertEquals("high", a.ruleLevel);
        assertEquals("detection", a.ruleType);
        assertEquals("Jane Doe", a.ruleAuthor);
        assertEquals("soc-fr-1", a.soc);
        assertEquals(2_000_000_000L, a.firstSeenNanos);
        assertEquals(List.of("42"), a.events);
        assertEquals(Tlp.AMBER, a.tlp);
        assertEquals(List.of("attack.t1110", "tlp.amber"), a.tags);
        assertTrue(a.alertId.startsWith("soc-fr-1-"));
        final Map<?, ?> ev = (Map<?, ?>) a.extra.get("event");
        assertEquals("203.0.113.7", ev.get("source.ip"));
        assertEquals("web-1", ev.get("host.name"));

        // webserver rule through the field mapping (cs-uri-query -> url.query, cs-method -> http.request.method)
        final TelemetryEvent web = new TelemetryEvent();
        web.reset();
        web.seq = 43;
        web.logCategory = Logsources.WEBSERVER;
        TestSupport.put(web, "url.query", "x=1&cmd=id");
        TestSupport.put(web, "http.request.method", "GET");
        d.onEvent(web, alerts::add);
        assertEquals(2, alerts.size());
        assertEquals("John Roe", alerts.get(1).ruleAuthor);
        assertEquals(Tlp.CLEAR, alerts.get(1).tlp, "event labelled clear (tlp 0) and no rule tlp");
        final Map<?, ?> ev2 = (Map<?, ?>) alerts.get(1).extra.get("event");
        assertEquals("x=1&cmd=id", ev2.get("url.query"));
        assertNotEquals(a.alertId, alerts.get(1).alertId);
    }

    @Test
    @Timeout(30)
    void shouldSplitWorkBySequenceAndHandCorrelationRulesToTheOwningHook() {
        final RuleSet rules = load().ruleSet();
        final SigmaDetectorFactory f = new SigmaDetectorFactory(rules, "soc");
        final List<String> calls = new ArrayList<>();
        f.correlationHooks(ordinal -> new CorrelationHook() {
            @Override
            public boolean wants(final int ruleIndex, final String ruleId, final String ruleName) {
                calls.add(ordinal + ":wants:" + ruleIndex + ":" + ruleName);
                return "failed_password".equals(ruleName);
            }

            @Override
            public boolean owns(final int ruleIndex, final TelemetryEvent event, final int ordinal2,
                                final int workers) {
                return ordinal2 == 1;
            }

            @Override
            public void onMatch(final int ruleIndex, final TelemetryEvent event, final AlertSink sink) {
                calls.add(ordinal + ":match:" + ruleIndex);
            }

            @Override
            public boolean suppressesAlert(final int ruleIndex) {
                return true;
            }

            @Override
            public void onBatchEnd(final long nowNanos, final AlertSink sink) {
                calls.add(ordinal + ":batchEnd");
            }
        });
        final Detector w0 = f.create(0, 2);
        final Detector w1 = f.create(1, 2);
        assertTrue(calls.contains("0:wants:0:failed_password"));
        assertTrue(calls.contains("1:wants:1:null"));
        calls.clear();
        final List<Alert> alerts = new ArrayList<>();
        // seq 4 is owned by worker 0 by sequence, but the wanted rule is evaluated only by the hook owner (1)
        w0.onEvent(sshFailure(4), alerts::add);
        w1.onEvent(sshFailure(4), alerts::add);
        assertEquals(List.of("1:match:0"), calls);
        assertTrue(alerts.isEmpty(), "alert suppressed by the hook");
        w1.onBatchEnd(5, alerts::add);
        assertEquals("1:batchEnd", calls.get(1));

        // a stateless rule fires once, on the sequence owner only
        final TelemetryEvent web = new TelemetryEvent();
        web.reset();
        web.seq = 5;
        web.logCategory = Logsources.WEBSERVER;
        TestSupport.put(web, "cs-uri-query", "cmd=whoami");
        TestSupport.put(web, "cs-method", "get");
        w0.onEvent(web, alerts::add);
        w1.onEvent(web, alerts::add);
        assertEquals(1, alerts.size());
    }

    @Test
    @Timeout(30)
    void shouldSwapRuleSetAtBatchEnd() {
        final SigmaDetectorFactory f = new SigmaDetectorFactory(RuleSet.EMPTY, "soc");
        final SigmaDetector d = (SigmaDetector) f.create(0, 1);
        final List<Alert> alerts = new ArrayList<>();
        d.onEvent(sshFailure(1), alerts::add);
        assertTrue(alerts.isEmpty());
        final RuleSet rules = load().ruleSet();
        f.swap(rules);
        d.onEvent(sshFailure(2), alerts::add);
        assertTrue(alerts.isEmpty(), "not before the batch boundary");
        d.onBatchEnd(0, alerts::add);
        assertSame(rules, d.ruleSet());
        d.onEvent(sshFailure(3), alerts::add);
        assertEquals(1, alerts.size());
    }

    @Test
    @Timeout(60)
    void shouldLoadBundledPackWithAuthorsAndLicence() {
        final RuleLoadResult r = RuleSetLoader.loadBundled(new RuleConfig());
        assertEquals(308, r.statuses().size());
        assertEquals(308, r.count(RuleStatus.Kind.OK), r.statuses().toString());
        for (final var rule : r.ruleSet().rules()) {
            assertFalse(rule.author() == null || rule.author().isBlank(), rule.source());
        }
        assertTrue(getClass().getClassLoader().getResource("io/vigie/rules/pack/sigmahq/DRL-1.1.md") != null);
        assertTrue(getClass().getClassLoader().getResource("io/vigie/rules/pack/sigmahq/README.md") != null);
    }
}
