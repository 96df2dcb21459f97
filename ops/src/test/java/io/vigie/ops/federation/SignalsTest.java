package io.vigie.ops.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Alert alert() {
        final Alert a = new Alert();
        a.alertId = "soc-1-42";
        a.soc = "soc-1";
        a.ruleTitle = "SSH failed login";
        a.ruleLevel = "high";
        a.tlp = Tlp.AMBER;
        a.lastSeenNanos = 1_796_000_000_123_000_000L;
        final Map<String, Object> event = new LinkedHashMap<>();
        event.put("source.ip", "203.0.113.66");
        event.put("destination.ip", "10.1.2.3");
        event.put("host.name", "pseudo:AAAAAAAAAAAAAAAAAAAAAA");
        event.put("user.name", "pseudo:BBBBBBBBBBBBBBBBBBBBBB");
        event.put("host.ip", "198.51.100.1");
        event.put("dns.question.name", "evil.example.net");
        event.put("url.original", "https://evil.example.net/x.sh");
        event.put("file.hash.sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        event.put("user.email", "mallory@corp.example");
        a.extra.put("event", event);
        return a;
    }

    @Test
    void shouldKeepOnlyAttackerSideIndicators() {
        final List<Signals.Indicator> ind = Signals.indicators(alert());
        assertEquals(List.of(new Signals.Indicator("203.0.113.66", "ip"),
            new Signals.Indicator("evil.example.net", "domain"),
            new Signals.Indicator("https://evil.example.net/x.sh", "url"),
            new Signals.Indicator("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "hash")), ind);
        assertEquals(Set.of("pseudo:AAAAAAAAAAAAAAAAAAAAAA", "pseudo:BBBBBBBBBBBBBBBBBBBBBB"),
            Signals.victims(alert()));
    }

    @Test
    void shouldWriteOneSignalPerIndicatorWithTheFederationLogsourceAndNoVictimInClear() throws Exception {
        final List<byte[]> frames = Signals.of(alert(), "peer-1", "FR", "energy");
        assertEquals(4, frames.size());
        final JsonNode n = JSON.readTree(frames.get(0));
        assertEquals("vigie", n.path("logsource.product").asText());
        assertEquals("federation", n.path("logsource.service").asText());
        assertEquals("203.0.113.66", n.path("signal.indicator").asText());
        assertEquals("ip", n.path("signal.indicator_type").asText());
        assertEquals("soc-1", n.path("signal.soc").asText());
        assertEquals("FR", n.path("signal.country").asText());
        assertEquals("energy", n.path("signal.sector").asText());
        assertEquals("soc-1-42", n.path("signal.alert_id").asText());
        assertEquals("SSH failed login", n.path("signal.rule").asText());
        assertEquals("high", n.path("signal.level").asText());
        assertEquals("2026-11-30T00:53:20.123Z", n.path("@timestamp").asText());
        assertEquals(2, n.path("signal.victim").size());
        for (final byte[] f : frames) {
            final String s = new String(f, StandardCharsets.UTF_8);
            assertFalse(s.contains("10.1.2.3"), s);
            assertFalse(s.contains("198.51.100.1"), "host.ip is the victim side: " + s);
            assertFalse(s.contains("mallory"), s);
        }
    }

    @Test
    void shouldTellPublicAddressesFromPrivateOnesWithoutResolvingNames() {
        assertTrue(Signals.publicIp("203.0.113.66"));
        assertTrue(Signals.publicIp("2001:db8::1"));
        assertFalse(Signals.publicIp("10.0.0.1"));
        assertFalse(Signals.publicIp("192.168.1.1"));
        assertFalse(Signals.publicIp("172.16.0.1"));
        assertFalse(Signals.publicIp("100.64.0.1"));
        assertFalse(Signals.publicIp("127.0.0.1"));
        assertFalse(Signals.publicIp("169.254.1.1"));
        assertFalse(Signals.publicIp("fd00::1"));
        assertFalse(Signals.publicIp("fe80::1"));
        assertFalse(Signals.publicIp("localhost"));
        assertFalse(Signals.publicIp("victim-a"));
        assertFalse(Signals.publicIp("1.2.3"));
    }
}
