package io.vigie.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.Engine;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vigie alerts} and {@code vigie events} over journals written by a real engine. */
@Timeout(60)
class JournalCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PEER = {(byte) 192, 0, 2, 10};

    @TempDir
    Path dir;

    @Test
    void shouldPrintAlertsAsJsonLinesFromAPosition() throws Exception {
        final List<Long> positions = Collections.synchronizedList(new ArrayList<>());
        try (Engine engine = engine()) {
            engine.addAlertListener(a -> positions.add(a.position));
            engine.start();
            for (int i = 0; i < 3; i++) {
                final Alert a = new Alert();
                a.alertId = "a" + i;
                a.soc = "soc-test";
                a.ruleId = "rule-" + i;
                a.ruleTitle = "Title \"" + i + "\"";
                a.ruleLevel = "high";
                a.tlp = Tlp.AMBER;
                a.events.add("auth.log:" + (i + 1));
                engine.emit(a);
            }
            assertTrue(engine.drain(30, TimeUnit.SECONDS));
        }
        final Cli all = Cli.run("alerts", "--data", dir.toString());
        assertEquals(0, all.code, all.toString());
        final List<JsonNode> lines = lines(all.out);
        assertEquals(3, lines.size(), all.toString());
        for (int i = 0; i < 3; i++) {
            final JsonNode a = lines.get(i);
            assertEquals("a" + i, a.get("alert_id").asText());
            assertEquals("rule-" + i, a.get("rule").get("id").asText());
            assertEquals("Title \"" + i + "\"", a.get("rule").get("title").asText());
            assertEquals("amber", a.get("tlp").asText());
            assertEquals("auth.log:" + (i + 1), a.get("events").get(0).asText());
        }
        final Cli from = Cli.run("alerts", "--data", dir.toString(), "--from", Long.toString(positions.get(1)));
        assertEquals(0, from.code, from.toString());
        final List<JsonNode> rest = lines(from.out);
        assertEquals(2, rest.size(), from.toString());
        assertEquals("a1", rest.get(0).get("alert_id").asText());

        final Cli positioned = Cli.run("alerts", "--data", dir.toString(), "--with-position");
        final List<JsonNode> withPositions = lines(positioned.out);
        for (int i = 0; i < 3; i++) {
            assertEquals((long) positions.get(i), withPositions.get(i).get("position").asLong());
            assertEquals("a" + i, withPositions.get(i).get("alert_id").asText());
        }

        final Cli bad = Cli.run("alerts", "--data", dir.toString(), "--from", Long.toString(positions.get(2) + 1000));
        assertEquals(1, bad.code, bad.toString());
        assertTrue(bad.err.contains("no alert at position"), bad.toString());
    }

    @Test
    void shouldPrintEventMetadataAndRawBytes() throws Exception {
        final byte[] notUtf8 = {'<', '1', '3', '>', 'b', 'a', 'd', ' ', (byte) 0xC3, (byte) 0x28};
        try (Engine engine = engine()) {
            engine.start();
            final ListenerCounters l = engine.counters().listener("syslog");
            publish(engine, l, "<34>1 2026-12-03T08:00:00Z host sshd 42 - - hello \"world\"".getBytes(
                StandardCharsets.UTF_8), 0);
            publish(engine, l, notUtf8, 0);
            publish(engine, l, "<999>garbage".getBytes(StandardCharsets.UTF_8), RejectReason.BAD_PRI.ordinal());
            assertTrue(engine.drain(30, TimeUnit.SECONDS));
        }
        final Cli r = Cli.run("events", "--data", dir.toString());
        assertEquals(0, r.code, r.toString());
        final List<JsonNode> events = lines(r.out);
        assertEquals(2, events.size(), r.toString());
        final JsonNode first = events.get(0);
        assertEquals("<34>1 2026-12-03T08:00:00Z host sshd 42 - - hello \"world\"",
            first.get("event.original").asText());
        assertEquals("syslog", first.get("vigie.listener").asText());
        assertEquals("amber", first.get("vigie.tlp").asText());
        assertEquals("192.0.2.10:5140", first.get("log.source.address").asText());
        assertTrue(first.has("@timestamp") && first.has("event.created"), r.toString());
        assertEquals("2026-12-03T07:00:00Z", first.get("event.created").asText());
        assertFalse(first.has("vigie.raw_base64"));
        final long seq0 = first.get("vigie.seq").asLong();
        final JsonNode second = events.get(1);
        assertEquals(Base64.getEncoder().encodeToString(notUtf8), second.get("vigie.raw_base64").asText());
        assertTrue(second.get("vigie.seq").asLong() > seq0);

        final Cli from = Cli.run("events", "--data", dir.toString(), "--from",
            Long.toString(second.get("vigie.seq").asLong()));
        assertEquals(1, lines(from.out).size(), from.toString());

        final Cli rejected = Cli.run("events", "--data", dir.toString(), "--rejected");
        assertEquals(0, rejected.code, rejected.toString());
        final List<JsonNode> q = lines(rejected.out);
        assertEquals(1, q.size(), rejected.toString());
        assertEquals("bad_pri", q.get(0).get("vigie.reject_reason").asText());
        assertEquals("<999>garbage", q.get(0).get("event.original").asText());
    }

    @Test
    void shouldRederiveFieldsWithTheStoredFormat() throws Exception {
        try (Engine engine = engine()) {
            engine.start();
            final ListenerCounters l = engine.counters().listener("syslog");
            publish(engine, l, ("<38>1 2026-12-03T08:00:00.000Z web-1 sshd 4242 - - Failed password for root from "
                + "203.0.113.7 port 22 ssh2").getBytes(StandardCharsets.UTF_8), 0);
            assertTrue(engine.drain(30, TimeUnit.SECONDS));
        }
        final Cli r = Cli.run("events", "--data", dir.toString());
        assertEquals(0, r.code, r.toString());
        final JsonNode e = lines(r.out).get(0);
        assertFalse(e.has("vigie.decode_error"), r.toString());
        assertEquals("2026-12-03T08:00:00Z", e.get("@timestamp").asText());
        assertEquals("sshd", e.get("log.syslog.appname").asText(), r.toString());
        assertEquals("web-1", e.get("log.syslog.hostname").asText(), r.toString());
        assertEquals("rfc5424", e.get("vigie.format").asText(), r.toString());
        assertTrue(e.has("message"), r.toString());
    }

    private Engine engine() {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir;
        c.ringSize = 64;
        return new Engine(c, new EngineCounters());
    }

    /** Publishes raw bytes as the decoder would have left them (format 0: not decoded here). */
    private static void publish(final Engine engine, final ListenerCounters l, final byte[] raw, final int reject) {
        final long seq = engine.ring().next();
        final TelemetryEvent e = engine.ring().get(seq);
        e.reset();
        l.onReceived();
        e.listenerId = l.id();
        e.setRaw(raw, 0, raw.length);
        e.receivedNanos = 1_796_281_200_000_000_000L;
        e.tlp = Tlp.AMBER.ordinal();
        System.arraycopy(PEER, 0, e.peerAddress, 0, 4);
        e.peerAddressLength = 4;
        e.peerPort = 5140;
        e.rejectReason = reject;
        engine.ring().publish(seq);
    }

    private static List<JsonNode> lines(final String out) throws Exception {
        final List<JsonNode> nodes = new ArrayList<>();
        for (final String line : out.split("\n")) {
            if (!line.isEmpty()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }
}
