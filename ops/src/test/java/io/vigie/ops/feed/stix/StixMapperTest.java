package io.vigie.ops.feed.stix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.ops.share.Pseudonymizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class StixMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final StixSchemas schemas = new StixSchemas();
    private final Pseudonymizer pseudo = new Pseudonymizer(new byte[32], null);
    private final StixMapper mapper = new StixMapper("soc-fr-1", List.of("energy"), "FR", pseudo);

    static Alert alert(final String id, final Tlp tlp) {
        final Alert a = new Alert();
        a.alertId = id;
        a.soc = "soc-fr-1";
        a.ruleId = "r-ssh-brute";
        a.ruleTitle = "SSH brute force";
        a.ruleLevel = "high";
        a.ruleType = "event_count";
        a.timeNanos = 1_700_000_000_123_456_789L;
        a.firstSeenNanos = 1_700_000_000_000_000_000L;
        a.lastSeenNanos = 1_700_000_060_000_000_000L;
        a.count = 12;
        a.tlp = tlp;
        a.tags.add("attack.credential_access");
        a.tags.add("attack.t1110");
        a.group.put("source.ip", "203.0.113.7");
        a.group.put("user.name", "alice");
        a.extra.put("event", new java.util.LinkedHashMap<>(Map.of("destination.ip", "10.1.2.3",
            "host.name", "web-01", "url.original", "https://evil.example.net/x?a='b'",
            "dns.question.name", "evil.example.net", "file.hash.sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")));
        return a;
    }

    @Test
    void everyObjectAndTheBundleValidateAgainstTheOfficialSchemas() throws Exception {
        for (final Tlp t : Tlp.values()) {
            final Alert a = alert("a-" + t.label(), t);
            final byte[] bundle = mapper.bundle(a);
            final JsonNode b = JSON.readTree(bundle);
            assertEquals(List.of(), schemas.validate("bundle", new String(bundle, StandardCharsets.UTF_8)));
            int n = 0;
            for (final JsonNode o : b.get("objects")) {
                final String type = o.get("type").asText();
                assertEquals(List.of(), schemas.validate(type, JSON.writeValueAsString(o)), o.toString());
                if (!"marking-definition".equals(type)) {
                    assertTrue(o.has("object_marking_refs"), type);
                }
                n++;
            }
            // identity, clear marking, label marking, 4 SCOs (ip, domain, url, file), observed-data, indicator,
            // sighting
            assertEquals(t == Tlp.CLEAR ? 9 : 10, n);
        }
    }

    @Test
    void idsAreDeterministicAndTheIndicatorCarriesPatternAndAttack() throws Exception {
        final Alert a = alert("a-1", Tlp.GREEN);
        assertEquals(new String(mapper.bundle(a), StandardCharsets.UTF_8),
            new String(mapper.bundle(alert("a-1", Tlp.GREEN)), StandardCharsets.UTF_8));
        final List<Map<String, Object>> objs = mapper.alertObjects(a);
        final Map<String, Object> ind = objs.stream().filter(o -> "indicator".equals(o.get("type"))).findFirst()
            .orElseThrow();
        final String pattern = (String) ind.get("pattern");
        assertTrue(pattern.contains("[ipv4-addr:value = '203.0.113.7']"), pattern);
        assertTrue(pattern.contains("[file:hashes.'SHA-256' = 'e3b0c442"), pattern);
        assertTrue(pattern.contains("\\'b\\'"), pattern);
        assertFalse(pattern.contains("10.1.2.3"), pattern);
        assertEquals(List.of(Map.of("kill_chain_name", "mitre-attack", "phase_name", "credential-access")),
            ind.get("kill_chain_phases"));
        assertTrue(((String) ind.get("description")).contains("not attribution"));
        assertEquals("2023-11-14T22:13:20.123Z", ind.get("created"));
        assertEquals(a.tlp, Tlp.GREEN);
        assertEquals("alice", a.group.get("user.name"), "the input alert is never modified");
        final String all = new String(mapper.bundle(a), StandardCharsets.UTF_8);
        assertFalse(all.contains("alice") || all.contains("web-01") || all.contains("10.1.2.3"), all);
    }

    @Test
    void theValidatorRejectsWhatTheSchemasForbid() throws Exception {
        final Map<String, Object> ind = mapper.alertObjects(alert("a-3", Tlp.GREEN)).stream()
            .filter(o -> "indicator".equals(o.get("type"))).findFirst().orElseThrow();
        assertEquals(List.of(), schemas.validate("indicator", JSON.writeValueAsString(ind)));
        final Map<String, Object> noPattern = new java.util.LinkedHashMap<>(ind);
        noPattern.remove("pattern");
        assertFalse(schemas.validate("indicator", JSON.writeValueAsString(noPattern)).isEmpty());
        final Map<String, Object> noMillis = new java.util.LinkedHashMap<>(ind);
        noMillis.put("created", "2023-11-14T22:13:20Z");
        assertFalse(schemas.validate("indicator", JSON.writeValueAsString(noMillis)).isEmpty());
    }

    @Test
    void anAlertWithNoAttackerObservableYieldsNoAlertObject() {
        final Alert a = alert("a-2", Tlp.GREEN);
        a.group.clear();
        a.extra.clear();
        a.group.put("user.name", "bob");
        a.group.put("source.ip", "192.168.1.10");
        assertEquals(List.of(), mapper.alertObjects(a));
    }
}
