package io.vigie.ops.share;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.vigie.engine.alert.Tlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(30)
class ConfiguredSubscribersTest {
    private static HttpHeaders bearer(final String t) {
        return new DefaultHttpHeaders().set("Authorization", "Bearer " + t);
    }

    @Test
    void tokensAuthenticateOnlyTheirSubscriberAndAreNeverShown() {
        final ConfiguredSubscribers.Spec spec = new ConfiguredSubscribers.Spec("isac", "s3cret-token-0123456789",
            null, Tlp.GREEN, List.of());
        final ConfiguredSubscribers s = new ConfiguredSubscribers(List.of(spec,
            new ConfiguredSubscribers.Spec("jcu", "other-token-0123456789", null, Tlp.AMBER, List.of())));
        assertEquals("isac", s.authenticate(bearer("s3cret-token-0123456789"), null).name());
        assertEquals("jcu", s.authenticate(bearer("other-token-0123456789"), null).name());
        assertNull(s.authenticate(bearer("s3cret-token-012345678"), null));
        assertNull(s.authenticate(new DefaultHttpHeaders().set("Authorization", "Basic eDp5"), null));
        assertNull(s.authenticate(new DefaultHttpHeaders(), null));
        assertFalse(spec.toString().contains("s3cret"));
    }

    @Test
    void badConfigurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ConfiguredSubscribers(List.of(
            new ConfiguredSubscribers.Spec("short", "abc", null, Tlp.GREEN, List.of()))));
        assertThrows(IllegalArgumentException.class, () -> new ConfiguredSubscribers(List.of(
            new ConfiguredSubscribers.Spec("nothing", null, null, Tlp.GREEN, List.of()))));
        assertThrows(IllegalArgumentException.class, () -> new ConfiguredSubscribers(List.of(
            new ConfiguredSubscribers.Spec("a", "same-token-0123456789", null, Tlp.GREEN, List.of()),
            new ConfiguredSubscribers.Spec("b", "same-token-0123456789", null, Tlp.GREEN, List.of()))));
    }

    @Test
    void fingerprintsParse() {
        final String hex = "AB".repeat(32);
        assertEquals(32, ConfiguredSubscribers.fingerprint("sha256:" + hex).length);
        assertEquals(32, ConfiguredSubscribers.fingerprint(String.join(":", hex.split("(?<=\\G..)"))).length);
        assertNull(ConfiguredSubscribers.fingerprint("isac-client.example"));
    }
}
