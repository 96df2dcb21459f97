package io.vigie.ingest.codec.syslog;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class Rfc5424DecoderTest {
    private final DecoderSettings settings = new DecoderSettings();
    private final Rfc5424Decoder decoder = new Rfc5424Decoder(settings, new MessageDecoders());

    private TelemetryEvent decode(final String line) {
        return decode(line.getBytes(StandardCharsets.UTF_8));
    }

    private TelemetryEvent decode(final byte[] raw) {
        final TelemetryEvent e = TestCorpus.event(raw);
        final boolean ok = decoder.decode(e, 0, raw.length);
        assertEquals(ok, e.rejectReason == 0, "return value agrees with rejectReason");
        return e;
    }

    private static long nanos(final String isoUtc) {
        final Instant i = Instant.parse(isoUtc);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @SuppressWarnings("JavaLocalDateTimeGetNano") // seconds come from toEpochSecond, the nanos of the second here
    private static long nanosOfLocal(final String localUtc) {
        final LocalDateTime t = LocalDateTime.parse(localUtc);
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + t.getNano();
    }

    @Test
    void shouldDecodeEveryNettyVector() throws Exception {
        final Path dir = TestCorpus.dir().resolve("vectors/syslog/netty-codec-syslog/rfc5424");
        final List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
        }
        assertEquals(17, files.size());
        for (final Path f : files) {
            @SuppressWarnings("unchecked")
            final Map<String, Object> v = (Map<String, Object>) TestCorpus.readJson(f);
            @SuppressWarnings("unchecked")
            final Map<String, Object> x = (Map<String, Object>) v.get("expected");
            final String input = (String) v.get("input");
            final TelemetryEvent e = decode(input);
            final String name = f.getFileName().toString();
            assertEquals(0, e.rejectReason, name + " " + RejectReason.of(e.rejectReason));
            assertEquals(EventFormat.RFC5424, e.format);
            assertEquals(x.get("host"), e.get(Fields.HOST_NAME), name);
            assertEquals(x.get("host"), e.get(Fields.LOG_SYSLOG_HOSTNAME), name);
            assertEquals(x.get("appName"), e.get(Fields.PROCESS_NAME), name);
            assertEquals(x.get("appName"), e.get(Fields.LOG_SYSLOG_APPNAME), name);
            assertEquals(x.get("processId"), e.get(Fields.LOG_SYSLOG_PROCID), name);
            assertEquals(x.get("processId"), e.get(Fields.PROCESS_PID), name);
            assertEquals(x.get("messageId"), e.get(Fields.LOG_SYSLOG_MSGID), name);
            assertEquals(String.valueOf(x.get("facility")), e.get(Fields.LOG_SYSLOG_FACILITY_CODE), name);
            assertEquals(String.valueOf(x.get("level")), e.get(Fields.LOG_SYSLOG_SEVERITY_CODE), name);
            assertEquals(String.valueOf(x.get("version")), e.get(Fields.LOG_SYSLOG_VERSION), name);
            assertEquals(nanosOfLocal((String) x.get("date")), e.timestampNanos, name);
            @SuppressWarnings("unchecked")
            final List<Map<String, Object>> sd = (List<Map<String, Object>>) x.get("structuredData");
            for (final Map<String, Object> element : sd) {
                @SuppressWarnings("unchecked")
                final Map<String, Object> params = (Map<String, Object>) element.get("structuredDataElements");
                for (final Map.Entry<String, Object> p : params.entrySet()) {
                    assertEquals(p.getValue(), e.get("log.syslog.structured_data." + element.get("id") + "."
                        + p.getKey()), name + " " + p.getKey());
                }
            }
            final String message = (String) x.get("message");
            if (input.endsWith("][examplePriority@32473 class=\"high\"]")) {
                // netty-codec-syslog reads the second SD element as MSG; RFC 5424 section 6.5 example 3 has no MSG.
                assertNull(e.get(Fields.MESSAGE), name);
                assertEquals("high", e.get("log.syslog.structured_data.examplePriority@32473.class"));
            } else {
                assertEquals(message, e.get(Fields.MESSAGE), name);
            }
        }
    }

    @Test
    void shouldAcceptEveryLineOfTheLineFile() throws Exception {
        final AutoDetectDecoder auto = new AutoDetectDecoder(EventFormat.AUTO, settings, new MessageDecoders());
        final List<String> lines = Files.readAllLines(
            TestCorpus.dir().resolve("syslog/parser-test-lines.rfc5424.log"), StandardCharsets.UTF_8);
        assertEquals(17, lines.size());
        for (final String line : lines) {
            final TelemetryEvent e = TestCorpus.event(line);
            auto.decode(e);
            assertEquals(0, e.rejectReason, line);
            assertEquals(EventFormat.RFC5424, e.format, line);
        }
    }

    @Test
    void shouldDecodeAllHeaderFields() {
        final TelemetryEvent e = decode("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 ID9 - "
            + "%% It's time to make the do-nuts.");
        assertEquals(0, e.rejectReason);
        assertEquals("165", e.get(Fields.LOG_SYSLOG_PRIORITY));
        assertEquals("20", e.get(Fields.LOG_SYSLOG_FACILITY_CODE));
        assertEquals("5", e.get(Fields.LOG_SYSLOG_SEVERITY_CODE));
        assertEquals("1", e.get(Fields.LOG_SYSLOG_VERSION));
        assertEquals("192.0.2.1", e.get(Fields.HOST_NAME));
        assertEquals("myproc", e.get(Fields.PROCESS_NAME));
        assertEquals("8710", e.get(Fields.PROCESS_PID));
        assertEquals("ID9", e.get(Fields.LOG_SYSLOG_MSGID));
        assertNull(e.get(Fields.LOG_SYSLOG_STRUCTURED_DATA));
        assertEquals("%% It's time to make the do-nuts.", e.get(Fields.MESSAGE));
        assertEquals(nanos("2003-08-24T12:14:15.000003Z"), e.timestampNanos);
        assertEquals(Logsources.SYSLOG, e.logService);
        assertEquals(Logsources.LINUX, e.logProduct);
    }

    @Test
    void shouldTreatNilValuesAsAbsent() {
        final TelemetryEvent e = decode("<0>1 - - - - - -");
        assertEquals(0, e.rejectReason);
        assertEquals("0", e.get(Fields.LOG_SYSLOG_PRIORITY));
        assertEquals(TelemetryEvent.NO_TIME, e.timestampNanos);
        assertNull(e.get(Fields.HOST_NAME));
        assertNull(e.get(Fields.PROCESS_NAME));
        assertNull(e.get(Fields.LOG_SYSLOG_PROCID));
        assertNull(e.get(Fields.LOG_SYSLOG_MSGID));
        assertNull(e.get(Fields.MESSAGE));
    }

    @Test
    void shouldKeepNonNumericProcidWithoutPid() {
        final TelemetryEvent e = decode("<13>1 - host app worker-7 - - hi");
        assertEquals("worker-7", e.get(Fields.LOG_SYSLOG_PROCID));
        assertNull(e.get(Fields.PROCESS_PID));
        assertEquals("hi", e.get(Fields.MESSAGE));
    }

    @Test
    void shouldUnescapeStructuredDataValues() {
        final TelemetryEvent e = decode("<13>1 - h a - - [ex@1 q=\"say \\\"hi\\\"\" b=\"a\\\\b\" r=\"x\\]y\" "
            + "o=\"c\\nd\" u=\"]\"][two k=\"\"] msg");
        assertEquals(0, e.rejectReason, RejectReason.of(e.rejectReason).name());
        assertEquals("say \"hi\"", e.get("log.syslog.structured_data.ex@1.q"));
        assertEquals("a\\b", e.get("log.syslog.structured_data.ex@1.b"));
        assertEquals("x]y", e.get("log.syslog.structured_data.ex@1.r"));
        assertEquals("c\\nd", e.get("log.syslog.structured_data.ex@1.o"));
        assertEquals("]", e.get("log.syslog.structured_data.ex@1.u"));
        assertEquals("", e.get("log.syslog.structured_data.two.k"));
        assertEquals("[ex@1 q=\"say \\\"hi\\\"\" b=\"a\\\\b\" r=\"x\\]y\" o=\"c\\nd\" u=\"]\"][two k=\"\"]",
            e.get(Fields.LOG_SYSLOG_STRUCTURED_DATA));
        assertEquals("msg", e.get(Fields.MESSAGE));
    }

    @Test
    void shouldDecodeElementWithoutParams() {
        final TelemetryEvent e = decode("<13>1 - h a - - [timeQuality] m");
        assertEquals(0, e.rejectReason);
        assertEquals("[timeQuality]", e.get(Fields.LOG_SYSLOG_STRUCTURED_DATA));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<192>1 - - - - - -", "<999>1 - - - - - -", "<-1>1 - - - - - -", "<>1 - - - - - -",
        "<0001>1 - - - - - -", "<01>1 - - - - - -", "<1000>1 - - - - - -", "34>1 - - - - - -", "<34 1 - - - - - -",
        "<34"})
    void shouldRejectBadPri(final String line) {
        assertEquals(RejectReason.BAD_PRI.ordinal(), decode(line).rejectReason, line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<34>2 - - - - - -", "<34>0 - - - - - -", "<34>11 - - - - - -", "<34>1x - - - - - -",
        "<34> - - - - - -", "<34>", "<34>1"})
    void shouldRejectBadVersion(final String line) {
        assertEquals(RejectReason.BAD_VERSION.ordinal(), decode(line).rejectReason, line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T00:00:00Z", "2024-02-30T00:00:00Z", "2100-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z",
        "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T23:59:60Z", "2024-01-01T23:59:59.1234567Z",
        "2024-01-01T23:59:59.Z", "2024-01-01T23:59:59+24:00", "2024-01-01T23:59:59+01:60", "2024-01-01t23:59:59Z",
        "2024-01-01T23:59:59z", "0000-01-01T00:00:00Z", "2024-01-01T23:59:59", "2024-01-01 23:59:59Z",
        "2024-1-01T23:59:59Z", "2024-01-01T23:59:59+0100", "9999-12-31T23:59:59Z", "24-01-01T00:00:00Z", "--"})
    void shouldRejectBadTimestamps(final String ts) {
        final TelemetryEvent e = decode("<34>1 " + ts + " host app - - - msg");
        assertEquals(RejectReason.BAD_TIMESTAMP.ordinal(), e.rejectReason, ts);
    }

    @Test
    void shouldAcceptValidTimestamps() {
        assertEquals(nanos("2024-02-29T23:59:59Z"), decode("<34>1 2024-02-29T23:59:59Z h a - - -").timestampNanos);
        assertEquals(nanos("2000-02-29T00:00:00Z"), decode("<34>1 2000-02-29T00:00:00Z h a - - -").timestampNanos);
        assertEquals(nanos("2024-01-01T00:30:00.5Z"),
            decode("<34>1 2024-01-01T01:00:00.5+00:30 h a - - -").timestampNanos);
        assertEquals(nanos("2023-12-31T23:00:00.000001Z"),
            decode("<34>1 2024-01-01T00:00:00.000001+01:00 h a - - -").timestampNanos);
        assertEquals(nanos("2024-01-01T01:00:00.123Z"),
            decode("<34>1 2023-12-31T23:59:00.123-01:01 h a - - -").timestampNanos);
    }

    @Test
    void shouldRejectOverLongAndInvalidHeaderFields() {
        assertEquals(0, decode("<34>1 - " + "h".repeat(255) + " a - - -").rejectReason);
        assertEquals(RejectReason.BAD_HEADER.ordinal(), decode("<34>1 - " + "h".repeat(256) + " a - - -").rejectReason);
        assertEquals(0, decode("<34>1 - h " + "a".repeat(48) + " - - -").rejectReason);
        assertEquals(RejectReason.BAD_HEADER.ordinal(), decode("<34>1 - h " + "a".repeat(49) + " - - -").rejectReason);
        assertEquals(0, decode("<34>1 - h a " + "1".repeat(128) + " - -").rejectReason);
        assertEquals(RejectReason.BAD_HEADER.ordinal(), decode("<34>1 - h a " + "1".repeat(129) + " - -").rejectReason);
        assertEquals(0, decode("<34>1 - h a - " + "m".repeat(32) + " -").rejectReason);
        assertEquals(RejectReason.BAD_HEADER.ordinal(), decode("<34>1 - h a - " + "m".repeat(33) + " -").rejectReason);
        assertEquals(RejectReason.BAD_HEADER.ordinal(), decode("<34>1 - h\u00e9 a - - -").rejectReason);
        assertEquals(RejectReason.BAD_HEADER.ordinal(), decode("<34>1 - h\u007f a - - -").rejectReason);
        assertEquals(RejectReason.BAD_HEADER.ordinal(), decode("<34>1 -  a - - -").rejectReason);
        assertEquals(RejectReason.BAD_HEADER.ordinal(), decode("<34>1 - h a -").rejectReason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[a b=\"c\"", "[a b=c]", "[a b=\"c\"]x", "[]", "[a b=\"c\" ]", "[a  b=\"c\"]",
        "[a b=\"c]", "[a b=\"c\\\"]", "[a=x]", "[a b]", "x", "[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]",
        "[a bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb=\"c\"]", "-x", ""})
    void shouldRejectMalformedStructuredData(final String sd) {
        final TelemetryEvent e = decode("<34>1 - h a - - " + sd);
        assertEquals(RejectReason.BAD_STRUCTURED_DATA.ordinal(), e.rejectReason, sd);
    }

    @Test
    void shouldCapStructuredDataElements() {
        final StringBuilder sb = new StringBuilder("<34>1 - h a - - ");
        for (int i = 0; i < 10_000; i++) {
            sb.append("[e").append(i % 10).append(" k=\"v\"]");
        }
        sb.append(" msg");
        assertEquals(RejectReason.TOO_MANY_FIELDS.ordinal(), decode(sb.toString()).rejectReason);
        final StringBuilder params = new StringBuilder("<34>1 - h a - - [e");
        for (int i = 0; i < 2_000; i++) {
            params.append(" k").append(i % 7).append("=\"v\"");
        }
        params.append(']');
        assertEquals(RejectReason.TOO_MANY_FIELDS.ordinal(), decode(params.toString()).rejectReason);
    }

    @Test
    void shouldSkipBomAndRequireUtf8AfterIt() throws Exception {
        final byte[] head = "<34>1 - h su - ID47 - ".getBytes(StandardCharsets.US_ASCII);
        final byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        final TelemetryEvent ok = decode(concat(head, bom, "'su root' failed \u00e9\u4e2d\ud83d\ude00".getBytes(
            StandardCharsets.UTF_8)));
        assertEquals(0, ok.rejectReason);
        assertEquals("'su root' failed \u00e9\u4e2d\ud83d\ude00", ok.get(Fields.MESSAGE));
        final byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}};
        for (final byte[] b : bad) {
            assertEquals(RejectReason.BAD_UTF8.ordinal(), decode(concat(head, bom, b)).rejectReason);
        }
        // Without a BOM the message is an octet string: kept, not validated.
        assertEquals(0, decode(concat(head, new byte[]{(byte) 0xFF, 'x'})).rejectReason);
    }

    @Test
    void shouldNotAllocateNamesTwice() {
        final String line = "<34>1 - h a - - [origin ip=\"10.0.0.1\" software=\"x\\\"y\"] m";
        decode(line);
        final int size = Fields.size();
        decode(line);
        assertEquals(size, Fields.size());
        assertTrue(Fields.lookup("log.syslog.structured_data.origin.ip".getBytes(StandardCharsets.UTF_8), 0,
            "log.syslog.structured_data.origin.ip".length()) >= 0);
    }

    @Test
    void shouldHandCefMessagesToTheCefDecoder() {
        final TelemetryEvent e = decode("<34>1 - h a - - - CEF:0|v|p|1|sig|name|5|src=1.2.3.4");
        assertEquals(0, e.rejectReason);
        assertEquals(io.vigie.engine.ring.EventFormat.CEF, e.format);
        assertEquals("1.2.3.4", e.get(Fields.SOURCE_IP));
        assertEquals("v", e.get(Fields.OBSERVER_VENDOR));
        assertEquals("h", e.get(Fields.HOST_NAME));
    }

    private static byte[] concat(final byte[]... parts) throws java.io.IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            out.write(p);
        }
        return out.toByteArray();
    }
}
