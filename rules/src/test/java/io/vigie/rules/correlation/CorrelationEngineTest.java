package io.vigie.rules.correlation;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class CorrelationEngineTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    private static final String EVENT_COUNT = "title: five failures\nid: ec-1\nlevel: high\n"
        + "tags: [attack.t1110, tlp.amber]\n"
        + "correlation: {type: event_count, rules: [failed], group-by: [source.ip], timespan: 60s, "
        + "condition: {gte: 5}}\n---\ntitle: failed\nname: failed\ntags: [attack.credential-access]\n";

    private static String ip(final Harness h, final double t, final String ip) {
        h.match("failed", t, "source.ip", ip);
        return ip;
    }

    @Test
    void shouldFireOnlyWhenFiveEventsFitInASlidingWindow() {
        final Harness h = new Harness(EVENT_COUNT);
        for (final double t : new double[] {0, 10, 20, 30}) {
            ip(h, t, "1.2.3.4");
        }
        ip(h, 61, "1.2.3.4");
        assertTrue(h.alerts.isEmpty(), "5 events but 61 s apart: the window slides past the first");
        ip(h, 62, "1.2.3.4");
        assertEquals(1, h.alerts.size());
        final Alert a = h.alerts.get(0);
        assertEquals("event_count", a.ruleType);
        assertEquals("ec-1", a.ruleId);
        assertEquals("high", a.ruleLevel);
        assertEquals(Map.of("source.ip", "1.2.3.4"), a.group);
        assertEquals(5, a.count);
        assertEquals(Harness.BASE + 10 * S, a.firstSeenNanos);
        assertEquals(Harness.BASE + 62 * S, a.lastSeenNanos);
        assertEquals(List.of("1", "2", "3", "4", "5"), a.events);
        assertEquals(Tlp.AMBER, a.tlp);
        assertTrue(a.tags.containsAll(List.of("attack.t1110", "attack.credential-access")));
        assertEquals(false, a.extra.get("evicted"));
        assertEquals(0, a.extra.get("late_events"));
        assertEquals(5.0, a.extra.get("value"));
    }

    @Test
    void shouldNotFireOnNearMisses() {
        final Harness h = new Harness(EVENT_COUNT);
        for (int i = 0; i < 4; i++) {
            ip(h, i, "10.0.0.1");
            ip(h, i, "10.0.0.2");
            h.match("failed", i, "user.name", "no-ip");
        }
        ip(h, 60.5, "10.0.0.1");
        ip(h, 120, "10.0.0.2");
        assertTrue(h.alerts.isEmpty());
        h.flush();
        assertTrue(h.alerts.isEmpty());
    }

    @Test
    void shouldGroupEventsWithoutTheFieldTogether() {
        final Harness h = new Harness(EVENT_COUNT);
        for (int i = 0; i < 5; i++) {
            h.match("failed", i, "user.name", "u" + i);
        }
        assertEquals(1, h.alerts.size());
        assertNull(h.alerts.get(0).group.get("source.ip"));
    }

    @Test
    void shouldNotFloodAndShouldUpdateTheCount() {
        final Harness h = new Harness(EVENT_COUNT);
        for (int i = 0; i < 100; i++) {
            ip(h, i * 0.5, "6.6.6.6");
        }
        assertEquals(1, h.alerts.size(), "one alert at the crossing, no alert per event");
        assertEquals(5, h.alerts.get(0).count);
        h.flush();
        assertEquals(1, h.alertIds().size());
        assertEquals(2, h.alerts.size());
        final Alert last = h.alerts.get(1);
        assertEquals(100, last.count);
        assertEquals(true, last.extra.get("update"));
        assertEquals(false, last.extra.get("evicted"), "counting past threshold + 2 loses nothing");
        assertEquals(93, h.engine().saturated(0));
        assertEquals(Harness.BASE + (long) (49.5 * S), last.lastSeenNanos);
    }

    @Test
    void shouldEmitAtMostOneUpdatePerTimespanWhileTheConditionHolds() {
        final Harness h = new Harness(EVENT_COUNT);
        for (int i = 0; i < 300; i++) {
            ip(h, i, "6.6.6.6");
        }
        h.flush();
        assertEquals(1, h.alertIds().size());
        assertTrue(h.alerts.size() <= 1 + 300 / 60 + 1, "updates: " + h.alerts.size());
        assertTrue(h.alerts.size() >= 4);
        long previous = 0;
        for (final Alert a : h.alerts) {
            assertTrue(a.count > previous);
            previous = a.count;
        }
        assertEquals(300, previous);
    }

    @Test
    void shouldReArmWhenTheConditionBecomesFalse() {
        final Harness h = new Harness(EVENT_COUNT);
        for (int i = 0; i < 5; i++) {
            ip(h, i, "6.6.6.6");
        }
        for (int i = 0; i < 5; i++) {
            ip(h, 200 + i, "6.6.6.6");
        }
        assertEquals(2, h.alertIds().size());
        assertEquals(2, h.alerts.size());
        assertNotEquals(h.alerts.get(0).alertId, h.alerts.get(1).alertId);
    }

    private static Harness lateScenario(final CorrelationConfig.LatePolicy policy) {
        final CorrelationConfig config = new CorrelationConfig();
        config.latePolicy = policy;
        final Harness h = new Harness(EVENT_COUNT.replace("gte: 5", "gte: 3"), config, 1);
        ip(h, 150, "K");
        ip(h, 160, "K");
        ip(h, 220, "Z");
        assertEquals(Harness.BASE + 215 * S, h.engine().watermark());
        ip(h, 152, "K");
        assertEquals(1, h.engine().lateEvents());
        return h;
    }

    @Test
    void shouldApplyLateEventsUnderApplyPolicy() {
        final Harness h = lateScenario(CorrelationConfig.LatePolicy.APPLY);
        assertEquals(1, h.alerts.size());
        assertEquals(1, h.alerts.get(0).extra.get("late_events"));
        assertEquals(3, h.alerts.get(0).count);
        assertEquals(0, h.engine().lateDropped());
    }

    @Test
    void shouldDropLateEventsUnderDropPolicy() {
        final Harness h = lateScenario(CorrelationConfig.LatePolicy.DROP);
        assertTrue(h.alerts.isEmpty());
        assertEquals(1, h.engine().lateDropped());
        // the same counts per rule, as the metrics page reads them
        final List<CorrelationEngine.RuleStats> stats = h.engine().stats();
        assertEquals(1, stats.size());
        assertEquals(h.set.rules().get(0).id(), stats.get(0).ruleId());
        assertEquals(1, stats.get(0).lateEvents());
        assertEquals(1, stats.get(0).lateDropped());
        assertEquals(2, stats.get(0).liveKeys());
    }

    @Test
    void shouldToleratePermittedOutOfOrderEvents() {
        final Harness h = new Harness(EVENT_COUNT);
        for (final double t : new double[] {10, 12, 11, 14, 13}) {
            ip(h, t, "9.9.9.9");
        }
        assertEquals(1, h.alerts.size());
        assertEquals(0, h.engine().lateEvents());
        assertEquals(Harness.BASE + 10 * S, h.alerts.get(0).firstSeenNanos);
    }

    @Test
    void shouldCountInBucketsAboveTheValueCap() {
        final Harness h = new Harness(EVENT_COUNT.replace("gte: 5", "gte: 1000"));
        assertTrue(h.set.rules().get(0).bucketNanos > 0);
        for (int i = 0; i < 999; i++) {
            ip(h, i * 0.01, "7.7.7.7");
        }
        ip(h, 70, "7.7.7.7");
        assertTrue(h.alerts.isEmpty(), "the first 999 left the window");
        for (int i = 0; i < 998; i++) {
            ip(h, 71 + i * 0.01, "7.7.7.7");
        }
        assertTrue(h.alerts.isEmpty(), "999 in the window");
        ip(h, 81, "7.7.7.7");
        assertEquals(1, h.alerts.size());
        assertEquals(1000, h.alerts.get(0).count);
        assertEquals(0, h.engine().valueEvictions(0));
    }

    @Test
    void shouldCountDistinctValues() {
        final Harness h = new Harness("title: spray\ncorrelation: {type: value_count, rules: [login], "
            + "group-by: [source.ip], timespan: 5m, condition: {field: user.name, gte: 3}}\n---\nname: login\n");
        h.match("login", 0, "source.ip", "1.1.1.1", "user.name", "a");
        h.match("login", 1, "source.ip", "1.1.1.1", "user.name", "a");
        h.match("login", 2, "source.ip", "1.1.1.1", "user.name", "b");
        h.match("login", 3, "source.ip", "1.1.1.1", "user.name", "b");
        h.match("login", 4, "source.ip", "1.1.1.1");
        h.match("login", 5, "source.ip", "2.2.2.2", "user.name", "c");
        assertTrue(h.alerts.isEmpty());
        assertEquals(1, h.engine().skippedNoValue(0));
        h.match("login", 400, "source.ip", "1.1.1.1", "user.name", "c");
        assertTrue(h.alerts.isEmpty(), "a and b left the 5 minute window");
        h.match("login", 401, "source.ip", "1.1.1.1", "user.name", "d");
        h.match("login", 402, "source.ip", "1.1.1.1", "user.name", "e");
        assertEquals(1, h.alerts.size());
        assertEquals(3.0, h.alerts.get(0).extra.get("value"));
        assertEquals("value_count", h.alerts.get(0).ruleType);
    }

    @Test
    void shouldEvictValuesAtTheValueCapAndSayWhy() {
        final CorrelationConfig config = new CorrelationConfig();
        config.maxValues = 8;
        final Harness h = new Harness("title: sum\ncorrelation: {type: value_sum, rules: [x], group-by: [host.name], "
            + "timespan: 1h, condition: {field: bytes, gt: 1000}}\n---\nname: x\n", config, 1);
        for (int i = 0; i < 20; i++) {
            h.match("x", i, "host.name", "h", "bytes", "100");
        }
        assertEquals(12, h.engine().valueEvictions(0));
        assertTrue(h.alerts.isEmpty(), "only the newest 8 values are kept: 800");
        h.match("x", 30, "host.name", "h", "bytes", "1000");
        assertEquals(1, h.alerts.size());
        assertEquals(true, h.alerts.get(0).extra.get("evicted"));
    }

    @Test
    void shouldSeeAllRulesWithinTheTimespanInAnyOrder() {
        final Harness h = new Harness("title: recon\ncorrelation: {type: temporal, rules: [a, b, c], "
            + "group-by: [host.name], timespan: 5m}\n---\nname: a\n---\nname: b\n---\nname: c\n");
        h.match("a", 0, "host.name", "h1");
        h.match("c", 100, "host.name", "h1");
        h.match("a", 0, "host.name", "h2");
        h.match("b", 10, "host.name", "h2");
        h.match("a", 150, "host.name", "h1");
        assertTrue(h.alerts.isEmpty());
        h.match("b", 200, "host.name", "h1");
        assertEquals(1, h.alerts.size());
        assertEquals("h1", h.alerts.get(0).group.get("host.name"));
        h.match("c", 400, "host.name", "h2");
        assertEquals(1, h.alerts.size(), "h2's a and b are older than 5 minutes");
    }

    @Test
    void shouldRequireTheListedOrder() {
        final Harness h = new Harness("title: ordered\ncorrelation: {type: temporal_ordered, rules: [a, b], "
            + "group-by: [user.name], timespan: 60s}\n---\nname: a\n---\nname: b\n");
        h.match("b", 0, "user.name", "u1");
        h.match("a", 10, "user.name", "u1");
        assertTrue(h.alerts.isEmpty(), "b before a");
        h.match("a", 0, "user.name", "u2");
        h.match("b", 61, "user.name", "u2");
        assertTrue(h.alerts.isEmpty(), "a then b, but 61 s apart");
        h.match("b", 20, "user.name", "u1");
        assertEquals(1, h.alerts.size());
        assertEquals("temporal_ordered", h.alerts.get(0).ruleType);
        assertEquals("u1", h.alerts.get(0).group.get("user.name"));
    }

    @Test
    void shouldSumValues() {
        final Harness h = new Harness("title: exfil\ncorrelation: {type: value_sum, rules: [web], "
            + "group-by: [source.ip], timespan: 1h, condition: {field: http.response.body.bytes, gt: 1000}}\n"
            + "---\nname: web\n");
        h.match("web", 0, "source.ip", "1.1.1.1", "http.response.body.bytes", "400");
        h.match("web", 1, "source.ip", "1.1.1.1", "http.response.body.bytes", "abc");
        h.match("web", 2, "source.ip", "1.1.1.1", "http.response.body.bytes", "400");
        h.match("web", 3, "source.ip", "2.2.2.2", "http.response.body.bytes", "900");
        assertTrue(h.alerts.isEmpty());
        h.match("web", 4, "source.ip", "1.1.1.1", "http.response.body.bytes", "300.5");
        assertEquals(1, h.alerts.size());
        assertEquals(1100.5, h.alerts.get(0).extra.get("value"));
        assertEquals(1, h.engine().skippedNoValue(0));
    }

    @Test
    void shouldAverageValues() {
        final Harness h = new Harness("title: avg\ncorrelation: {type: value_avg, rules: [net], "
            + "group-by: [source.ip], timespan: 24h, condition: {field: bytes_out, gt: 500}}\n---\nname: net\n");
        h.match("net", 0, "source.ip", "1.1.1.1", "bytes_out", "100");
        h.match("net", 1, "source.ip", "1.1.1.1", "bytes_out", "800");
        assertTrue(h.alerts.isEmpty(), "avg 450");
        h.match("net", 2, "source.ip", "1.1.1.1", "bytes_out", "1e3");
        assertEquals(1, h.alerts.size());
        assertEquals(1900 / 3.0, (Double) h.alerts.get(0).extra.get("value"), 1e-9);
    }

    @Test
    void shouldComputeAPercentileOverTheWindow() {
        final Harness h = new Harness("title: p90\ncorrelation: {type: value_percentile, rules: [req], "
            + "group-by: [host.name], timespan: 10m, condition: {field: latency, percentile: 90, gte: 900}}\n"
            + "---\nname: req\n");
        for (int i = 1; i <= 8; i++) {
            h.match("req", i, "host.name", "h", "latency", Integer.toString(i * 100));
        }
        assertTrue(h.alerts.isEmpty(), "p90 of 100..800 is 800");
        h.match("req", 9, "host.name", "h", "latency", "1000");
        assertEquals(1, h.alerts.size());
        assertEquals(1000.0, h.alerts.get(0).extra.get("value"));
        assertEquals(5.0, CorrelationEngine.select(new double[] {9, 1, 5, 3, 7}, 5, 2));
    }

    @Test
    void shouldTellApartShortInlineKeysAndLongSlabKeysUnderChurn() {
        final CorrelationConfig config = new CorrelationConfig();
        config.maxKeys = 500;
        final Harness h = new Harness(EVENT_COUNT.replace("gte: 5", "gte: 3"), config, 1);
        // Encoded keys of 24 bytes (inline) and 25 bytes (slab) around the inline limit, an IPv6 text, a near twin.
        final String inline = "a".repeat(22);
        final String slab = "a".repeat(23);
        final String v6 = "2001:db8:85a3::8a2e:370:7334";
        final String twin = "2001:db8:85a3::8a2e:370:7335";
        double t = 0;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 3_000; i++) {
                // Churn: keys seen once, half long, evicted in turn (the slab is compacted as they go).
                h.match("failed", t, "source.ip", (i % 2 == 0 ? "churn-long-key-number-" : "c") + round + "-" + i);
                if (i % 50 == 0) {
                    for (final String k : new String[] {inline, slab, v6}) {
                        h.match("failed", t, "source.ip", k);
                    }
                    h.match("failed", t, "source.ip", twin);
                    h.match("failed", t, "source.ip", twin.substring(0, twin.length() - 1));
                }
                t += 0.001;
            }
        }
        final List<Map<String, String>> groups = new java.util.ArrayList<>();
        for (final Alert a : h.alerts) {
            groups.add(a.group);
            assertEquals(3, a.count);
        }
        assertEquals(List.of(Map.of("source.ip", inline), Map.of("source.ip", slab), Map.of("source.ip", v6),
            Map.of("source.ip", twin), Map.of("source.ip", twin.substring(0, twin.length() - 1))), groups);
        assertEquals(500, h.engine().liveKeys(0));
    }

    @Test
    void shouldBoundMemoryUnderHostileCardinality() {
        final CorrelationConfig config = new CorrelationConfig();
        config.maxKeys = 10_000;
        final Harness h = new Harness(EVENT_COUNT.replace("gte: 5", "gte: 2"), config, 1);
        final CorrelationEngine engine = h.engine();
        final TelemetryEvent e = new TelemetryEvent();
        final byte[] value = new byte[24];
        value[0] = 'k';
        final int n = 1_000_000;
        for (int i = 0; i < n; i++) {
            e.reset();
            e.timestampNanos = Harness.BASE + i * 1_000L;
            e.seq = i;
            final int len = TelemetryEvent.writeLong(value, 1, i);
            e.addField(Fields.SOURCE_IP, value, 0, len);
            if (engine.owns(0, e, 0, 1)) {
                engine.onMatch(0, e, h.alerts::add);
            }
        }
        assertTrue(h.alerts.isEmpty());
        assertEquals(n - 10_000, engine.keyEvictions(0));
        assertEquals(10_000, engine.liveKeys(0));
        assertTrue(engine.allocatedKeys(0) <= 10_000);
        h.match("failed", 1.5, "source.ip", "203.0.113.7");
        h.match("failed", 1.6, "source.ip", "203.0.113.7");
        assertEquals(1, h.alerts.size());
        assertEquals(true, h.alerts.get(0).extra.get("evicted"));
        assertTrue(engine.growths() < 200, "growths " + engine.growths());
    }

    @Test
    void shouldChainFailedLoginsIntoTemporalOrdered() {
        final String yaml = Harness.read(Harness.corpus().resolve(
            "sigma/specification/extracted-examples/sigma-correlation-rules-specification__block16_L664.yml"));
        final Harness h = new Harness(yaml);
        h.match("successful_login", 0, "User", "alice");
        for (int i = 0; i < 10; i++) {
            h.match("failed_login", 10 + i, "User", "alice");
            h.match("failed_login", 10 + i, "User", "bob");
        }
        assertTrue(h.alerts.isEmpty(), "inner event_count is suppressed (generate: false)");
        h.match("successful_login", 100, "User", "alice");
        assertEquals(1, h.alerts.size());
        final Alert a = h.alerts.get(0);
        assertEquals("b180ead8-d58f-40b2-ae54-c8940995b9b6", a.ruleId);
        assertEquals("temporal_ordered", a.ruleType);
        assertEquals("high", a.ruleLevel);
        assertEquals(Map.of("User", "alice"), a.group);
        h.match("successful_login", 800, "User", "bob");
        assertEquals(1, h.alerts.size(), "bob's failures are more than 10 minutes old");
    }

    @Test
    void shouldGroupByAliasesAcrossRules() {
        final String yaml = "title: alias\ncorrelation:\n  type: temporal\n"
            + "  rules: [internal_error, new_network_connection]\n"
            + "  group-by: [internal_ip, remote_ip]\n  timespan: 10s\n  aliases:\n"
            + "    internal_ip: {internal_error: destination.ip, new_network_connection: source.ip}\n"
            + "    remote_ip: {internal_error: source.ip, new_network_connection: destination.ip}\n"
            + "---\nname: internal_error\n---\nname: new_network_connection\n";
        for (final int workers : new int[] {1, 4}) {
            final Harness h = new Harness(yaml, new CorrelationConfig(), workers);
            h.match("internal_error", 0, "destination.ip", "10.0.0.5", "source.ip", "1.2.3.4");
            h.match("new_network_connection", 5, "source.ip", "10.0.0.5", "destination.ip", "9.9.9.9");
            assertTrue(h.alerts.isEmpty());
            h.match("new_network_connection", 6, "source.ip", "10.0.0.5", "destination.ip", "1.2.3.4");
            assertEquals(1, h.alerts.size(), "workers=" + workers);
            assertEquals(Map.of("internal_ip", "10.0.0.5", "remote_ip", "1.2.3.4"), h.alerts.get(0).group);
        }
    }

    @Test
    void shouldKeepStateAcrossAReloadOfAnUnchangedOrCompatibleRule() {
        final Harness h = new Harness(EVENT_COUNT);
        for (int i = 0; i < 3; i++) {
            ip(h, i, "5.5.5.5");
        }
        final Harness changed = new Harness(EVENT_COUNT.replace("level: high", "level: critical"));
        h.engine().offer(changed.set);
        h.batchEnd(123);
        assertEquals("critical", h.engine().correlationSet().rules().get(0).level());
        ip(h, 3, "5.5.5.5");
        ip(h, 4, "5.5.5.5");
        assertEquals(1, h.alerts.size(), "window state survived the reload");
        assertEquals("critical", h.alerts.get(0).ruleLevel);
        assertFalse(h.alerts.get(0).extra.containsKey("restarted"));

        final Harness same = new Harness(EVENT_COUNT.replace("level: high", "level: critical"));
        h.engine().rebind(same.set);
        ip(h, 5, "5.5.5.5");
        assertEquals(1, h.alertIds().size(), "the open incident continues");
    }

    @Test
    void shouldStartFreshWhenTheWindowChanges() {
        final Harness h = new Harness(EVENT_COUNT);
        for (int i = 0; i < 3; i++) {
            ip(h, i, "5.5.5.5");
        }
        h.engine().rebind(new Harness(EVENT_COUNT.replace("timespan: 60s", "timespan: 120s")).set);
        ip(h, 3, "5.5.5.5");
        ip(h, 4, "5.5.5.5");
        assertTrue(h.alerts.isEmpty(), "state restarted");
        for (int i = 5; i < 8; i++) {
            ip(h, i, "5.5.5.5");
        }
        assertEquals(1, h.alerts.size());
        assertEquals(true, h.alerts.get(0).extra.get("restarted"));
    }

    private static final String MIXED = EVENT_COUNT
        + "---\ntitle: users\nid: vc-1\ncorrelation: {type: value_count, rules: [failed], group-by: [source.ip], "
        + "timespan: 30s, condition: {field: user.name, gte: 3}}\n"
        + "---\ntitle: sum\nid: vs-1\ncorrelation: {type: value_sum, rules: [failed], group-by: [source.ip], "
        + "timespan: 20s, condition: {field: n, gt: 50}}\n"
        + "---\ntitle: then\nid: to-1\ncorrelation: {type: temporal_ordered, rules: [ec-1, ok], "
        + "group-by: [source.ip], timespan: 2m}\n---\nname: ok\n";

    private static List<String> run(final long seed, final int workers, final int batchMode) {
        final Harness h = new Harness(MIXED, new CorrelationConfig(), workers);
        final Random events = new Random(42);
        final Random clock = new Random(seed);
        double t = 0;
        for (int i = 0; i < 3000; i++) {
            t += events.nextInt(4) * 0.5;
            final double jitter = events.nextInt(10) == 0 ? -events.nextInt(4) : 0;
            final String ip = "10.0.0." + events.nextInt(6);
            final String rule = events.nextInt(15) == 0 ? "ok" : "failed";
            h.match(rule, h.event(t + jitter, "source.ip", ip, "user.name", "u" + events.nextInt(5),
                "n", Integer.toString(events.nextInt(20))));
            if (batchMode == 1 || (batchMode == 2 && clock.nextInt(7) == 0)) {
                h.batchEnd(clock.nextLong());
            }
        }
        h.batchEnd(clock.nextLong());
        h.flush();
        final List<String> out = new ArrayList<>();
        for (final Alert a : h.alerts) {
            out.add(Harness.render(a));
        }
        return out;
    }

    @Test
    void shouldGiveTheSameAlertsWhateverTheBatchingAndWorkerClock() {
        final List<String> once = run(1, 1, 0);
        assertTrue(once.size() > 20, "alerts: " + once.size());
        assertEquals(once, run(2, 1, 1));
        assertEquals(once, run(3, 1, 2));
        assertEquals(once, run(4, 1, 2));
    }

    /**
     * One-field keys up to 22 bytes are read from the event as three words (the others byte by byte into the slab):
     * the same key must land in the same group wherever its bytes sit in the event's arena (followed by other
     * fields' bytes, or ending the arena, where no 8-byte load fits), and keys on both sides of the 22-byte edge
     * must stay distinct and decode back to their values.
     */
    @Test
    void shouldGroupOneFieldKeysAlikeWhereverTheirBytesSit() {
        final Harness h = new Harness(EVENT_COUNT.replace("gte: 5", "gte: 2"));
        final List<String> keys = new ArrayList<>();
        for (int len = 0; len <= 30; len++) {
            keys.add("k".repeat(len));
            if (len > 0) {
                keys.add("x".repeat(len - 1) + "y");
            }
        }
        double t = 0;
        for (final String key : keys) {
            final byte[] v = key.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            // 1: the key then another field's bytes right after it
            final TelemetryEvent mid = h.event(t, "source.ip", key, "user.name", "zzzzzzzzzzzzzzzzzzzzzzzz");
            h.match("failed", mid);
            // 2: the key's bytes end the arena
            final TelemetryEvent end = h.event(t + 1);
            final byte[] filler = new byte[end.arena().length - v.length];
            java.util.Arrays.fill(filler, (byte) 'f');
            end.addField(Fields.USER_NAME, filler, 0, filler.length);
            final int i = end.addField(Fields.SOURCE_IP, v, 0, v.length);
            assertEquals(end.arena().length, end.valueOffset(i) + v.length, "the key ends the arena");
            h.match("failed", end);
            t += 2;
        }
        final List<String> fired = new ArrayList<>();
        for (final Alert a : h.alerts) {
            assertEquals(2L, a.count, a.group.toString());
            fired.add(a.group.get("source.ip"));
        }
        assertEquals(keys, fired, "one alert per key, each with both of its events");
    }

    @Test
    void shouldPartitionGroupsAcrossWorkers() {
        final List<String> one = new ArrayList<>(run(1, 1, 2));
        final List<String> three = new ArrayList<>(run(1, 3, 2));
        one.removeIf(s -> s.contains("update=true"));
        three.removeIf(s -> s.contains("update=true"));
        java.util.Collections.sort(one);
        java.util.Collections.sort(three);
        assertEquals(one, three);
    }

    @Test
    void shouldGiveTheSameAlertsWhenMatchesArePipelined() {
        // Enough keys for the event_count state to pass the prefetch threshold, so matches really queue; out-of-order
        // and late events, and batch ends at random points, inside and across queued groups.
        assertPipelinedAlertsAsDirect(4096, 1);
    }

    @Test
    void shouldGiveTheSameAlertsWhenEveryRuleIsPipelinedAcrossWorkers() {
        // pipeline_min_kb 0: every rule queues from its first key, including the small ones and the chained
        // temporal_ordered; two workers, so each queued match is also hashed for its partition (the preset path).
        assertPipelinedAlertsAsDirect(0, 2);
    }

    /**
     * The alerts of the same stream applied at once and through the pipeline. With one worker they must come in the
     * same order; with several, each worker's keep their order but queued ones interleave later, so compared sorted.
     */
    private static void assertPipelinedAlertsAsDirect(final int pipelineMinKb, final int workers) {
        final List<String> direct = pipelineRun(false, pipelineMinKb, workers);
        final List<String> queued = pipelineRun(true, pipelineMinKb, workers);
        assertTrue(direct.size() > 1000, direct.size() + " alerts");
        if (workers > 1) {
            Collections.sort(direct);
            Collections.sort(queued);
        }
        assertEquals(direct, queued);
    }

    private static List<String> pipelineRun(final boolean inBatch, final int pipelineMinKb, final int workers) {
        final CorrelationConfig config = new CorrelationConfig();
        config.maxKeys = 50_000;
        config.pipelineMinKb = pipelineMinKb;
        final Harness h = new Harness(MIXED, config, workers);
        h.inBatch = inBatch;
        final Random events = new Random(7);
        final Random clock = new Random(8);
        double t = 0;
        for (int i = 0; i < 200_000; i++) {
            t += events.nextInt(3) * 0.001;
            final double jitter = events.nextInt(20) == 0 ? -events.nextInt(40) : 0;
            final String ip = "10." + events.nextInt(4) + "." + events.nextInt(100) + "." + events.nextInt(100);
            final String rule = events.nextInt(15) == 0 ? "ok" : "failed";
            h.match(rule, h.event(t + jitter, "source.ip", ip, "user.name", "u" + events.nextInt(5),
                "n", Integer.toString(events.nextInt(20))));
            if (clock.nextInt(40) == 0) {
                h.batchEnd(i);
            }
        }
        h.batchEnd(0);
        h.flush();
        assertEquals(inBatch, h.engine().pipelinedMatches() > 100_000 / workers, h.engine().pipelinedMatches()
            + " queued");
        final List<String> out = new ArrayList<>();
        for (final Alert a : h.alerts) {
            out.add(Harness.render(a));
        }
        return out;
    }

    /** Exact event_count rules (ring windows) of several conditions, one chained into a temporal_ordered. */
    private static final String RINGS = EVENT_COUNT
        + "---\ntitle: exactly three\nid: ec-2\ncorrelation: {type: event_count, rules: [failed], "
        + "group-by: [user.name], timespan: 10s, condition: {eq: 3}}\n"
        + "---\ntitle: a few\nid: ec-3\ncorrelation: {type: event_count, rules: [failed], group-by: [source.ip], "
        + "timespan: 5s, condition: {gte: 2, lt: 6}}\n"
        + "---\ntitle: few then ok\nid: to-2\ncorrelation: {type: temporal_ordered, rules: [ec-3, ok], "
        + "group-by: [source.ip], timespan: 30s}\n---\nname: ok\n";

    @Test
    void shouldGiveTheSameAlertsAndStateThroughTheInPlacePathAsThroughTheGeneralOne() {
        for (final int workers : new int[] {1, 2}) {
            final Harness fast = ringRun(false, workers);
            final Harness general = ringRun(true, workers);
            assertEquals(0, general.engine().inPlaceMatches());
            long inPlace = 0;
            for (final CorrelationEngine e : fast.engines) {
                inPlace += e.inPlaceMatches();
            }
            // Most events take the in-place path; the rest (new keys, late, out-of-order, TLP raises,
            // incidents opening, updating, closing, chaining) the general one.
            assertTrue(inPlace > 200_000, inPlace + " in place");
            assertTrue(fast.alerts.size() > 1000, fast.alerts.size() + " alerts");
            final List<String> a = new ArrayList<>();
            final List<String> b = new ArrayList<>();
            for (final Alert x : fast.alerts) {
                a.add(Harness.render(x));
            }
            for (final Alert x : general.alerts) {
                b.add(Harness.render(x));
            }
            assertEquals(b, a);
            for (int w = 0; w < workers; w++) {
                final CorrelationEngine f = fast.engines[w];
                final CorrelationEngine g = general.engines[w];
                assertEquals(g.lateEvents(), f.lateEvents());
                assertEquals(g.alertsEmitted(), f.alertsEmitted());
                for (int c = 0; c < 4; c++) {
                    assertEquals(g.saturated(c), f.saturated(c), "saturated " + c);
                    assertEquals(g.keyEvictions(c), f.keyEvictions(c), "evictions " + c);
                    assertEquals(g.liveKeys(c), f.liveKeys(c), "keys " + c);
                }
            }
        }
    }

    private static Harness ringRun(final boolean generalOnly, final int workers) {
        final CorrelationConfig config = new CorrelationConfig();
        config.maxKeys = 300;
        final Harness h = new Harness(RINGS, config, workers);
        for (final CorrelationEngine e : h.engines) {
            e.generalPathOnly = generalOnly;
        }
        h.inBatch = true;
        final Random r = new Random(11);
        double t = 0;
        for (int i = 0; i < 400_000; i++) {
            t += r.nextInt(4) * 0.0005;
            final int kind = r.nextInt(200);
            // mostly in order; some within the permitted 5 s out of order, some late past the watermark
            final double when = kind == 0 ? t - 20 : kind < 6 ? t - r.nextInt(4000) * 0.001 : t;
            // 240 addresses under a cap of 300 keys, and now and then a new one, which evicts near the cap
            final String ip = kind == 11 ? "192.0.2." + i % 250 : "10.0." + r.nextInt(2) + "." + r.nextInt(120);
            final String user = kind == 7 ? "a-user-name-too-long-to-sit-inline-" + r.nextInt(3)
                : "u" + r.nextInt(200);
            final TelemetryEvent e = kind == 8 ? h.event(when, "source.ip", ip)
                : h.event(when, "source.ip", ip, "user.name", user);
            if (kind == 9) {
                e.tlp = 1 + r.nextInt(3);
            }
            h.match(r.nextInt(300) == 0 ? "ok" : "failed", e);
            if (r.nextInt(64) == 0) {
                h.batchEnd(i);
            }
        }
        h.batchEnd(0);
        h.flush();
        return h;
    }

    @Test
    void shouldNotAllocateOnTheEventPathInSteadyState() {
        final Harness h = new Harness(EVENT_COUNT.replace("gte: 5", "gte: 200").replace("60s", "10s")
            + "---\ntitle: users\nid: vc-2\ncorrelation: {type: value_count, rules: [failed], group-by: [source.ip], "
            + "timespan: 10s, condition: {field: user.name, gte: 200}}\n"
            + "---\ntitle: p\nid: vp-2\ncorrelation: {type: value_percentile, rules: [failed], "
            + "group-by: [source.ip], timespan: 10s, condition: {field: n, percentile: 95, gt: 1000}}\n"
            // exact event_count with a ring window (capacity 14): the in-place path
            + "---\ntitle: ring\nid: ec-ring\ncorrelation: {type: event_count, rules: [failed], "
            + "group-by: [source.ip], timespan: 10s, condition: {gte: 12}}\n",
            new CorrelationConfig(), 1);
        final CorrelationEngine engine = h.engine();
        final TelemetryEvent[] events = new TelemetryEvent[100];
        for (int k = 0; k < events.length; k++) {
            events[k] = h.event(0, "source.ip", "10.1.0." + k, "user.name", "u" + (k % 7), "n", Integer.toString(k));
        }
        final io.vigie.engine.detect.AlertSink sink = a -> {
            throw new AssertionError("no alert expected");
        };
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
            java.lang.management.ManagementFactory.getThreadMXBean();
        long before = 0;
        for (int i = 0; i < 300_000; i++) {
            if (i == 100_000) {
                before = mx.getCurrentThreadAllocatedBytes();
            }
            final TelemetryEvent e = events[i % events.length];
            e.timestampNanos = Harness.BASE + i * 10_000_000L;
            if (engine.owns(0, e, 0, 1)) {
                engine.onMatch(0, e, sink);
            }
            if (i % 1000 == 0) {
                engine.onBatchEnd(i, sink);
            }
        }
        final long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 200k matches");
        assertTrue(engine.inPlaceMatches() > 250_000, engine.inPlaceMatches() + " in place");
    }

    @Test
    void shouldNotSuppressBaseRulesOfAGeneratingCorrelation() {
        final Harness h = new Harness(EVENT_COUNT.replace("level: high", "level: high\ngenerate: true")
            + "---\nname: unrelated\n");
        assertFalse(h.engine().suppressesAlert(h.ruleIndex.get("failed")));
        assertFalse(h.engine().wants(h.ruleIndex.get("unrelated"), null, "unrelated"));
        assertFalse(h.engine().suppressesAlert(h.ruleIndex.get("unrelated")));
        assertTrue(h.engine().wants(7, null, "failed"), "bound by name");
    }

    @Test
    void shouldParseNumbersWithoutAllocation() {
        final byte[] b = "-12.5e2 x".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(-1250.0, CorrelationEngine.parseDouble(b, 0, 7));
        assertTrue(Double.isNaN(CorrelationEngine.parseDouble(b, 0, 9)));
        assertTrue(Double.isNaN(CorrelationEngine.parseDouble(b, 7, 2)));
        assertEquals(42.0,
            CorrelationEngine.parseDouble("42".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 2));
    }
}
