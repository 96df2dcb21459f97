package io.vigie.ops.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpMethod;
import io.vigie.engine.Engine;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.DropReason;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.engine.status.StageLatencies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@Timeout(60)
class StatusEndpointsTest {
    // One sample line of the 0.0.4 text format: name, optional {labels}, value.
    private static final Pattern SAMPLE = Pattern.compile(
        "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? "
            + "(-?[0-9.eE+-]+|NaN|[+-]Inf)");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) "
        + "(counter|gauge|summary|histogram|untyped)");

    @TempDir
    Path dir;

    @Test
    void shouldServeMetricsAndHealthFromRealEngine() throws Exception {
        final EngineCounters counters = new EngineCounters();
        final ListenerCounters syslog = counters.listener("syslog");
        counters.gauge("rules_loaded{state=\"ok\"}").set(7);
        counters.gauge("rules_loaded{state=\"invalid\"}").set(1);
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir;
        c.ringSize = 256;
        try (Engine engine = new Engine(c, counters)) {
            engine.start();
            for (int i = 0; i < 10; i++) {
                final long seq = engine.ring().next();
                final TelemetryEvent e = engine.ring().get(seq);
                e.reset();
                syslog.onReceived();
                e.listenerId = syslog.id();
                e.receivedMonoNanos = System.nanoTime();
                final byte[] raw = ("<13>1 - host app - - - line " + i).getBytes(StandardCharsets.UTF_8);
                e.setRaw(raw, 0, raw.length);
                if (i < 2) {
                    e.rejectReason = RejectReason.BAD_PRI.ordinal();
                }
                engine.ring().publish(seq);
            }
            syslog.onReceived();
            syslog.onDropped(DropReason.RING_FULL);
            final Alert a = new Alert();
            a.ruleId = "r";
            a.ruleTitle = "t";
            a.ruleLevel = "high";
            engine.emit(a);
            counters.latencies().record(StageLatencies.DETECT, 2_000_000);
            assertTrue(engine.drain(30, TimeUnit.SECONDS));

            final Router router = new StatusEndpoints(counters, engine::remainingCapacity,
                () -> Map.of("syslog", "udp+tcp 127.0.0.1:5514")).register(new Router());
            try (HttpServer http = new HttpServer("127.0.0.1", 0, router, null)) {
                final int port = http.start();
                final HttpClient client = HttpClient.newHttpClient();

                final HttpResponse<String> metrics = get(client, port, "/metrics");
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain; "
                    + "version=0.0.4"));
                final Map<String, Double> s = parse(metrics.body());
                assertEquals(11.0, s.get("vigie_events_received_total{listener=\"syslog\"}"));
                assertEquals(8.0, s.get("vigie_events_persisted_total{listener=\"syslog\"}"));
                assertEquals(null, s.get("vigie_events_persisted_total"), "no unlabelled double-count series");
                assertEquals(2.0, s.get("vigie_events_rejected_total{listener=\"syslog\",reason=\"bad_pri\"}"));
                assertEquals(0.0, s.get("vigie_events_rejected_total{listener=\"syslog\",reason=\"bad_utf8\"}"));
                assertEquals(1.0, s.get("vigie_events_dropped_total{listener=\"syslog\",reason=\"ring_full\"}"));
                assertEquals(1.0, s.get("vigie_alerts_total{rule_level=\"high\"}"));
                assertEquals(0.0, s.get("vigie_alerts_total{rule_level=\"low\"}"));
                assertEquals(256.0, s.get("vigie_ring_remaining_capacity"));
                assertEquals(2.0, s.get("vigie_quarantined_total"));
                assertEquals(0.0, s.get("vigie_errors_total"));
                assertEquals(7.0, s.get("vigie_rules_loaded{state=\"ok\"}"));
                assertEquals(1.0, s.get("vigie_rules_loaded{state=\"invalid\"}"));
                assertEquals(1.0, s.get("vigie_stage_latency_seconds_count{stage=\"detect\"}"));
                final double p99 = s.get("vigie_stage_latency_seconds{stage=\"detect\",quantile=\"0.99\"}");
                assertTrue(p99 > 0.0019 && p99 < 0.0021, "p99=" + p99);
                assertTrue(s.containsKey("vigie_stage_latency_seconds{stage=\"persist\",quantile=\"0.999\"}"));
                assertTrue(s.containsKey("vigie_stage_latency_seconds_sum{stage=\"persist\"}"));
                // received = persisted + rejected + dropped, as the exposition shows it
                assertEquals(s.get("vigie_events_received_total{listener=\"syslog\"}"),
                    s.get("vigie_events_persisted_total{listener=\"syslog\"}")
                        + sum(s, "vigie_events_rejected_total{listener=\"syslog\"")
                        + sum(s, "vigie_events_dropped_total{listener=\"syslog\""));

                final HttpResponse<String> health = get(client, port, "/health");
                assertEquals(200, health.statusCode());
                final JsonNode h = new ObjectMapper().readTree(health.body());
                assertEquals("ok", h.get("status").asText());
                assertTrue(h.get("uptime_seconds").asLong() >= 0);
                assertEquals(256, h.get("ring_remaining_capacity").asLong());
                assertEquals("syslog", h.get("listeners").get(0).get("name").asText());
                assertEquals("udp+tcp 127.0.0.1:5514", h.get("listeners").get(0).get("address").asText());
                assertEquals(11, h.get("listeners").get(0).get("received").asLong());

                final HttpResponse<String> missing = get(client, port, "/nope?x=1");
                assertEquals(404, missing.statusCode());
                assertEquals(404, new ObjectMapper().readTree(missing.body()).get("error").get("status").asInt());
                final HttpResponse<String> post = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/metrics")).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(405, post.statusCode());
            }
        }
    }

    @Test
    void shouldEscapeLabelValuesAndDeclareEveryFamilyOnce() {
        final EngineCounters counters = new EngineCounters();
        counters.listener("we\"ird\\name\nx").onReceived();
        final String text = new PrometheusText(counters, () -> 42).render();
        assertTrue(text.contains("vigie_events_received_total{listener=\"we\\\"ird\\\\name\\nx\"} 1\n"), text);
        final Map<String, Double> s = parse(text);
        assertEquals(42.0, s.get("vigie_ring_remaining_capacity"));
        for (final String family : PrometheusText.families()) {
            assertTrue(text.contains("# TYPE " + family + " "), family);
        }
    }

    @Test
    void shouldRouteLongestPrefixAndReportMethodMismatch() {
        final HttpHandler a = (ctx, req, path) -> { };
        final HttpHandler b = (ctx, req, path) -> { };
        final Router r = new Router().prefix(HttpMethod.GET, "/api/", a).prefix(HttpMethod.GET, "/api/v1/alerts", b)
            .exact(HttpMethod.POST, "/api/v1/rules/reload", a);
        assertEquals(b, r.route(HttpMethod.GET, "/api/v1/alerts/stream").handler);
        assertEquals(a, r.route(HttpMethod.GET, "/api/v2").handler);
        assertEquals(a, r.route(HttpMethod.HEAD, "/api/v2").handler);
        assertEquals(a, r.route(HttpMethod.POST, "/api/v1/rules/reload").handler);
        assertEquals(405, r.route(HttpMethod.DELETE, "/api/v1/rules/reload").status);
        assertEquals(404, r.route(HttpMethod.GET, "/other").status);
    }

    private static double sum(final Map<String, Double> s, final String prefix) {
        double total = 0;
        for (final Map.Entry<String, Double> e : s.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                total += e.getValue();
            }
        }
        return total;
    }

    private static HttpResponse<String> get(final HttpClient client, final int port, final String path)
        throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** Parses the exposition strictly: every line is a HELP, a TYPE before its samples, or a sample. */
    static Map<String, Double> parse(final String text) {
        assertTrue(text.endsWith("\n"));
        final Map<String, Double> out = new HashMap<>();
        final Set<String> typed = new HashSet<>();
        final Set<String> helped = new HashSet<>();
        for (final String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                assertTrue(helped.add(line.split(" ")[2]), "HELP twice: " + line);
                continue;
            }
            final Matcher t = TYPE.matcher(line);
            if (t.matches()) {
                assertTrue(typed.add(t.group(1)), "TYPE twice: " + line);
                continue;
            }
            final Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                fail("not an exposition line: '" + line + "'");
            }
            final String name = m.group(1);
            final String family = name.replaceAll("_(sum|count)$", "");
            assertTrue(typed.contains(name) || typed.contains(family), "sample before its TYPE: " + line);
            final String key = name + (m.group(2) == null ? "" : m.group(2));
            assertTrue(out.put(key, Double.parseDouble(m.group(3).replace("+Inf", "Infinity")
                .replace("-Inf", "-Infinity"))) == null, "duplicate series: " + key);
        }
        return out;
    }
}
