package io.vigie.ingest.codec.cef;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.vigie.ingest.codec.cef.CefTestSupport.corpus;
import static io.vigie.ingest.codec.cef.CefTestSupport.decode;
import static io.vigie.ingest.codec.cef.CefTestSupport.field;
import static io.vigie.ingest.codec.cef.CefTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The CEF corpus: line files and the upstream conformance vectors (Apache-2.0 data, see the corpus README). */
@Timeout(60)
class CefCorpusTest {
    /** Keys whose values the decoder lower-cases (ECS keyword conventions). */
    private static final Set<String> LOWERED = Set.of("proto", "transportProtocol", "app", "applicationProtocol",
        "outcome", "eventOutcome", "fileHash");

    private final ObjectMapper json = new ObjectMapper();
    private final CefDecoder decoder = new CefDecoder();

    @Test
    void shouldDecodeEveryValidCorpusLine() throws IOException {
        final List<String> lines = Files.readAllLines(corpus().resolve("cef/parser-test-lines.valid.cef"),
            StandardCharsets.UTF_8);
        assertEquals(160, lines.size());
        final TelemetryEvent e = new TelemetryEvent();
        int rejected = 0;
        final StringBuilder failures = new StringBuilder();
        for (final String line : lines) {
            decode(decoder, line.getBytes(StandardCharsets.UTF_8), e);
            if (e.rejectReason != 0) {
                rejected++;
                failures.append(RejectReason.of(e.rejectReason)).append(": ").append(line).append('\n');
            }
        }
        assertEquals(0, rejected, failures.toString());
    }

    /**
     * What a listener does with the corpus: every valid line, whatever its prefix (a syslog header with a year, a
     * fraction or "UTC", an F5 "ASM:" tag, an epoch and a host), must come out as a CEF record, under auto-detection
     * (the default) and with {@code format: cef}; not as a syslog or plain message that merely contains one.
     */
    @Test
    void shouldDecodeEveryValidCorpusLineAsCefThroughTheListenersDecoder() throws IOException {
        final List<String> lines = Files.readAllLines(corpus().resolve("cef/parser-test-lines.valid.cef"),
            StandardCharsets.UTF_8);
        for (final int format : new int[] {EventFormat.AUTO, EventFormat.CEF}) {
            final AutoDetectDecoder d = new AutoDetectDecoder(format, new DecoderSettings(), new MessageDecoders());
            final StringBuilder notCef = new StringBuilder();
            for (final String line : lines) {
                final TelemetryEvent e = listenerEvent(line);
                d.decode(e);
                // Field values may point into the frame; lower-cased ones (proto, hashes...) must not change it.
                assertEquals(line, new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8), "raw bytes intact");
                if (e.rejectReason != 0 || e.format != EventFormat.CEF || field(e, "cef.version").isEmpty()) {
                    notCef.append(e.format).append(' ').append(RejectReason.of(e.rejectReason)).append(": ")
                        .append(line, 0, Math.min(line.length(), 80)).append('\n');
                }
            }
            assertEquals("", notCef.toString(), "format " + format);
        }
        final AutoDetectDecoder auto = new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(),
            new MessageDecoders());
        final TelemetryEvent utc = listenerEvent("May 02 2017 15:27:43.000 UTC hostname.example.com CEF:0|security|"
            + "threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1");
        auto.decode(utc);
        assertEquals(epochNanos("2017-05-02T15:27:43Z"), utc.timestampNanos, "UTC, not the listener's zone");
        assertEquals(List.of("hostname.example.com"), field(utc, "host.name"));
        final TelemetryEvent f5 = listenerEvent("Sep 10 16:03:01 172.30.0.20 ASM:CEF:0|F5|ASM|11.0.0|Web Scraping "
            + "Attack|Web Scraping Attack|8|dvc=172.30.0.20");
        auto.decode(f5);
        assertEquals(List.of("ASM"), field(f5, "process.name"));
        assertEquals(List.of("F5"), field(f5, "observer.vendor"));
        final TelemetryEvent epoch = listenerEvent("1493738863000 hostname.example.com CEF:0|Security|threatmanager|"
            + "1.0|100|worm successfully stopped|10|src=10.0.0.1");
        auto.decode(epoch);
        assertEquals(1_493_738_863_000_000_000L, epoch.timestampNanos);
        assertEquals(List.of("hostname.example.com"), field(epoch, "host.name"));
        assertEquals(List.of("10.0.0.1"), field(epoch, "source.ip"));
        // A plain line that only mentions "CEF:" without a space before it stays plain.
        final TelemetryEvent plain = listenerEvent("parser said xCEF:0|a|b|c|d|e|1|");
        auto.decode(plain);
        assertEquals(EventFormat.PLAIN, plain.format);
    }

    private static TelemetryEvent listenerEvent(final String line) {
        final byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.setRaw(bytes, 0, bytes.length);
        e.receivedNanos = CefTestSupport.RECEIVED_NANOS;
        return e;
    }

    @Test
    void shouldRejectEveryInvalidCorpusLineWithANamedReason() throws IOException {
        final List<String> lines = Files.readAllLines(corpus().resolve("cef/parser-test-lines.invalid.cef"),
            StandardCharsets.UTF_8);
        assertEquals(3, lines.size());
        final RejectReason[] expected = {RejectReason.CEF_BAD_HEADER, RejectReason.CEF_BAD_HEADER,
            RejectReason.CEF_BAD_EXTENSION};
        for (int i = 0; i < 3; i++) {
            final TelemetryEvent e = decode(decoder, lines.get(i));
            assertEquals(expected[i], RejectReason.of(e.rejectReason), lines.get(i));
        }
    }

    @Test
    void shouldMatchJcustenborderVectors() throws IOException {
        int n = 0;
        for (final Path f : files("vectors/cef/jcustenborder-cef-parser", "Message")) {
            final JsonNode v = json.readTree(f.toFile());
            final TelemetryEvent e = decode(decoder, v.get("input").asText());
            final JsonNode x = v.get("expected");
            assertEquals(0, e.rejectReason, f.toString());
            checkHeader(f, e, x);
            checkExtensions(f, e, x.get("extensions"), Set.of(), false);
            n++;
        }
        assertEquals(90, n);
    }

    @Test
    void shouldMatchGraylogVectors() throws IOException {
        int n = 0;
        for (final Path f : files("vectors/cef/graylog-plugin-cef", "")) {
            final String text = stripComments(Files.readString(f, StandardCharsets.UTF_8));
            final JsonNode v = json.readTree(text);
            final TelemetryEvent e = decode(decoder, v.get("testString").asText());
            assertEquals(0, e.rejectReason, f.toString());
            checkHeader(f, e, v);
            // level/facility of issue_23 come from the syslog header (another decoder's job).
            checkExtensions(f, e, v.get("extensions"), Set.of("level", "facility"), false);
            n++;
        }
        assertEquals(36, n);
    }

    @Test
    void shouldMatchNettyVectors() throws IOException {
        int n = 0;
        for (final Path f : files("vectors/cef/netty-codec-syslog", "cef")) {
            final JsonNode v = json.readTree(f.toFile());
            final TelemetryEvent e = decode(decoder, v.get("input").asText());
            assertEquals(0, e.rejectReason, f.toString());
            // netty-codec-syslog keeps escapes verbatim; the CEF standard (and Graylog, Logstash) unescape them.
            checkHeader(f, e, v.get("expected"));
            checkExtensions(f, e, v.get("expected").get("extension"), Set.of(), true);
            n++;
        }
        assertEquals(4, n);
    }

    @Test
    void shouldMatchLogstashVectors() throws IOException {
        final JsonNode root = json.readTree(corpus().resolve("vectors/cef/logstash-codec-cef.vectors.json").toFile());
        int ok = 0;
        int errors = 0;
        for (final JsonNode v : root.get("vectors")) {
            final String id = v.get("id").asText();
            final byte[] input = v.hasNonNull("input") ? v.get("input").asText().getBytes(StandardCharsets.UTF_8)
                : HexFormat.of().parseHex(v.get("input_bytes_hex").asText());
            final TelemetryEvent e = decode(decoder, input, new TelemetryEvent());
            if ("error".equals(v.get("expect").asText())) {
                assertTrue(e.rejectReason != 0, id);
                errors++;
                continue;
            }
            assertEquals(0, e.rejectReason, id + ": " + RejectReason.of(e.rejectReason));
            if (v.has("expected_header")) {
                final Iterator<Map.Entry<String, JsonNode>> it = v.get("expected_header").properties().iterator();
                while (it.hasNext()) {
                    final Map.Entry<String, JsonNode> h = it.next();
                    assertEquals(List.of(h.getValue().asText()), values(e, h.getKey()), id + " " + h.getKey());
                }
            }
            if (v.has("expected_extensions")) {
                checkExtensions(Path.of(id), e, v.get("expected_extensions"), Set.of(), false);
            }
            if (v.has("expected_event_time_utc")) {
                assertEquals(epochNanos(v.get("expected_event_time_utc").asText()), e.timestampNanos, id);
            }
            ok++;
        }
        assertEquals(30, ok);
        assertEquals(5, errors);
    }

    private static void checkHeader(final Path f, final TelemetryEvent e, final JsonNode x) {
        for (final String h : new String[] {"cefVersion", "version", "deviceVendor", "deviceProduct", "deviceVersion",
            "deviceEventClassId", "name", "severity"}) {
            if (!x.has(h)) {
                continue;
            }
            final List<String> got = values(e, h);
            if (x.get(h).isNull()) {
                assertTrue(got.isEmpty() || got.equals(List.of("")), f + " " + h + " " + got);
            } else {
                assertEquals(List.of(unescapeNetty(f, x.get(h).asText())), got, f + " " + h);
            }
        }
    }

    private void checkExtensions(final Path f, final TelemetryEvent e, final JsonNode ext, final Set<String> skip,
                                 final boolean netty) {
        final Iterator<Map.Entry<String, JsonNode>> it = ext.properties().iterator();
        while (it.hasNext()) {
            final Map.Entry<String, JsonNode> x = it.next();
            if (skip.contains(x.getKey())) {
                continue;
            }
            final String want = netty ? unescapeNetty(f, x.getValue().asText()) : x.getValue().asText();
            final List<String> got = values(e, x.getKey());
            boolean match = false;
            for (final String g : got) {
                match |= same(x.getKey(), want, g);
            }
            if (!match) {
                fail(f + ": key " + x.getKey() + " expected <" + want + "> but got " + got + "\n" + dump(e));
            }
        }
    }

    private boolean same(final String key, final String want, final String got) {
        if (want.equals(got) || (LOWERED.contains(key) && want.equalsIgnoreCase(got))) {
            return true;
        }
        if (want.matches("\\d{4}-\\d\\d-\\d\\dT.*")) {
            final byte[] b = got.getBytes(StandardCharsets.UTF_8);
            return decoder.parseTime(b, 0, b.length, CefTestSupport.RECEIVED_NANOS) == epochNanos(want);
        }
        return false;
    }

    private static long epochNanos(final String iso) {
        final var i = OffsetDateTime.parse(iso).toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static String unescapeNetty(final Path f, final String s) {
        return f.toString().contains("netty") ? s.replace("\\\\", "\\").replace("\\=", "=") : s;
    }

    private static String stripComments(final String text) {
        return text.replaceAll("(?m)^\\s*//.*$", "");
    }

    private static String dump(final TelemetryEvent e) {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < e.fieldCount(); i++) {
            b.append("  ").append(e.fieldName(i)).append(" = ").append(e.value(i)).append('\n');
        }
        return b.toString();
    }

    private static List<Path> files(final String dir, final String prefix) throws IOException {
        try (Stream<Path> s = Files.list(corpus().resolve(dir))) {
            final List<Path> out = new ArrayList<>();
            s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".json"))
                .sorted().forEach(out::add);
            assertFalse(out.isEmpty(), dir);
            return out;
        }
    }
}
