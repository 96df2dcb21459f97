package io.vigie.ops.share;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class PseudonymizerTest {
    private static byte[] key(final int seed) {
        final byte[] k = new byte[32];
        Arrays.fill(k, (byte) seed);
        return k;
    }

    @Test
    void personalDataIsReplacedAttackerIndicatorsStayAndTheInputIsUntouched() {
        final Pseudonymizer p = new Pseudonymizer(key(1), null);
        final Alert a = new Alert();
        a.alertId = "x";
        a.tlp = Tlp.AMBER;
        a.ruleTitle = "Mail from carol@corp.example";
        a.group.put("source.ip", "203.0.113.9");
        a.group.put("destination.ip", "10.0.0.5");
        a.group.put("user.name", "alice");
        a.extra.put("event", new java.util.LinkedHashMap<>(Map.of("host.name", "pc-42", "message",
            "login by bob@corp.example from 192.168.7.7 to fd00::1", "source.user.name", "eve",
            "dns.question.name", "evil.example.org", "host.ip", "fe80::1")));
        a.extra.put("list", List.of("172.16.0.1", "8.8.8.8"));
        final Alert out = p.apply(a);
        assertEquals("203.0.113.9", out.group.get("source.ip"));
        assertEquals(p.pseudonym("destination.ip", "10.0.0.5"), out.group.get("destination.ip"));
        assertEquals(p.pseudonym("user.name", "alice"), out.group.get("user.name"));
        @SuppressWarnings("unchecked") final Map<String, Object> ev = (Map<String, Object>) out.extra.get("event");
        assertEquals(p.pseudonym("host.name", "pc-42"), ev.get("host.name"));
        assertEquals(p.pseudonym("source.user.name", "eve"), ev.get("source.user.name"));
        assertEquals("evil.example.org", ev.get("dns.question.name"));
        final String msg = (String) ev.get("message");
        assertTrue(msg.contains(p.pseudonym("email", "bob@corp.example")) && !msg.contains("bob@")
            && !msg.contains("192.168.7.7") && !msg.contains("fd00::1"), msg);
        assertEquals(p.pseudonym("ip", "fe80::1"), ev.get("host.ip"));
        assertEquals(List.of(p.pseudonym("ip", "172.16.0.1"), "8.8.8.8"), out.extra.get("list"));
        assertTrue(out.ruleTitle.startsWith("Mail from pseudo:"), out.ruleTitle);
        assertEquals("alice", a.group.get("user.name"));
        assertEquals("10.0.0.5", a.group.get("destination.ip"));
        assertTrue(p.pseudonym("user.name", "alice").matches("pseudo:[A-Za-z0-9_-]{22}"));
    }

    @Test
    void equalInputsLinkWithinADomainAndDomainsAreUnlinkable() {
        final Pseudonymizer d1 = new Pseudonymizer(key(1), null);
        final Pseudonymizer d1b = new Pseudonymizer(key(1), null);
        final Pseudonymizer d2 = new Pseudonymizer(key(2), null);
        assertEquals(d1.pseudonym("user.name", "alice"), d1b.pseudonym("user.name", "alice"));
        assertNotEquals(d1.pseudonym("user.name", "alice"), d2.pseudonym("user.name", "alice"));
        assertNotEquals(d1.pseudonym("user.name", "alice"), d1.pseudonym("user.name", "alicf"));
        assertNotEquals(d1.pseudonym("user.name", "alice"), d1.pseudonym("host.name", "alice"));
    }

    @Test
    void shortKeysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Pseudonymizer(new byte[31], null));
    }

    @Test
    void privateRangesAreRecognised() {
        for (final String s : List.of("10.1.1.1", "172.31.0.1", "192.168.0.1", "127.0.0.1", "169.254.1.1",
            "fd12::1", "fe80::2", "::1", "::ffff:10.0.0.1", "100.64.0.1")) {
            assertTrue(Pseudonymizer.isPrivate(Pseudonymizer.ipLiteral(s)), s);
        }
        for (final String s : List.of("203.0.113.7", "8.8.8.8", "172.32.0.1", "2001:db8::1")) {
            assertTrue(!Pseudonymizer.isPrivate(Pseudonymizer.ipLiteral(s)), s);
        }
        assertEquals(null, Pseudonymizer.ipLiteral("12:30:45"));
        assertEquals(null, Pseudonymizer.ipLiteral("1.2.3"));
    }
}
