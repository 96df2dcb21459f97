package io.vigie.ops.feed.forward;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CefFormatTest {
    @Test
    void escapesHeaderAndExtensionsAndFramesByOctetCount() {
        final Alert a = new Alert();
        a.alertId = "id=1";
        a.ruleId = "r|1";
        a.ruleTitle = "Brute\\force | ssh\nnow";
        a.ruleLevel = "high";
        a.tlp = Tlp.AMBER;
        a.count = 7;
        a.timeNanos = 1_767_225_600_123_000_000L;
        a.firstSeenNanos = a.timeNanos;
        a.lastSeenNanos = a.timeNanos;
        a.group.put("source.ip", "203.0.113.7");
        a.extra.put("event", Map.of("user.name", "a=b\nc"));
        final String cef = CefFormat.cef(a, "1.0");
        assertTrue(cef.startsWith("CEF:0|Vigie|Vigie|1.0|r\\|1|Brute\\\\force \\| ssh now|8|rt=1767225600123 "), cef);
        assertTrue(cef.contains(" src=203.0.113.7 "), cef);
        assertTrue(cef.contains(" duser=a\\=b\\nc "), cef);
        assertTrue(cef.contains(" cs1Label=tlp cs1=amber cs2Label=alert_id cs2=id\\=1 "), cef);
        assertTrue(cef.contains(" cnt=7 "), cef);
        assertTrue(cef.endsWith(" msg=Brute\\\\force | ssh\\nnow (source.ip\\=203.0.113.7)"), cef);

        final byte[] msg = CefFormat.syslog(a, "soc fr", 16, "1.0");
        final String line = new String(msg, StandardCharsets.UTF_8);
        assertTrue(line.startsWith("<131>1 2026-01-01T00:00:00.123000Z soc_fr vigie - alert - CEF:0|"), line);
        final byte[] framed = CefFormat.octetCounted(msg);
        assertEquals(msg.length + " " + line, new String(framed, StandardCharsets.UTF_8));
        a.assessment.put("severity", "critical");
        assertEquals(10, CefFormat.severity(a));
    }
}
