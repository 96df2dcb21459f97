package io.vigie.rules.eval;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.RuleConfig;
import io.vigie.rules.TestSupport;
import io.vigie.rules.correlation.CorrelationCompiler;
import io.vigie.rules.correlation.CorrelationEngine;
import io.vigie.rules.correlation.CorrelationSet;
import io.vigie.rules.ioc.IndicatorLoader;
import io.vigie.rules.ioc.IndicatorSet;
import io.vigie.rules.load.RuleLoadResult;
import io.vigie.rules.load.RuleSetLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generation swaps (Sigma + correlations adopted together, base rules re-bound by their new indexes) and IoC. */
@Timeout(30)
class SigmaDetectorReloadTest {
    private static final String FAILED = String.join("\n",
        "title: Failed password",
        "id: 11111111-1111-1111-1111-111111111111",
        "name: failed_password",
        "logsource: {product: linux, service: sshd}",
        "detection:",
        "  keywords: ['Failed password']",
        "  condition: keywords",
        "");
    private static final String WEB = String.join("\n",
        "title: Webshell",
        "id: 22222222-2222-2222-2222-222222222222",
        "name: webshell",
        "logsource: {category: webserver}",
        "detection:",
        "  selection: {cs-uri-query|contains: 'cmd='}",
        "  condition: selection",
        "");
    private static final String OTHER = String.join("\n",
        "title: Other",
        "id: 33333333-3333-3333-3333-333333333333",
        "logsource: {product: linux}",
        "detection:",
        "  keywords: ['never']",
        "  condition: keywords",
        "");
    private static final String CORR_A = String.join("\n",
        "title: three failures",
        "id: 44444444-4444-4444-4444-444444444444",
        "correlation: {type: event_count, rules: [failed_password], group-by: [source.ip],",
        "  timespan: 10m, condition: {gte: 3}}",
        "");
    /** Changed (one more reference) but compatible: same type, group-by and timespan, so its window is kept. */
    private static final String CORR_B =
        CORR_A.replace("rules: [failed_password]", "rules: [failed_password, webshell]");

    private static RuleLoadResult load(final String... docs) {
        return RuleSetLoader.loadText("t.yml", String.join("---\n", docs), new RuleConfig());
    }

    private static CorrelationSet correlations(final RuleLoadResult r) {
        return new CorrelationCompiler().compile(r.correlations(), r.ruleSet());
    }

    private static TelemetryEvent ssh(final long seq, final String ip) {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.seq = seq;
        e.receivedNanos = 1_000_000_000L + seq;
        e.timestampNanos = 2_000_000_000L + seq;
        e.tlp = Tlp.GREEN.ordinal();
        e.logProduct = Logsources.LINUX;
        e.logService = Logsources.SSHD;
        TestSupport.put(e, "message", "Failed password for root from " + ip + " port 22 ssh2");
        TestSupport.put(e, "source.ip", ip);
        return e;
    }

    @Test
    void shouldRebindBaseRulesByTheirNewIndexesAndKeepUnchangedWindows() {
        final RuleLoadResult a = load(FAILED, OTHER, CORR_A);
        final RuleLoadResult b = load(OTHER, FAILED, WEB, CORR_B);
        assertEquals(2, a.ruleSet().size());
        assertEquals(3, b.ruleSet().size());
        final CorrelationSet ca = correlations(a);
        final SigmaDetectorFactory f = new SigmaDetectorFactory(a.ruleSet(), "soc");
        f.correlationHooks(o -> new CorrelationEngine(ca));
        final SigmaDetector d = (SigmaDetector) f.create(0, 1);
        final List<Alert> alerts = new ArrayList<>();
        d.onEvent(ssh(1, "203.0.113.7"), alerts::add);
        d.onEvent(ssh(2, "203.0.113.7"), alerts::add);
        d.onBatchEnd(0, alerts::add);
        assertTrue(alerts.stream().noneMatch(x -> x.ruleType.equals("event_count")), alerts.toString());

        // failed_password moves from index 0 to 1; index 0 is now "Other", which must not feed the correlation.
        assertEquals(1, f.swap(b.ruleSet(), correlations(b)));
        assertEquals(0, f.adoptedGeneration());
        d.onBatchEnd(0, alerts::add);
        assertEquals(1, f.adoptedGeneration());
        final TelemetryEvent other = ssh(3, "203.0.113.7");
        other.clearFields();
        TestSupport.put(other, "message", "never");
        TestSupport.put(other, "source.ip", "203.0.113.7");
        alerts.clear();
        d.onEvent(other, alerts::add);
        assertEquals(List.of("Other"), alerts.stream().map(x -> x.ruleTitle).toList());
        alerts.clear();
        d.onEvent(ssh(4, "203.0.113.7"), alerts::add);
        final List<Alert> corr = alerts.stream().filter(x -> x.ruleType.equals("event_count")).toList();
        assertEquals(1, corr.size(), alerts.toString());
        assertEquals(3, corr.get(0).count);
        assertFalse(corr.get(0).extra.containsKey("restarted"), "window kept: the rule changed only its references");
    }

    @Test
    void shouldMatchIndicatorsOfTheCurrentSetOnTheSequenceOwner() {
        final IndicatorLoader.Result feed = IndicatorLoader.parse("feed", "203.0.113.7\n".getBytes(
            StandardCharsets.UTF_8), IndicatorLoader.Format.PLAIN, Tlp.AMBER);
        final AtomicReference<IndicatorSet> sets = new AtomicReference<>(IndicatorLoader.build(List.of(feed)));
        final SigmaDetectorFactory f = new SigmaDetectorFactory(load(OTHER).ruleSet(), "soc");
        f.indicators(sets, "critical");
        final SigmaDetector w0 = (SigmaDetector) f.create(0, 2);
        final SigmaDetector w1 = (SigmaDetector) f.create(1, 2);
        final List<Alert> alerts = new ArrayList<>();
        w0.onEvent(ssh(4, "203.0.113.7"), alerts::add);
        w1.onEvent(ssh(4, "203.0.113.7"), alerts::add);
        assertEquals(1, alerts.size(), "one worker owns seq 4");
        final Alert a = alerts.get(0);
        assertEquals("ioc", a.ruleType);
        assertEquals("ioc:feed", a.ruleId);
        assertEquals("critical", a.ruleLevel);
        assertEquals(Tlp.AMBER, a.tlp);
        sets.set(IndicatorSet.EMPTY);
        w0.onEvent(ssh(6, "203.0.113.7"), alerts::add);
        assertEquals(1, alerts.size());
    }
}
