package io.vigie.ops.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.Engine;
import io.vigie.engine.journal.RawJournalReader;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /api/v1/ingest} over real HTTP into a real engine with a small ring. */
@Timeout(120)
class IngestEndpointIT {
    @TempDir
    Path dir;

    private final EngineCounters counters = new EngineCounters();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private Engine engine;
    private HttpServer http;
    private IngestEndpoint endpoint;
    private URI uri;

    @BeforeEach
    void start() throws Exception {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        c.ringSize = 64;
        engine = new Engine(c, counters);
        engine.start();
        final Router router = new Router();
        endpoint = new IngestEndpoint();
        endpoint.maxBodyBytes = 256 * 1024;
        endpoint.maxLines = 5000;
        endpoint.maxLineBytes = 1024;
        endpoint.register(router, engine, counters,
            () -> new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(), new MessageDecoders()));
        http = new HttpServer("127.0.0.1", 0, router, null);
        uri = URI.create("http://127.0.0.1:" + http.start() + IngestEndpoint.PATH);
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        assertTrue(engine.drain(10, TimeUnit.SECONDS));
        final ListenerCounters l = counters.listener(IngestEndpoint.LISTENER);
        assertTrue(l.balanced(), l.toString());
        engine.close();
    }

    @Test
    void shouldAnswerOnlyAfterEveryAcceptedLineIsJournaled() throws Exception {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            b.append("{\"message\":\"http-it-").append(i).append("\",\"source\":{\"ip\":\"192.0.2.7\"}}\n");
            if (i == 10) {
                b.append("not json\n\n");
            }
            if (i == 20) {
                b.append("{\"message\":\"").append("x".repeat(2000)).append("\"}\r\n");
            }
        }
        final JsonNode r = post("application/x-ndjson", b.toString(), 200);
        assertEquals(3000, r.get("accepted").asLong());
        assertEquals(2, r.get("rejected").asLong());
        // No drain: the response itself promises the lines are in the raw journal.
        final Set<String> seen = journalMarkers();
        for (int i = 0; i < 3000; i++) {
            assertTrue(seen.contains("http-it-" + i), "missing http-it-" + i);
        }
        final ListenerCounters l = counters.listener(IngestEndpoint.LISTENER);
        assertEquals(1, l.rejected(RejectReason.BAD_JSON), l.toString());
        assertEquals(1, l.rejected(RejectReason.FRAME_TOO_LONG), l.toString());
    }

    @Test
    void shouldTakeSyslogLinesAsTextPlain() throws Exception {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            b.append("<13>1 2026-12-03T08:00:00Z host app - - - http-it-").append(i).append('\n');
        }
        b.append("<999>1 - - - - - bad pri");
        final JsonNode r = post("text/plain; charset=utf-8", b.toString(), 200);
        assertEquals(50, r.get("accepted").asLong());
        assertEquals(1, r.get("rejected").asLong());
        assertEquals(50, journalMarkers().size());
    }

    @Test
    void shouldRefuseOverLargeBodiesManyLinesAndUnknownTypes() throws Exception {
        post("application/x-ndjson", "{\"a\":\"" + "x".repeat(300 * 1024) + "\"}\n", 413);
        post("application/x-ndjson", "{}\n".repeat(5001), 413);
        post("application/xml", "<a/>", 415);
        // Over the server's own aggregation limit as well.
        post("text/plain", "y".repeat(HttpServer.MAX_REQUEST_BYTES + 10), 413);
        assertEquals(0, counters.listener(IngestEndpoint.LISTENER).received());
        // And the endpoint still serves.
        assertEquals(1, post("application/x-ndjson", "{\"message\":\"http-it-after\"}", 200).get("accepted").asLong());
    }

    private JsonNode post(final String type, final String body, final int status) throws Exception {
        final HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), r.body());
        return r.body().isEmpty() ? null : json.readTree(r.body());
    }

    private Set<String> journalMarkers() {
        final Set<String> seen = new HashSet<>();
        final TelemetryEvent e = new TelemetryEvent();
        try (RawJournalReader reader = new RawJournalReader(dir.resolve("data/raw"))) {
            while (reader.next(e)) {
                final String raw = new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8);
                final int at = raw.indexOf("http-it-");
                if (at >= 0) {
                    int end = at + 8;
                    while (end < raw.length() && Character.isDigit(raw.charAt(end))) {
                        end++;
                    }
                    seen.add(raw.substring(at, end));
                }
            }
        }
        return seen;
    }
}
