package io.vigie.ops.federation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FederationTest {
    @TempDir
    Path dir;

    @Test
    void shouldResolvePeerTokensFromFileOrEnvironment() throws Exception {
        final Path f = dir.resolve("t");
        Files.writeString(f, "file-token-0123456789\n");
        final List<PeerSubscriber.Peer> peers = Federation.peers(List.of(
            new Federation.Spec("soc-1", "https://soc1.example:8443", f, null, "FR", "energy"),
            new Federation.Spec("soc-2", "http://127.0.0.1:8080", null, "T2", null, null)),
            n -> "T2".equals(n) ? "env-token-0123456789" : null);
        assertEquals("file-token-0123456789", peers.get(0).token());
        assertEquals(URI.create("https://soc1.example:8443"), peers.get(0).url().get());
        assertEquals("FR", peers.get(0).country());
        assertEquals("env-token-0123456789", peers.get(1).token());
    }

    @Test
    void shouldRefuseAPeerWithoutTokenOrUrlOrWithABadName() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Federation.peers(
            List.of(new Federation.Spec("soc-1", "http://x", null, "MISSING", null, null)), n -> null));
        assertTrue(e.getMessage().contains("federation.peers[soc-1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Federation.peers(
            List.of(new Federation.Spec("soc-1", "ftp://x", null, "T", null, null)), n -> "t"));
        assertThrows(IllegalArgumentException.class, () -> Federation.peers(
            List.of(new Federation.Spec("../evil", "http://x", null, "T", null, null)), n -> "t"));
    }
}
