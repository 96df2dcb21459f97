package io.vigie.ops.reload;

import io.vigie.engine.Engine;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.file.FileReplaySource;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import io.vigie.ops.http.HttpServer;
import io.vigie.ops.http.Router;
import io.vigie.ops.http.StatusEndpoints;
import io.vigie.ops.server.DetectionSetup;
import io.vigie.ops.server.RuleLoading;
import io.vigie.ops.server.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hot reload on a running pipeline (real engine with two rule workers, real detector factory, real decoders, the
 * HTTP route): a reload in the middle of a stream loses and repeats no event, keeps the window of an unchanged
 * correlation, restarts a changed one (flagged), reloads the indicator feed, and an invalid reload changes nothing.
 */
@Timeout(120)
class RuleReloaderIT {
    private static final String MARKER_ID = "4c1b7a0e-93d2-4c56-8a1f-0e5b2d7c9f31";
    private static final String UNCHANGED_ID = "b7e2c4d1-0a93-4f58-9c6e-2d1f8a7b3e05";
    private static final String CHANGED_ID = "e1d9a6f3-7b24-4c08-b5e1-93a0c2f4d6b8";

    @TempDir
    Path dir;

    /** What the test keeps of an alert (alerts are handed over on the alert thread). */
    private record Seen(String ruleId, String title, String type, Map<String, String> group, long count,
                        List<String> events, boolean update, boolean restarted) {
        static Seen of(final Alert a) {
            return new Seen(a.ruleId, a.ruleTitle, a.ruleType, Map.copyOf(a.group), a.count, List.copyOf(a.events),
                Boolean.TRUE.equals(a.extra.get("update")), Boolean.TRUE.equals(a.extra.get("restarted")));
        }
    }

    /** The rule file; {@code v >= 2} puts a new rule first, so every rule index moves on reload. */
    private static String rules(final int v, final String markerTitle, final String changedTimespan) {
        final String first = v < 2 ? "" : String.join("\n",
            "title: a rule new in v2",
            "id: 0d6c2b8a-5e4f-4a31-9b07-c8e1f2a3b4d5",
            "logsource: {product: linux, service: sshd}",
            "detection:",
            "  keywords: ['vigie-never-seen']",
            "  condition: keywords",
            "level: low",
            "---",
            "");
        return first + String.join("\n",
            "title: " + markerTitle,
            "id: " + MARKER_ID,
            "logsource: {product: linux, service: sshd}",
            "detection:",
            "  keywords: ['vigie-marker']",
            "  condition: keywords",
            "level: low",
            "---",
            "title: failed ssh login",
            "id: 11111111-2222-4333-8444-555555555555",
            "name: ssh_failed",
            "logsource: {product: linux, service: sshd}",
            "detection:",
            "  selection: {event.action: ssh_login, event.outcome: failure}",
            "  condition: selection",
            "level: low",
            "---",
            "title: accepted ssh login",
            "id: 66666666-7777-4888-8999-aaaaaaaaaaaa",
            "name: ssh_accepted",
            "logsource: {product: linux, service: sshd}",
            "detection:",
            "  selection: {event.action: ssh_login, event.outcome: success}",
            "  condition: selection",
            "level: low",
            "---",
            "title: ten failures (unchanged by the reload)",
            "id: " + UNCHANGED_ID,
            "correlation:",
            "  type: event_count",
            "  rules: [ssh_failed]",
            "  group-by: [source.ip]",
            "  timespan: 60m",
            "  condition: {gte: 10}",
            "level: high",
            "---",
            "title: two accepted logins (timespan changed by the reload)",
            "id: " + CHANGED_ID,
            "correlation:",
            "  type: event_count",
            "  rules: [ssh_accepted]",
            "  group-by: [source.ip]",
            "  timespan: " + changedTimespan,
            "  condition: {gte: 2}",
            "level: medium",
            "");
    }

    private static final String INVALID = String.join("\n",
        "---",
        "title: broken",
        "id: 99999999-0000-4000-8000-000000000000",
        "logsource: {product: linux}",
        "detection: {condition: nothing}",
        "");

    private static String failed(final String time, final String ip) {
        return "Mar 30 " + time + " web-1 sshd[200]: Failed password for root from " + ip + " port 4000 ssh2";
    }

    private static String accepted(final String time, final String ip) {
        return "Mar 30 " + time + " web-1 sshd[201]: Accepted password for alice from " + ip + " port 4001 ssh2";
    }

    private static String marker(final String time, final int n) {
        return "Mar 30 " + time + " web-1 sshd[300]: vigie-marker " + n;
    }

    private Path write(final String name, final List<String> lines) throws Exception {
        final Path p = dir.resolve(name);
        Files.write(p, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        return p;
    }

    private static List<String> markers(final String time, final int from, final int n) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(marker(time, from + i));
        }
        return out;
    }

    private static HttpResponse<String> post(final int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + RuleReloader.PATH))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldSwapMidStreamKeepUnchangedWindowsAndRefuseInvalidSets() throws Exception {
        final Path ruleDir = Files.createDirectories(dir.resolve("rules"));
        final Path ruleFile = ruleDir.resolve("test.yml");
        Files.write(ruleFile, rules(1, "marker v1", "10m").getBytes(StandardCharsets.UTF_8));
        final Path feed = dir.resolve("feed.txt");
        Files.write(feed, "10.0.0.9\n".getBytes(StandardCharsets.UTF_8));

        final VigieConfig c = ConfigLoader.parse("data_dir: " + dir.resolve("data") + "\n"
            + "engine: {workers: 2, ring_size: 256}\n", "vigie.yaml", n -> null);
        final DetectionOptions options = new DetectionOptions();
        options.watchRules = false;
        options.intelSources.add(DetectionOptions.IntelSource.file("test-feed", feed, "plain", "amber"));
        final DetectionSetup detection = DetectionSetup.create(c, List.of(ruleDir), options);
        assertTrue(detection.loadIntel());

        final EngineCounters counters = new EngineCounters();
        final List<Seen> alerts = java.util.Collections.synchronizedList(new ArrayList<>());
        final Router router = new Router();
        final RuleReloader reloader = new RuleReloader(detection, counters);
        reloader.register(router);
        try (Engine engine = new Engine(Settings.engine(c, dir.resolve("data"), detection.factory()), counters);
             HttpServer http = new HttpServer("127.0.0.1", 0, router, null);
             reloader) {
            engine.addAlertListener(a -> alerts.add(Seen.of(a)));
            engine.start();
            new StatusEndpoints(counters, engine::remainingCapacity, Map::of, List.of(detection.metrics()))
                .register(router);
            final int port = http.start();
            reloader.start();
            final FileReplaySource source = new FileReplaySource(engine.ring(), counters.listener("replay"),
                () -> new AutoDetectDecoder(EventFormat.AUTO, Settings.decoder(c), detection.messageDecoders().get()));

            // Phase 1 (v1): 6 failures of 10.0.0.1, one accepted login of 10.0.0.2, an IoC hit, markers.
            final List<String> p1 = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                p1.add(failed("10:00:0" + i, "10.0.0.1"));
            }
            p1.add(accepted("10:00:07", "10.0.0.2"));
            p1.add(failed("10:00:08", "10.0.0.9"));
            p1.addAll(markers("10:00:09", 0, 100));
            source.replay(List.of(write("p1.log", p1)));

            // Phase 2: a stream of markers with the reload (new marker title, changed timespan, new feed) in its
            // middle; the ring is small, so the workers are still busy with p2a when the swap is published.
            final Path p2a = write("p2a.log", markers("10:01:00", 1000, 3000));
            final Path p2b = write("p2b.log", markers("10:02:00", 5000, 3000));
            source.replay(List.of(p2a));
            Files.write(ruleFile, rules(2, "marker v2", "20m").getBytes(StandardCharsets.UTF_8));
            Files.write(feed, "10.0.0.8\n10.0.0.7\n".getBytes(StandardCharsets.UTF_8));
            final HttpResponse<String> ok = post(port);
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().contains("\"applied\":true"), ok.body());
            assertTrue(ok.body().contains("\"ok\":6,\"unsupported\":0,\"invalid\":0"), ok.body());
            assertEquals(6, counters.gauge(RuleLoading.GAUGE_OK).get());
            source.replay(List.of(p2b));
            assertTrue(engine.drain(60, TimeUnit.SECONDS));
            assertEquals(1, detection.factory().adoptedGeneration(), "both workers adopted the new set");

            // Phase 3 (v2): 4 more failures of 10.0.0.1 (10 in 60 min only with the 6 of phase 1), two accepted
            // logins of 10.0.0.2 (the changed rule restarted: the phase-1 login no longer counts), IoC hits.
            final List<String> p3 = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                p3.add(failed("10:05:0" + i, "10.0.0.1"));
            }
            p3.add(accepted("10:05:05", "10.0.0.2"));
            p3.add(accepted("10:05:06", "10.0.0.2"));
            p3.add(failed("10:05:07", "10.0.0.9"));
            p3.add(failed("10:05:08", "10.0.0.8"));
            p3.addAll(markers("10:05:09", 9000, 10));
            source.replay(List.of(write("p3.log", p3)));
            assertTrue(engine.drain(60, TimeUnit.SECONDS));

            // Phase 4: an invalid reload is refused; the v2 rules keep running.
            Files.write(ruleFile, (rules(3, "marker v3", "30m") + INVALID).getBytes(StandardCharsets.UTF_8));
            final HttpResponse<String> refused = post(port);
            assertEquals(422, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("\"applied\":false"), refused.body());
            assertTrue(refused.body().contains("\"invalid\":1"), refused.body());
            assertTrue(refused.body().contains("broken") || refused.body().contains("99999999"), refused.body());
            assertEquals(6, counters.gauge(RuleLoading.GAUGE_OK).get());
            assertEquals(0, counters.gauge(RuleLoading.GAUGE_INVALID).get());
            source.replay(List.of(write("p4.log", markers("10:06:00", 9500, 10))));
            assertTrue(engine.drain(60, TimeUnit.SECONDS));
            assertEquals(1, detection.factory().generation().number());

            // The rule workers' counters on /metrics, summed over both workers.
            final String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("\nvigie_ioc_hits_total 2\n"), metrics);
            assertTrue(metrics.contains("\nvigie_ioc_indicators 2\n"), metrics);
            assertTrue(metrics.contains("\nvigie_ioc_feed_indicators{feed=\"test-feed\"} 2\n"), metrics);
            assertTrue(metrics.contains("\nvigie_ioc_feed_failures_total{feed=\"test-feed\"} 0\n"), metrics);
            // every event once, on the worker owning its seq: 108 + 3000 + 3000 + 18 + 10
            assertTrue(metrics.contains("\nvigie_ioc_events_checked_total 6136\n"), metrics);
            assertTrue(metrics.contains("# TYPE vigie_correlation_late_events_total counter\n"), metrics);
            assertTrue(metrics.contains("\nvigie_correlation_late_events_total{rule=\"" + UNCHANGED_ID + "\"} 0\n"),
                metrics);
            // failures from 10.0.0.1, .9 and .8, all within the hour; the restarted rule has seen 10.0.0.2 since
            assertTrue(metrics.contains("\nvigie_correlation_keys{rule=\"" + UNCHANGED_ID + "\"} 3\n"), metrics);
            assertTrue(metrics.contains("\nvigie_correlation_keys{rule=\"" + CHANGED_ID + "\"} 1\n"), metrics);
        }

        final List<Seen> all = new ArrayList<>(alerts);
        // Every marker line alerted exactly once, by v1 before the swap and v2 after it.
        final Map<String, List<String>> markerTitles = new HashMap<>();
        for (final Seen a : all) {
            if (MARKER_ID.equals(a.ruleId())) {
                assertEquals(1, a.events().size());
                markerTitles.computeIfAbsent(a.events().get(0), k -> new ArrayList<>()).add(a.title());
            }
        }
        assertEquals(100 + 3000 + 3000 + 10 + 10, markerTitles.size());
        int v1 = 0;
        int v2 = 0;
        for (final Map.Entry<String, List<String>> e : markerTitles.entrySet()) {
            assertEquals(1, e.getValue().size(), "evaluated once: " + e);
            final String file = e.getKey().substring(0, e.getKey().indexOf(':'));
            final String title = e.getValue().get(0);
            if (file.equals("p1.log")) {
                assertEquals("marker v1", title, e.getKey());
            } else if (!file.startsWith("p2")) {
                assertEquals("marker v2", title, e.getKey());
            }
            v1 += title.equals("marker v1") ? 1 : 0;
            v2 += title.equals("marker v2") ? 1 : 0;
        }
        assertEquals(100 + 3000 + 3000 + 10 + 10, v1 + v2);

        // The unchanged event_count kept its window across the reload: it fires once, on the 4th failure of p3.
        final List<Seen> unchanged = all.stream().filter(a -> UNCHANGED_ID.equals(a.ruleId())).toList();
        assertEquals(1, unchanged.size(), unchanged.toString());
        final Seen u = unchanged.get(0);
        assertEquals(Map.of("source.ip", "10.0.0.1"), u.group());
        assertEquals(10, u.count());
        assertFalse(u.restarted());
        assertTrue(u.events().contains("p1.log:1") && u.events().contains("p1.log:6"), u.events().toString());
        assertEquals("p3.log:4", u.events().get(u.events().size() - 1));

        // The changed rule restarted: it needs both p3 logins, and its first alert says so.
        final List<Seen> changed = all.stream().filter(a -> CHANGED_ID.equals(a.ruleId())).toList();
        assertEquals(1, changed.size(), changed.toString());
        final Seen ch = changed.get(0);
        assertTrue(ch.restarted(), ch.toString());
        assertEquals(2, ch.count());
        assertEquals(List.of("p3.log:5", "p3.log:6"), ch.events());

        // IoC: the old feed matched in p1; after the reload the new feed matches and the old indicator no longer.
        final List<String> ioc = all.stream().filter(a -> "ioc".equals(a.type()))
            .map(a -> a.events().get(0) + " " + a.group()).sorted().toList();
        assertEquals(List.of("p1.log:8 {source.ip=10.0.0.9}", "p3.log:8 {source.ip=10.0.0.8}"), ioc);
        assertNull(all.stream().filter(a -> "marker v3".equals(a.title())).findAny().orElse(null));
    }
}
