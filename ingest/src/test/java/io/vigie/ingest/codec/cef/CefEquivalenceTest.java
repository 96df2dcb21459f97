package io.vigie.ingest.codec.cef;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static io.vigie.ingest.codec.cef.CefTestSupport.RECEIVED_NANOS;
import static io.vigie.ingest.codec.cef.CefTestSupport.corpus;
import static io.vigie.ingest.codec.cef.CefTestSupport.indexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Differential test: {@link CefDecoder} against {@link CefReferenceDecoder} (the decoder before the performance
 * work) on every corpus line and vector, and on seeded random mutations of them (spaces, escapes, delimiters, labels,
 * reserved names, times, bad bytes, truncation), lenient and strict, with and without fields already in the event.
 * Fields (names, values, order), reject reason, format, time and logsource must be identical.
 */
@Timeout(120)
class CefEquivalenceTest {
    private static final int MUTANTS_PER_SEED = 60;

    private static final String[] INSERTS = {
        " ", "  ", "\\", "\\\\", "\\=", "\\|", "\\n", "\\r", "\\ ", "=", "|", "||", "a=", " k=", " k= ", "=b ",
        " cs1=v", " cs1Label=Lbl", " cs2Label=event.x", " cn1=7", " cn1Label=count", " src=1.2.3.4", " dvc=fw-1",
        " dvc=10.0.0.1", " duser=Bob", " proto=UDP", " app=HTTPS", " outcome=FAILURE",
        " fileHash=D41D8CD98F00B204E9800998ECF8427E", " fileHash=abc", " msg=hello\\=world", " message=x",
        " event.kind=x", " source.ip=9.9.9.9", " @timestamp=1", " tags=t", " rt=1493726400000",
        " rt=May 02 2017 12:00:00", " rt=May 02 12:00:00.123 UTC", " start=2017-05-02T10:00:00+02:00",
        " end=bad", " dtz=Europe/Paris", " dtz=Nowhere/Zone", " dtz=+0800", " ad.Key[0]=v", " ad.x,y=z",
        " \u00e9t\u00e9=caf\u00e9", "caf\u00e9", "\n", "\r", "\t", " _=1", " 9=x", "CEF:", "CEF:0|",
        " " + "k".repeat(129) + "=long", " " + "k".repeat(128) + "=edge", "x".repeat(300), " csLabel=z",
        " cs1Label=", " cs1Label=" + "y".repeat(129), " flexString1=f", " flexString1Label=Flex",
        // Bytes at the edges of the key-byte ranges.
        " a^b=1", " a-b=1", " a[0],b_c.d=1", " a/b=1", " a:b=1", " a@b=1", " A`b=1", " a{b=1", " a+b=1",
        " Z\\z=1", " _=_", " ab\u00ffc=1", " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=1",
    };

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void shouldDecodeExactlyAsTheReferenceDecoder() throws IOException {
        final List<byte[]> seeds = seeds();
        final Pair[] pairs = {
            new Pair(new CefDecoder(), new CefReferenceDecoder()),
            new Pair(new CefDecoder(ZoneOffset.UTC, CefDecoder.DEFAULT_MAX_PAIRS, true),
                new CefReferenceDecoder(ZoneOffset.UTC, CefReferenceDecoder.DEFAULT_MAX_PAIRS, true)),
            new Pair(new CefDecoder(ZoneId.of("America/New_York"), 4, false),
                new CefReferenceDecoder(ZoneId.of("America/New_York"), 4, false)),
        };
        final TelemetryEvent got = new TelemetryEvent();
        final TelemetryEvent want = new TelemetryEvent();
        final SplittableRandom random = new SplittableRandom(20261203L);
        int compared = 0;
        for (final byte[] seed : seeds) {
            for (int m = 0; m <= MUTANTS_PER_SEED; m++) {
                final byte[] input = m == 0 ? seed : mutate(seed, random);
                final boolean prefilled = (m & 1) == 1;
                for (final Pair p : pairs) {
                    compare(p, input, prefilled, got, want);
                    compared++;
                }
            }
        }
        assertEquals(seeds.size() * (MUTANTS_PER_SEED + 1) * pairs.length, compared);
    }

    @Test
    void shouldDecodeExactlyAsTheReferenceDecoderOnceTheKeyAndLabelCachesAreFull() throws IOException {
        final Pair p = new Pair(new CefDecoder(), new CefReferenceDecoder());
        final TelemetryEvent got = new TelemetryEvent();
        final TelemetryEvent want = new TelemetryEvent();
        for (int i = 0; i < 300; i++) {
            final String line = "CEF:0|V|P|1|2|n|3|fill" + i + "=a cs" + i + "=b cs" + i + "Label=label" + i
                + " event.fill" + i + "=c";
            compare(p, line.getBytes(StandardCharsets.UTF_8), false, got, want);
        }
        for (final byte[] seed : seeds()) {
            compare(p, seed, false, got, want);
        }
    }

    @Test
    void shouldDecodeLongAndPathologicalLinesExactlyAsTheReferenceDecoder() {
        final Pair p = new Pair(new CefDecoder(), new CefReferenceDecoder());
        final TelemetryEvent got = new TelemetryEvent();
        final TelemetryEvent want = new TelemetryEvent();
        final String head = "CEF:0|Fortinet|Fortigate|v5.6|00015|traffic forward|5|";
        final String[] lines = {
            head + "a=" + "b ".repeat(2000),
            head + "a=" + " ".repeat(3000) + "c=d",
            head + "a=" + "\\".repeat(2001),
            head + "k=v ".repeat(900),
            head + "cs1=a cs1Label=" + "L".repeat(128) + " cs1=b",
            head + "x=" + "k".repeat(200) + "=v",
            head + "x=" + "k ".repeat(100) + "k".repeat(129) + "=v",
            head,
            head.substring(0, head.length() - 1),
            "CEF:0|a|b|c|d|e|Very-High|",
            "CEF:0|a|b|c|d|e| very high ",
            "CEF:0|a|b|c|d|e|-3|x=y",
            "CEF:0|a|b|c|d|e|99|x=y",
            "CEF:1.2|a\\|b|c\\\\d|e\\x|d|e|Medium|x=y",
            "CEF:1.|a|b|c|d|e|1|x=y",
            "CEF:123456789|a|b|c|d|e|1|x=y",
            "CEF:0|a|b|c|d|e|1|=y",
            "CEF:0|a|b|c|d|e|1|x",
            "CEF:0|a|b|c|d|e|1|  x=y  ",
            "CEF:0|a|b|c|d|e|1|x=y\r\n",
        };
        for (final String line : lines) {
            final byte[] b = line.getBytes(StandardCharsets.UTF_8);
            compare(p, b, false, got, want);
            compare(p, b, true, got, want);
        }
    }

    private static void compare(final Pair p, final byte[] input, final boolean prefilled, final TelemetryEvent got,
                                final TelemetryEvent want) {
        final int at = Math.max(indexOf(input, "CEF:".getBytes(StandardCharsets.US_ASCII)), 0);
        prepare(got, input, prefilled);
        final boolean okGot = p.decoder.decode(got, at, input.length);
        prepare(want, input, prefilled);
        final boolean okWant = p.reference.decode(want, at, input.length);
        final String text = new String(input, StandardCharsets.UTF_8);
        assertEquals(okWant, okGot, text);
        assertEquals(dump(want), dump(got), text);
    }

    private static void prepare(final TelemetryEvent e, final byte[] input, final boolean prefilled) {
        e.reset();
        e.setRaw(input, 0, input.length);
        e.receivedNanos = RECEIVED_NANOS;
        if (prefilled) {
            e.timestampNanos = 42;
            e.addField(Fields.LOG_SYSLOG_HOSTNAME, "host-1".getBytes(StandardCharsets.US_ASCII));
        }
    }

    static String dump(final TelemetryEvent e) {
        final StringBuilder b = new StringBuilder();
        b.append("reject=").append(e.rejectReason).append(" format=").append(e.format).append(" time=")
            .append(e.timestampNanos).append(" product=").append(e.logProduct).append(" category=")
            .append(e.logCategory).append(" fields=").append(e.fieldCount()).append('\n');
        for (int i = 0; i < e.fieldCount(); i++) {
            b.append(e.fieldId(i)).append(' ').append(e.fieldName(i)).append(" = [");
            final byte[] a = e.arena();
            for (int j = e.valueOffset(i); j < e.valueOffset(i) + e.valueLength(i); j++) {
                final int c = a[j] & 0xFF;
                if (c >= 0x20 && c < 0x7F && c != '%') {
                    b.append((char) c);
                } else {
                    b.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                }
            }
            b.append("]\n");
        }
        return b.toString();
    }

    private static byte[] mutate(final byte[] seed, final SplittableRandom random) {
        byte[] b = seed;
        final int edits = 1 + random.nextInt(4);
        for (int n = 0; n < edits; n++) {
            final int pos = random.nextInt(b.length + 1);
            switch (random.nextInt(8)) {
                case 0: // truncate
                    b = java.util.Arrays.copyOf(b, pos);
                    break;
                case 1: // delete a few bytes
                    final int len = Math.min(b.length - pos, 1 + random.nextInt(6));
                    final byte[] d = new byte[b.length - len];
                    System.arraycopy(b, 0, d, 0, pos);
                    System.arraycopy(b, pos + len, d, pos, b.length - pos - len);
                    b = d;
                    break;
                case 2: // a raw byte, possibly invalid UTF-8
                    b = insert(b, pos, new byte[] {(byte) random.nextInt(256)});
                    break;
                default:
                    b = insert(b, pos, INSERTS[random.nextInt(INSERTS.length)].getBytes(StandardCharsets.UTF_8));
                    break;
            }
        }
        return b;
    }

    private static byte[] insert(final byte[] b, final int pos, final byte[] what) {
        final byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, pos);
        System.arraycopy(what, 0, out, pos, what.length);
        System.arraycopy(b, pos, out, pos + what.length, b.length - pos);
        return out;
    }

    private List<byte[]> seeds() throws IOException {
        final List<byte[]> seeds = new ArrayList<>();
        for (final String f : new String[] {"cef/parser-test-lines.valid.cef", "cef/parser-test-lines.invalid.cef"}) {
            for (final String line : Files.readAllLines(corpus().resolve(f), StandardCharsets.UTF_8)) {
                seeds.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        final JsonNode root = json.readTree(corpus().resolve("vectors/cef/logstash-codec-cef.vectors.json").toFile());
        for (final JsonNode v : root.get("vectors")) {
            seeds.add(v.hasNonNull("input") ? v.get("input").asText().getBytes(StandardCharsets.UTF_8)
                : HexFormat.of().parseHex(v.get("input_bytes_hex").asText()));
        }
        try (Stream<Path> s = Files.list(corpus().resolve("vectors/cef/jcustenborder-cef-parser"))) {
            for (final Path f : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                final JsonNode v = json.readTree(f.toFile());
                if (v.has("input")) {
                    seeds.add(v.get("input").asText().getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        seeds.add(("CEF:0|Palo Alto Networks|PAN-OS|10.1.6|end|TRAFFIC|3|rt=Dec 03 2026 12:00:01 GMT "
            + "deviceExternalId=012801012345 src=10.1.2.3 dst=203.0.113.10 spt=51515 dpt=443 proto=TCP act=allow "
            + "suser=corp\\\\alice cs1Label=Rule cs1=allow-web-out deviceInboundInterface=ethernet1/2 "
            + "deviceOutboundInterface=ethernet1/1 in=1532 out=8812 cat=end app=ssl cnt=1")
            .getBytes(StandardCharsets.UTF_8));
        return seeds;
    }

    private record Pair(CefDecoder decoder, CefReferenceDecoder reference) {
    }
}
