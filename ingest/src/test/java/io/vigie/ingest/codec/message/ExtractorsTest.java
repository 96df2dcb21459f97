package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** User-defined extractors: YAML loading, grok, kv, json, and file:line errors. */
@Timeout(30)
class ExtractorsTest {
    @TempDir
    Path dir;

    private static Path resource() throws URISyntaxException {
        return Paths.get(ExtractorsTest.class.getResource("/message/extractors.yml").toURI());
    }

    private MessageDecoders decoders() throws URISyntaxException {
        final Extractors x = Extractors.load(resource());
        assertEquals(5, x.size());
        return new MessageDecoders(x);
    }

    @Test
    void shouldExtractWithGrok() throws Exception {
        final MessageDecoders d = decoders();
        final TelemetryEvent e = new TelemetryEvent();
        assertTrue(Fixture.msg(d, e, "myapp", "login success user=alice src=203.0.113.7:4242 ticket=ABC-123"));
        assertEquals("success", e.get(Fields.EVENT_OUTCOME));
        assertEquals("alice", e.get(Fields.USER_NAME));
        assertEquals("203.0.113.7", e.get(Fields.SOURCE_IP));
        assertEquals("4242", e.get(Fields.SOURCE_PORT));
        assertEquals("ABC-123", e.get("myapp.ticket"));
        assertEquals(Logsources.id("myapp"), e.logProduct);
        assertEquals(Logsources.id("authentication"), e.logCategory);
        assertTrue(Fixture.msg(d, e, "myapp", "logout user=bob at 2024-05-01T10:00:00.5Z"));
        assertEquals(Instant.parse("2024-05-01T10:00:00.5Z").toEpochMilli() * 1_000_000L, e.timestampNanos);
        // int conversion: the port is out of int range, the field is dropped but the match stands
        assertTrue(Fixture.msg(d, e, "myapp", "login failure user=x src=1.2.3.4:99999999999 ticket=ABC-1"));
        assertNull(e.get(Fields.SOURCE_PORT));
        // no pattern matches: the built-in path (none for myapp) leaves the event undecoded
        assertFalse(Fixture.msg(d, e, "myapp", "something else"));
        assertTrue(DecoderStats.decodedSnapshot().get("extractor:myapp-login") >= 2);
    }

    @Test
    void shouldRunBeforeBuiltInsAndFallBack() throws Exception {
        final MessageDecoders d = decoders();
        final TelemetryEvent e = new TelemetryEvent();
        assertTrue(Fixture.msg(d, e, "sshd", "Custom banner from 10.9.8.7"));
        assertEquals("10.9.8.7", e.get(Fields.SOURCE_IP));
        assertTrue(Fixture.msg(d, e, "sshd", "Failed password for root from 1.2.3.4 port 22 ssh2"));
        assertEquals("ssh_login", e.get(Fields.EVENT_ACTION));
    }

    @Test
    void shouldSplitKeyValuesAndJson() throws Exception {
        final MessageDecoders d = decoders();
        final TelemetryEvent e = new TelemetryEvent();
        assertTrue(Fixture.msg(d, e, null, "KV a:1;b:'two; words';src:192.0.2.1;empty:"));
        assertEquals("1", e.get("kvapp.a"));
        assertEquals("two; words", e.get("kvapp.b"));
        assertEquals("192.0.2.1", e.get(Fields.SOURCE_IP));
        assertEquals("", e.get("kvapp.empty"));
        assertTrue(Fixture.msg(d, e, "jsonapp", "event: {\"user\":{\"name\":\"al\\\"ice\",\"id\":7},"
            + "\"tags\":[\"a\",\"b\"],\"ok\":true,\"none\":null,\"msg\":\"caf\\u00e9 \\ud83d\\ude00\"}"));
        assertEquals("al\"ice", e.get("app.user.name"));
        assertEquals("7", e.get("app.user.id"));
        assertEquals("a", e.get("app.tags"));
        assertEquals("true", e.get("app.ok"));
        assertNull(e.get("app.none"));
        assertEquals("caf\u00e9 \uD83D\uDE00", e.get("app.msg"));
        // malformed JSON: nothing kept, undecoded
        assertFalse(Fixture.msg(d, e, "jsonapp", "{\"a\": [1, 2"));
        assertFalse(Fixture.msg(d, e, "jsonapp", "{\"a\" 1}"));
        assertEquals(2, e.fieldCount());
    }

    @Test
    void shouldMapNonAsciiCapturesToBytes() throws Exception {
        final MessageDecoders d = decoders();
        final TelemetryEvent e = new TelemetryEvent();
        assertTrue(Fixture.msg(d, e, "utf8app", "name=Jos\u00e9 \uD83D\uDE00 ip=192.0.2.5"));
        assertEquals("Jos\u00e9 \uD83D\uDE00", e.get(Fields.USER_NAME));
        assertEquals("192.0.2.5", e.get(Fields.SOURCE_IP));
        final byte[] bad = "name=a\u00ff\u00ffb ip=192.0.2.6".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(Fixture.msg(d, e, "utf8app", bad));
        final int u = e.indexOf(Fields.USER_NAME);
        assertEquals(4, e.valueLength(u));
        assertEquals("192.0.2.6", e.get(Fields.SOURCE_IP));
    }

    private String error(final String yaml) throws IOException {
        final Path f = dir.resolve("x.yml");
        Files.writeString(f, yaml);
        return assertThrows(IllegalArgumentException.class, () -> Extractors.load(f)).getMessage();
    }

    @Test
    void shouldNameFileAndLineForInvalidConfig() throws IOException {
        final String file = dir.resolve("x.yml").toString();
        String m = error("extractors:\n  - program: a\n    grok: \"%{IP:x}\"\n    colour: red\n");
        assertTrue(m.startsWith(file + ":4: unknown key: colour"), m);
        m = error("extractors:\n  - program: a\n    grok:\n      - \"%{NOPE:x}\"\n");
        assertTrue(m.startsWith(file + ":4: unknown grok pattern: NOPE"), m);
        m = error("extractors:\n  - program: a\n    grok: \"%{IP:x:float}\"\n");
        assertTrue(m.startsWith(file + ":3: unknown type: float"), m);
        m = error("extractors:\n  - program: a\n    grok: \"(unclosed %{IP:x}\"\n");
        assertTrue(m.startsWith(file + ":3: bad pattern"), m);
        m = error("extractors:\n  - program: a\n    grok: \"(?<=x)y\"\n");
        assertTrue(m.startsWith(file + ":3: bad pattern"), m);
        m = error("patterns:\n  X: \"%{X}\"\nextractors: []\n");
        assertTrue(m.startsWith(file + ":2: bad pattern: recursive"), m);
        m = error("extractors:\n  - grok: \"%{IP:x}\"\n");
        assertTrue(m.startsWith(file + ":2: extractor needs program or match"), m);
        m = error("extractors:\n  - program: a\n");
        assertTrue(m.contains("needs grok, kv or json"), m);
        m = error("extractors:\n  - program: a\n    kv: {quote: \"ab\"}\n");
        assertTrue(m.startsWith(file + ":3: quote must be one ASCII character"), m);
        m = error("extractor: []\n");
        assertTrue(m.startsWith(file + ":1: unknown key: extractor"), m);
        m = error("extractors: [\n");
        assertTrue(m.startsWith(file + ": invalid YAML"), m);
        assertTrue(error("x").contains("top level must be a mapping"));
        assertThrows(IllegalArgumentException.class, () -> Extractors.load(dir.resolve("missing.yml")));
    }

    @Test
    void shouldLoadEmptyFile() throws IOException {
        final Path f = dir.resolve("empty.yml");
        Files.writeString(f, "# nothing\n");
        assertTrue(Extractors.load(f).isEmpty());
    }
}
