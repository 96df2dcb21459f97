package io.vigie.ingest.codec.cef;

import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static io.vigie.ingest.codec.cef.CefTestSupport.decode;
import static io.vigie.ingest.codec.cef.CefTestSupport.field;
import static io.vigie.ingest.codec.cef.CefTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class CefDecoderTest {
    private static final String HEAD = "CEF:0|Fortinet|Fortigate|v5.6|00015|traffic forward|5|";

    private final CefDecoder decoder = new CefDecoder();

    @Test
    void shouldMapHeaderAndExtensionsToEcs() {
        final TelemetryEvent e = decode(decoder, HEAD + "src=10.0.0.1 spt=1232 dst=2.1.2.2 dpt=443 suser=alice "
            + "duser=bob act=blocked request=https://x/y?a\\=b requestMethod=POST proto=TCP dhost=d.example "
            + "shost=s.example fileHash=D41D8CD98F00B204E9800998ECF8427E fname=a.exe filePath=/tmp/a.exe "
            + "dvc=ubuntusvr dvchost=fw1 app=HTTPS in=10 out=20 outcome=Success cat=traffic:forward "
            + "deviceExternalId=FG100 requestClientApplication=curl/8.0");
        assertEquals(0, e.rejectReason);
        assertEquals(EventFormat.CEF, e.format);
        assertEquals("0", e.get("cef.version"));
        assertEquals("Fortinet", e.get("observer.vendor"));
        assertEquals("Fortigate", e.get("observer.product"));
        assertEquals("v5.6", e.get("observer.version"));
        assertEquals("00015", e.get("event.code"));
        assertEquals("traffic forward", e.get("cef.name"));
        assertEquals("traffic forward", e.get("message"));
        assertEquals("5", e.get("event.severity"));
        assertEquals("10.0.0.1", e.get("source.ip"));
        assertEquals("1232", e.get("source.port"));
        assertEquals("2.1.2.2", e.get("destination.ip"));
        assertEquals("443", e.get("destination.port"));
        assertEquals("alice", e.get("source.user.name"));
        assertEquals("bob", e.get("user.name"));
        assertEquals("bob", e.get("destination.user.name"));
        assertEquals("blocked", e.get("event.action"));
        assertEquals("https://x/y?a=b", e.get("url.original"));
        assertEquals("POST", e.get("http.request.method"));
        assertEquals("tcp", e.get("network.transport"));
        assertEquals("d.example", e.get("destination.domain"));
        assertEquals("s.example", e.get("source.domain"));
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", e.get("file.hash.md5"));
        assertEquals("a.exe", e.get("file.name"));
        assertEquals("/tmp/a.exe", e.get("file.path"));
        assertEquals(List.of("ubuntusvr", "fw1"), field(e, "observer.hostname"));
        assertNull(e.get("observer.ip"));
        assertEquals("https", e.get("network.protocol"));
        assertEquals("10", e.get("source.bytes"));
        assertEquals("20", e.get("destination.bytes"));
        assertEquals("success", e.get("event.outcome"));
        assertEquals("traffic:forward", e.get("cat"));
        assertEquals("FG100", e.get("deviceExternalId"));
        assertEquals("curl/8.0", e.get("user_agent.original"));
        assertNull(e.get("src"));
        assertEquals(Logsources.id("fortigate"), e.logProduct);
        assertEquals(Logsources.FIREWALL, e.logCategory);
    }

    @Test
    void shouldKeepMsgAsMessageAndNameAsCefName() {
        final TelemetryEvent e = decode(decoder, HEAD + "msg=hello world");
        assertEquals(List.of("hello world"), field(e, "message"));
        assertEquals("traffic forward", e.get("cef.name"));
    }

    @Test
    void shouldApplyCustomLabelsAndKeepTheRawKeys() {
        final TelemetryEvent e = decode(decoder, HEAD
            + "cs1=maui cs1Label=policy_name cn3=3263585818 cn3Label=attack_id cfp15=3.14 cfp15Label=pi "
            + "deviceCustomString2=x deviceCustomString2Label=Full Name cs4Label=source.ip cs4=spoof cs5Label=");
        assertEquals("maui", e.get("policy_name"));
        assertEquals("maui", e.get("cs1"));
        assertEquals("policy_name", e.get("cs1Label"));
        assertEquals("3263585818", e.get("attack_id"));
        assertEquals("3.14", e.get("pi"));
        assertEquals("x", e.get("Full Name"));
        // A label naming a normalised field cannot pose as it.
        assertNull(e.get("source.ip"));
        assertEquals("spoof", e.get("cef.extensions.source.ip"));
    }

    @Test
    void shouldKeepKeysInEcsNamespacesUnderCefExtensions() {
        final TelemetryEvent e = decode(decoder, HEAD + "source.ip=6.6.6.6 src=1.2.3.4 ad.field[0]=x");
        assertEquals(List.of("1.2.3.4"), field(e, "source.ip"));
        assertEquals("6.6.6.6", e.get("cef.extensions.source.ip"));
        assertEquals("x", e.get("ad.field[0]"));
    }

    @ParameterizedTest
    @CsvSource({"10,10", "0,0", "12,10", "Unknown,0", "Low,3", "medium,6", "High,8", "Very-High,10", "VERY-HIGH,10"})
    void shouldMapSeverity(final String severity, final String expected) {
        final TelemetryEvent e = decode(decoder, "CEF:0|v|p|1|sig|name|" + severity + "|a=b");
        assertEquals(severity, e.get("cef.severity"));
        assertEquals(expected, e.get("event.severity"));
    }

    @Test
    void shouldLeaveSeverityAbsentForUnknownText() {
        final TelemetryEvent e = decode(decoder, "CEF:0|v|p|1|sig|name|Critical-ish|a=b");
        assertEquals(0, e.rejectReason);
        assertNull(e.get("event.severity"));
    }

    @Test
    void shouldSetTimestampFromRtStartOrEnd() {
        assertEquals(1_305_034_099_211_000_000L, decode(decoder, HEAD + "rt=1305034099211").timestampNanos);
        assertEquals(nanos("2010-09-10T16:03:00Z"), decode(decoder, HEAD + "rt=Sep 10 2010 16:03:00").timestampNanos);
        assertEquals(nanos("2015-03-09T03:58:25Z"),
            decode(decoder, HEAD + "rt=Mar 09 2015 11:58:25 GMT+08:00").timestampNanos);
        assertEquals(nanos("2017-07-19T07:50:21.127Z"),
            decode(decoder, HEAD + "rt=Jul 19 2017 10:50:21.127 dtz=Europe/Moscow").timestampNanos);
        assertEquals(nanos("2017-01-19T09:50:21Z"),
            decode(decoder, HEAD + "rt=Jan 19 2017 10:50:21 CET").timestampNanos);
        // No year: the receive year (2017).
        assertEquals(nanos("2017-04-30T10:00:00Z"), decode(decoder, HEAD + "start=Apr 30 10:00:00").timestampNanos);
        assertEquals(nanos("2016-08-19T21:51:08Z"), decode(decoder, HEAD + "end=2016-08-19T21:51:08+00:00")
            .timestampNanos);
        assertEquals(TelemetryEvent.NO_TIME, decode(decoder, HEAD + "rt=yesterday").timestampNanos);
        assertEquals(TelemetryEvent.NO_TIME, decode(decoder, HEAD + "rt=Jul 19 2017 10:50:21 Mars/Olympus")
            .timestampNanos);
    }

    @Test
    void shouldHonourDecoderTimeZone() {
        final CefDecoder paris = new CefDecoder(java.time.ZoneId.of("Europe/Paris"), 100, false);
        assertEquals(nanos("2017-07-19T08:50:21Z"), decode(paris, HEAD + "rt=Jul 19 2017 10:50:21").timestampNanos);
        final CefDecoder utc = new CefDecoder(ZoneOffset.UTC, 100, false);
        assertEquals(nanos("2017-07-19T10:50:21Z"), decode(utc, HEAD + "rt=Jul 19 2017 10:50:21").timestampNanos);
    }

    @Test
    void shouldRejectFourHeaderFields() {
        assertEquals(RejectReason.CEF_BAD_HEADER, reason(decode(decoder, "CEF:0|a|b|c")));
        assertEquals(RejectReason.CEF_BAD_HEADER, reason(decode(decoder, "CEF:x|a|b|c|d|e|5|")));
        assertEquals(RejectReason.CEF_BAD_HEADER, reason(decode(decoder, "CEF:|a|b|c|d|e|5|")));
        assertEquals(RejectReason.CEF_BAD_HEADER, reason(decode(decoder, "CEF:0")));
    }

    @Test
    void shouldTreatAnEighthHeaderFieldAsExtension() {
        assertEquals(RejectReason.CEF_BAD_EXTENSION, reason(decode(decoder, "CEF:0|a|b|c|d|e|5|x|y")));
        final TelemetryEvent e = decode(decoder, "CEF:0|a|b|c|d|e|5|k=v|w");
        assertEquals(0, e.rejectReason);
        assertEquals("v|w", e.get("k"));
    }

    @Test
    void shouldKeepTrailingLoneBackslashUnlessStrict() {
        final TelemetryEvent e = decode(decoder, HEAD + "k=abc\\");
        assertEquals(0, e.rejectReason);
        assertEquals("abc\\", e.get("k"));
        final CefDecoder strict = new CefDecoder(ZoneOffset.UTC, 1000, true);
        assertEquals(RejectReason.CEF_BAD_ESCAPE, reason(decode(strict, HEAD + "k=abc\\")));
        assertEquals(RejectReason.CEF_BAD_ESCAPE, reason(decode(strict, HEAD + "k=a\\b")));
        assertEquals(0, decode(strict, HEAD + "k=a\\=b\\\\c\\nd").rejectReason);
    }

    @Test
    void shouldKeepDuplicateKeysAsMultiValues() {
        final TelemetryEvent e = decode(decoder, HEAD + "src=1.1.1.1 k=a src=2.2.2.2 k=b k=");
        assertEquals(List.of("1.1.1.1", "2.2.2.2"), field(e, "source.ip"));
        assertEquals(List.of("a", "b", ""), values(e, "k"));
    }

    @Test
    void shouldRejectTenThousandPairs() {
        final StringBuilder b = new StringBuilder(HEAD);
        for (int i = 0; i < 10_000; i++) {
            b.append("k").append(i).append("=v ");
        }
        assertEquals(RejectReason.TOO_MANY_FIELDS, reason(decode(decoder, b.toString())));
        final StringBuilder ok = new StringBuilder(HEAD);
        for (int i = 0; i < CefDecoder.DEFAULT_MAX_PAIRS; i++) {
            ok.append("k=v").append(i).append(' ');
        }
        final TelemetryEvent e = decode(decoder, ok.toString());
        assertEquals(0, e.rejectReason);
        assertEquals(CefDecoder.DEFAULT_MAX_PAIRS, values(e, "k").size());
    }

    @Test
    void shouldKeepJndiLookupsAsInertData() {
        final TelemetryEvent e = decode(decoder, HEAD + "msg=${jndi:ldap://x/a} suser=${jndi:ldap://x}");
        assertEquals("${jndi:ldap://x/a}", e.get("message"));
        assertEquals("${jndi:ldap://x}", e.get("source.user.name"));
    }

    @Test
    void shouldRejectInvalidUtf8AndRawNewlines() {
        final byte[] bad = (HEAD + "msg=caf\u00e9").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(RejectReason.BAD_UTF8, reason(decode(decoder, bad, new TelemetryEvent())));
        assertEquals(RejectReason.BAD_CHARACTER, reason(decode(decoder, HEAD + "msg=a\nCEF:0|x")));
        // A trailing line end is framing, not data.
        assertEquals(0, decode(decoder, HEAD + "msg=a\r\n").rejectReason);
        assertEquals("a", decode(decoder, HEAD + "msg=a\r\n").get("message"));
    }

    @Test
    void shouldKeepSyslogHeaderFieldsAlreadyDecoded() {
        final TelemetryEvent e = new TelemetryEvent();
        final byte[] raw = ("<13>host " + HEAD + "src=1.2.3.4").getBytes(StandardCharsets.UTF_8);
        e.reset();
        e.setRaw(raw, 0, raw.length);
        e.addField(io.vigie.engine.event.Fields.LOG_SYSLOG_HOSTNAME, "host".getBytes(StandardCharsets.UTF_8));
        assertTrue(decoder.decode(e, 9, raw.length));
        assertEquals("host", e.get("log.syslog.hostname"));
        assertEquals("1.2.3.4", e.get("source.ip"));
        // A reject backs out only the CEF fields.
        final byte[] bad = "<13>host CEF:0|a|b".getBytes(StandardCharsets.UTF_8);
        e.reset();
        e.setRaw(bad, 0, bad.length);
        e.addField(io.vigie.engine.event.Fields.LOG_SYSLOG_HOSTNAME, "host".getBytes(StandardCharsets.UTF_8));
        assertTrue(!decoder.decode(e, 9, bad.length));
        assertEquals(1, e.fieldCount());
    }

    @Test
    void shouldNotAllocateInSteadyState() {
        final byte[] line = (HEAD + "src=10.0.0.1 dst=2.1.2.2 spt=1232 cs1=a cs1Label=policy rt=Sep 10 2010 16:03:00 "
            + "dtz=Europe/Paris msg=hello \\= world act=blocked a | proto=TCP duser=bob")
            .getBytes(StandardCharsets.UTF_8);
        final TelemetryEvent e = new TelemetryEvent();
        for (int i = 0; i < 20_000; i++) {
            decode(decoder, line, e);
        }
        assertEquals(0, e.rejectReason);
        final long before = CefTestSupport.allocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            e.reset();
            e.setRaw(line, 0, line.length);
            e.receivedNanos = CefTestSupport.RECEIVED_NANOS;
            decoder.decode(e, 0, line.length);
        }
        final long allocated = CefTestSupport.allocatedBytes() - before;
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 10,000 frames");
    }

    private static RejectReason reason(final TelemetryEvent e) {
        return RejectReason.of(e.rejectReason);
    }

    private static long nanos(final String iso) {
        final Instant i = Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
