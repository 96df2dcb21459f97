package io.vigie.ingest.codec.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class JsonDecoderTest {
    private final JsonDecoder decoder = new JsonDecoder();

    @Test
    void shouldDecodeAnEcsEvent() {
        final TelemetryEvent e = decode("{\"@timestamp\":\"2024-05-01T12:34:56.789Z\",\"message\":\"Failed password\","
            + "\"source\":{\"ip\":\"203.0.113.7\",\"port\":4242},\"event\":{\"action\":\"ssh_login\","
            + "\"outcome\":\"failure\",\"module\":\"system\",\"dataset\":\"system.auth\"},\"user\":{\"name\":\"root\"},"
            + "\"tags\":[\"ssh\",\"auth\"],\"ok\":true,\"gone\":null,\"ratio\":-1.5e3}");
        assertEquals(0, e.rejectReason);
        assertEquals(EventFormat.JSON, e.format);
        assertEquals(nanos("2024-05-01T12:34:56.789Z"), e.timestampNanos);
        assertEquals("2024-05-01T12:34:56.789Z", e.get("@timestamp"));
        assertEquals("Failed password", e.get("message"));
        assertEquals("203.0.113.7", e.get("source.ip"));
        assertEquals("4242", e.get("source.port"));
        assertEquals("ssh_login", e.get("event.action"));
        assertEquals("root", e.get("user.name"));
        assertEquals(List.of("ssh", "auth"), all(e, "tags"));
        assertEquals("true", e.get("ok"));
        assertNull(e.get("gone"));
        assertEquals("-1.5e3", e.get("ratio"));
        assertEquals(Logsources.id("system"), e.logProduct);
        assertEquals(Logsources.id("system.auth"), e.logService);
    }

    @Test
    void shouldTakeLogsourceFromLogsourceObject() {
        final TelemetryEvent e = decode("{\"logsource\":{\"product\":\"Windows\",\"category\":\"process_creation\","
            + "\"service\":\"sysmon\"},\"event\":{\"module\":\"other\"}}");
        assertEquals(Logsources.WINDOWS, e.logProduct);
        assertEquals(Logsources.id("process_creation"), e.logCategory);
        assertEquals(Logsources.id("sysmon"), e.logService);
    }

    @Test
    void shouldFlattenNestedObjectsAndArraysOfObjects() {
        final TelemetryEvent e = decode("{\"a\":{\"b\":{\"c\":1}},\"list\":[{\"x\":1},{\"x\":2,\"y\":[[3],[4]]}],"
            + "\"dotted.key\":\"v\",\"empty\":{},\"none\":[]}");
        assertEquals("1", e.get("a.b.c"));
        assertEquals(List.of("1", "2"), all(e, "list.x"));
        assertEquals(List.of("3", "4"), all(e, "list.y"));
        assertEquals("v", e.get("dotted.key"));
        assertEquals(6, e.fieldCount());
    }

    @Test
    void shouldUnescapeStrings() {
        final TelemetryEvent e = decode("{\"s\":\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\u20ac\\ud83d\\ude00\","
            + "\"k\\u0065y\":\"v\"}");
        assertEquals("a\"b\\c/d\n\t\u00e9\u20ac\ud83d\ude00", e.get("s"));
        assertEquals("v", e.get("key"));
    }

    @Test
    void shouldKeepDuplicateKeys() {
        final TelemetryEvent e = decode("{\"k\":\"a\",\"k\":\"b\"}");
        assertEquals(List.of("a", "b"), all(e, "k"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "\"x\"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":1.}",
        "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00x\"}", "{\"a\":\"raw\ttab\"}",
        "{\"a\":1} x", "{\"a\":1}{\"b\":2}", "{a:1}", "{\"a\":\"unterminated}", "{\"a\":[1,2}"})
    void shouldRejectMalformedJson(final String text) {
        assertEquals(RejectReason.BAD_JSON, RejectReason.of(decode(text).rejectReason), text);
    }

    @Test
    void shouldAllowSurroundingWhitespace() {
        assertEquals("1", decode(" \t{ \"a\" : 1 }\r\n").get("a"));
    }

    @Test
    void shouldRejectDeepNestingAndTooManyFields() {
        final String deep = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        assertEquals(RejectReason.TOO_MANY_FIELDS, RejectReason.of(decode(deep).rejectReason));
        final String arrays = "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertEquals(RejectReason.TOO_MANY_FIELDS, RejectReason.of(decode(arrays).rejectReason));
        final String ok = "{\"a\":".repeat(31) + "1" + "}".repeat(31);
        assertEquals(0, decode(ok).rejectReason);
        final StringBuilder many = new StringBuilder("{\"k\":[0");
        for (int i = 1; i < 5000; i++) {
            many.append(',').append(i);
        }
        assertEquals(RejectReason.TOO_MANY_FIELDS, RejectReason.of(decode(many + "]}").rejectReason));
        final String longName = "{\"" + "n".repeat(600) + "\":1}";
        assertEquals(RejectReason.TOO_MANY_FIELDS, RejectReason.of(decode(longName).rejectReason));
    }

    @Test
    void shouldKeepHugeStrings() {
        final String big = "x".repeat(1_000_000);
        assertEquals(big, decode("{\"big\":\"" + big + "\"}").get("big"));
    }

    @Test
    void shouldRejectInvalidUtf8() {
        final byte[] b = "{\"a\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(RejectReason.BAD_UTF8, RejectReason.of(decode(b).rejectReason));
        final byte[] overlong = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        assertEquals(RejectReason.BAD_UTF8, RejectReason.of(decode(overlong).rejectReason));
    }

    @Test
    void shouldKeepJndiLookupsAsInertData() {
        assertEquals("${jndi:ldap://x}", decode("{\"ua\":\"${jndi:ldap://x}\"}").get("ua"));
    }

    @Test
    void shouldDecodeEverySigmaRegressionEvent() throws IOException {
        final List<String> lines = Files.readAllLines(corpus().resolve(
            "vectors/sigmahq-regression/events.flat.jsonl"), StandardCharsets.UTF_8);
        assertEquals(239, lines.size());
        final ObjectMapper json = new ObjectMapper();
        final TelemetryEvent e = new TelemetryEvent();
        int rejected = 0;
        for (final String line : lines) {
            final byte[] b = line.getBytes(StandardCharsets.UTF_8);
            decode(b, e);
            if (e.rejectReason != 0) {
                rejected++;
                continue;
            }
            // Spot-check against Jackson: every scalar of the event is there, flattened under "event.".
            final JsonNode tree = json.readTree(line).get("event");
            final var it = tree.properties().iterator();
            while (it.hasNext()) {
                final var f = it.next();
                if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                    assertEquals(f.getValue().asText(), e.get("event." + f.getKey()), f.getKey());
                }
            }
            assertEquals(Logsources.WINDOWS == e.logProduct || e.logProduct != 0, true);
        }
        assertEquals(0, rejected);
    }

    @Test
    void shouldNotAllocateInSteadyState() {
        final byte[] line = ("{\"@timestamp\":\"2024-05-01T12:34:56.789Z\",\"source\":{\"ip\":\"1.2.3.4\"},"
            + "\"tags\":[\"a\",\"b\"],\"msg\":\"caf\\u00e9 \\\"q\\\"\",\"n\":12.5,"
            + "\"logsource\":{\"product\":\"linux\"}}")
            .getBytes(StandardCharsets.UTF_8);
        final TelemetryEvent e = new TelemetryEvent();
        for (int i = 0; i < 20_000; i++) {
            decode(line, e);
        }
        assertEquals(0, e.rejectReason);
        final long before = allocated();
        for (int i = 0; i < 10_000; i++) {
            decode(line, e);
        }
        final long bytes = allocated() - before;
        assertTrue(bytes < 10_000, "allocated " + bytes + " bytes for 10,000 frames");
    }

    private TelemetryEvent decode(final String text) {
        return decode(text.getBytes(StandardCharsets.UTF_8));
    }

    private TelemetryEvent decode(final byte[] b) {
        return decode(b, new TelemetryEvent());
    }

    private TelemetryEvent decode(final byte[] b, final TelemetryEvent e) {
        e.reset();
        e.setRaw(b, 0, b.length);
        decoder.decode(e, 0, b.length);
        return e;
    }

    private static List<String> all(final TelemetryEvent e, final String name) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < e.fieldCount(); i++) {
            if (name.equals(e.fieldName(i))) {
                out.add(e.value(i));
            }
        }
        return out;
    }

    private static long nanos(final String iso) {
        final Instant i = Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    static Path corpus() {
        final String p = System.getProperty("vigie.corpus");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        return Path.of("../../shared/corpus");
    }
}
