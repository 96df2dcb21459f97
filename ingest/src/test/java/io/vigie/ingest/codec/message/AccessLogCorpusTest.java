package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Apache combined log of the corpus (Apache-2.0, elastic/examples), raw lines without a syslog header. */
@Timeout(60)
class AccessLogCorpusTest {
    @Test
    void shouldDecodeEveryLine() throws Exception {
        final List<byte[]> lines = Fixture.lines("syslog/elastic-examples/apache_access_combined.log");
        assertEquals(10_000, lines.size());
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        int decoded = 0;
        int withAgent = 0;
        int dashAgents = 0;
        for (final byte[] line : lines) {
            final String s = new String(line, StandardCharsets.UTF_8);
            assertTrue(Fixture.msg(d, e, null, line), s);
            decoded++;
            final String[] quoted = s.split("\"");
            final String[] request = quoted[1].split(" ");
            assertEquals(request[0], e.get(Fields.HTTP_REQUEST_METHOD), s);
            assertEquals(request[1], e.get(Fields.URL_ORIGINAL), s);
            assertEquals(quoted[2].trim().split(" ")[0], e.get(Fields.HTTP_RESPONSE_STATUS_CODE), s);
            assertEquals(s.substring(0, s.indexOf(' ')), e.get(Fields.SOURCE_IP), s);
            assertEquals(Logsources.WEBSERVER, e.logCategory);
            assertTrue(e.timestampNanos != TelemetryEvent.NO_TIME, s);
            if (s.endsWith("\"-\"")) {
                dashAgents++;
                assertNull(e.get(Fields.USER_AGENT_ORIGINAL), s);
            } else {
                withAgent++;
                assertNotNull(e.get(Fields.USER_AGENT_ORIGINAL), s);
            }
        }
        assertEquals(10_000, decoded);
        // 190 lines log the agent as "-" (no agent): user_agent.original is omitted for them; one line has an
        // unterminated agent (truncated upstream) and still gets it, to the end of the line
        assertEquals(190, dashAgents);
        assertEquals(9_810, withAgent);
    }

    @Test
    void shouldParseCombinedLineFields() {
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        assertTrue(Fixture.msg(d, e, null, "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "
            + "\"GET /apache_pb.gif?a=b&c=d#frag HTTP/1.0\" 200 2326 \"http://www.example.com/start.html\" "
            + "\"Mozilla/4.08 [en] (Win98; I ;Nav)\""));
        assertEquals("frank", e.get(Fields.USER_NAME));
        assertEquals("/apache_pb.gif", e.get(Fields.URL_PATH));
        assertEquals("a=b&c=d", e.get(Fields.URL_QUERY));
        assertEquals("1.0", e.get(Fields.HTTP_VERSION));
        assertEquals("2326", e.get(Fields.HTTP_RESPONSE_BODY_BYTES));
        assertEquals("http://www.example.com/start.html", e.get(Fields.HTTP_REQUEST_REFERRER));
        assertEquals("Mozilla/4.08 [en] (Win98; I ;Nav)", e.get(Fields.USER_AGENT_ORIGINAL));
        assertEquals(Instant.parse("2000-10-10T20:55:36Z").getEpochSecond() * 1_000_000_000L, e.timestampNanos);
    }

    @Test
    void shouldHandleEscapesGarbageAndCommonFormat() {
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        // escaped quote inside the agent and the URL
        assertTrue(Fixture.msg(d, e, null, "10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] \"GET /a\\\"b HTTP/1.1\" 404 "
            + "- \"-\" \"curl \\\"x\\\" y\""));
        assertEquals("/a\"b", e.get(Fields.URL_ORIGINAL));
        assertEquals("curl \"x\" y", e.get(Fields.USER_AGENT_ORIGINAL));
        assertNull(e.get(Fields.HTTP_RESPONSE_BODY_BYTES));
        assertNull(e.get(Fields.HTTP_REQUEST_REFERRER));
        // TLS handshake on a plain port (nginx escapes the bytes): no method/url, the rest is kept
        assertTrue(Fixture.msg(d, e, null, "198.51.100.9 - - [10/Oct/2000:13:55:36 +0000] "
            + "\"\\x16\\x03\\x01\\x00\\xA5\\x01\" 400 166 \"-\" \"-\""));
        assertNull(e.get(Fields.HTTP_REQUEST_METHOD));
        assertEquals("400", e.get(Fields.HTTP_RESPONSE_STATUS_CODE));
        // common log format (no referrer/agent), IPv6 client
        assertTrue(Fixture.msg(d, e, null, "2001:db8::1 - alice [10/Oct/2000:13:55:36 -0700] \"POST /login HTTP/1.1\""
            + " 302 0"));
        assertEquals("2001:db8::1", e.get(Fields.SOURCE_IP));
        assertEquals("POST", e.get(Fields.HTTP_REQUEST_METHOD));
        // vhost_combined: virtual host and port first
        assertTrue(Fixture.msg(d, e, "apache2", "www.example.com:443 192.0.2.4 - - [10/Oct/2000:13:55:36 +0000] "
            + "\"GET /wp-login.php HTTP/1.1\" 200 512 \"-\" \"sqlmap/1.4\""));
        assertEquals("www.example.com", e.get(Fields.URL_DOMAIN));
        assertEquals("192.0.2.4", e.get(Fields.SOURCE_IP));
        assertEquals("sqlmap/1.4", e.get(Fields.USER_AGENT_ORIGINAL));
        // inside a syslog message from nginx, header time kept
        e.reset();
        final byte[] m = Fixture.bytes("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"");
        e.setRaw(m, 0, m.length);
        e.timestampNanos = 42;
        final byte[] p = Fixture.bytes("nginx");
        e.addField(Fields.PROCESS_NAME, p, 0, p.length);
        assertTrue(d.decode(e, 0, m.length));
        assertEquals(42, e.timestampNanos);
        // truncated and garbage lines stay undecoded
        assertFalse(Fixture.msg(d, e, null, "1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1"));
        assertFalse(Fixture.msg(d, e, null, "1.2.3.4 - - [10/Oct/2000"));
        assertFalse(Fixture.msg(d, e, null, "[[[[ \"\" ]]]"));
        assertEquals(1, e.fieldCount());
    }
}
