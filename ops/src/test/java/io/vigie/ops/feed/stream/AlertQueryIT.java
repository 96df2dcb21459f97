package io.vigie.ops.feed.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ops.assess.AssessmentSettings;
import io.vigie.ops.assess.Assessor;
import io.vigie.ops.share.OutboundFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AlertQueryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private HttpResponse<String> get(final int port, final String query, final String token) throws Exception {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + AlertQuery.PATH + query));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> ids(final JsonNode body) {
        final List<String> out = new ArrayList<>();
        for (final JsonNode a : body.get("alerts")) {
            out.add(a.get("alert_id").asText());
        }
        return out;
    }

    @Test
    void queriesByTimeRuleLevelTypeWithPaging() throws Exception {
        try (StreamHarness h = new StreamHarness(dir, new AlertStream.Settings(), OutboundFilter.NONE, null)) {
            for (int i = 1; i <= 30; i++) {
                h.engine.emit(StreamHarness.alert(i, i == 7 ? Tlp.RED : Tlp.GREEN));
            }
            h.drain();
            final JsonNode all = JSON.readTree(get(h.port, "?limit=10000", "amber").body());
            assertEquals(29, all.get("alerts").size(), "RED never leaves");
            assertTrue(!ids(all).contains("a-7"));

            assertEquals(List.of("a-3", "a-6", "a-9", "a-12"),
                ids(JSON.readTree(get(h.port, "?level=high&limit=4", "green").body())));
            final List<String> rule1 = ids(JSON.readTree(get(h.port, "?rule=rule-1", "green").body()));
            assertEquals(9, rule1.size(), "a-7 is RED");
            assertEquals(rule1, ids(JSON.readTree(get(h.port, "?rule=TEST%20RULE%201", "green").body())));
            for (final JsonNode a : JSON.readTree(get(h.port, "?type=event_count", "green").body()).get("alerts")) {
                assertEquals("event_count", a.get("rule").get("type").asText());
            }
            // Alert i has time 2026-01-01T00:00:00Z + i seconds.
            assertEquals(List.of("a-10", "a-11", "a-12"), ids(JSON.readTree(get(h.port,
                "?from=2026-01-01T00:00:10Z&to=2026-01-01T01:00:13%2B01:00", "green").body())));

            final List<String> paged = new ArrayList<>();
            String after = null;
            while (true) {
                final JsonNode page = JSON.readTree(get(h.port, "?limit=4" + (after == null ? "" : "&after=" + after),
                    "green").body());
                if (page.get("alerts").size() == 0) {
                    break;
                }
                paged.addAll(ids(page));
                after = page.get("next").asText();
            }
            assertEquals(ids(all), paged);
        }
    }

    @Test
    void rejectsBadParametersAndUnauthenticatedCallers() throws Exception {
        try (StreamHarness h = new StreamHarness(dir, new AlertStream.Settings(), OutboundFilter.NONE, null)) {
            assertEquals(401, get(h.port, "", null).statusCode());
            for (final String bad : new String[] {"?limit=0", "?limit=10001", "?limit=x", "?from=yesterday",
                "?level=severe", "?after=-1", "?color=red", "?after=424242",
                "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"}) {
                final HttpResponse<String> r = get(h.port, bad, "green");
                assertEquals(400, r.statusCode(), bad);
                assertTrue(JSON.readTree(r.body()).get("error").get("message").asText().length() > 0);
            }
        }
    }

    @Test
    void journaledAlertsCarryTheAssessmentWhenTheEnricherIsConfigured() throws Exception {
        final AssessmentSettings s = new AssessmentSettings();
        s.soc = "soc-test";
        s.country = "FR";
        s.sector = "energy";
        try (Assessor assessor = new Assessor(s, new EngineCounters());
             StreamHarness h = new StreamHarness(dir, new AlertStream.Settings(), OutboundFilter.NONE, assessor)) {
            for (int i = 1; i <= 5; i++) {
                h.engine.emit(StreamHarness.alert(i, Tlp.GREEN));
            }
            h.drain();
            final JsonNode body = JSON.readTree(get(h.port, "", "green").body());
            assertEquals(5, body.get("alerts").size());
            for (final JsonNode a : body.get("alerts")) {
                final JsonNode as = a.get("assessment");
                assertTrue(List.of("low", "medium", "high", "critical").contains(as.get("severity").asText()));
                for (final String k : new String[] {"score", "scope", "scale", "duration_s", "intensity",
                    "complexity", "sophistication", "impact", "completeness"}) {
                    assertTrue(as.has(k), k);
                }
                assertEquals(List.of("FR"), JSON.convertValue(as.get("scope").get("facts").get("countries"),
                    List.class));
                assertEquals(5, as.get("duration_s").asLong());
                assertEquals(Assessor.NOTE, as.get("note").asText());
            }
        }
    }
}
