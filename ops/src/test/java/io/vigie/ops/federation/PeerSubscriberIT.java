package io.vigie.ops.federation;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.server.VigieServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A subscriber against a real node's stream: resume from its position file, duplicates, refused token. */
@Timeout(60)
class PeerSubscriberIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "hub-token-0123456789abcdef";

    @TempDir
    Path dir;

    private final List<String> received = Collections.synchronizedList(new ArrayList<>());

    @Test
    void shouldResumeFromItsPersistedPositionAndSkipDuplicates() throws Exception {
        try (VigieServer soc = node()) {
            soc.start();
            final URI url = URI.create("http://127.0.0.1:" + soc.httpPort());
            final PeerSubscriber.Peer peer = new PeerSubscriber.Peer("soc-1", () -> url, TOKEN, "FR", "energy");
            final Path state = dir.resolve("hub").resolve("federation");
            final FederationTracker tracker = new FederationTracker(100, 10);
            soc.engine().emit(alert("a-1", "203.0.113.1"));
            soc.engine().emit(alert("a-2", "203.0.113.2"));
            try (PeerSubscriber s = new PeerSubscriber(peer, state, this::record, tracker, settings()).start()) {
                await(() -> received.size() == 2);
                soc.engine().emit(alert("a-2", "203.0.113.2"));
                soc.engine().emit(alert("a-3", "203.0.113.3"));
                await(() -> received.size() == 3 && s.duplicates() == 1);
                assertEquals(3, s.alerts());
            }
            final long saved = Long.parseLong(Files.readString(state.resolve("soc-1.position")).trim());
            assertTrue(saved >= 0);
            soc.engine().emit(alert("a-4", "203.0.113.4"));
            // A new subscriber (fresh duplicate set, as after a hub restart) resumes after the saved position.
            try (PeerSubscriber s = new PeerSubscriber(peer, state, this::record, tracker, settings()).start()) {
                await(() -> received.size() == 4);
                Thread.sleep(300);
                assertEquals(1, s.alerts());
            }
            assertEquals(List.of("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"), received);
            assertEquals(java.util.Set.of("soc-1"), tracker.scope("203.0.113.4", 0, Long.MAX_VALUE).socs());
        }
    }

    @Test
    void shouldRetryWithoutDeliveringWhenTheTokenIsRefused() throws Exception {
        try (VigieServer soc = node()) {
            soc.start();
            final URI url = URI.create("http://127.0.0.1:" + soc.httpPort());
            soc.engine().emit(alert("a-1", "203.0.113.1"));
            final PeerSubscriber.Peer peer = new PeerSubscriber.Peer("soc-1", () -> url,
                "wrong-token-0123456789abcdef", null, null);
            try (PeerSubscriber s = new PeerSubscriber(peer, dir.resolve("state"), this::record,
                new FederationTracker(10, 10), settings()).start()) {
                Thread.sleep(500);
                assertEquals(0, s.connects());
                assertEquals(List.of(), received);
            }
        }
    }

    private void record(final byte[] json, final Tlp tlp) {
        try {
            received.add(JSON.readTree(json).path("signal.indicator").asText());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private VigieServer node() {
        final String yaml = "data_dir: " + dir.resolve("soc") + "\nsoc: {id: soc-1, country: FR, sector: energy}\n"
            + "ingest: {syslog: {port: 0}}\nhttp: {port: 0}\nengine: {ring_size: 1024}\n"
            + "sharing:\n  subscribers: [{name: hub, token_env: T, max_tlp: amber}]\n";
        return new VigieServer(ConfigLoader.parse(yaml, "soc.yaml", n -> "T".equals(n) ? TOKEN : null));
    }

    private static Alert alert(final String id, final String ip) {
        final Alert a = new Alert();
        a.alertId = id;
        a.soc = "soc-1";
        a.ruleId = "r";
        a.ruleTitle = "t";
        a.tlp = Tlp.GREEN;
        a.timeNanos = System.currentTimeMillis() * 1_000_000L;
        a.firstSeenNanos = a.timeNanos;
        a.lastSeenNanos = a.timeNanos;
        a.group.put("source.ip", ip);
        a.extra.put("event", Map.of("host.name", "pseudo:AAAAAAAAAAAAAAAAAAAAAA"));
        return a;
    }

    private static PeerSubscriber.Settings settings() {
        final PeerSubscriber.Settings s = new PeerSubscriber.Settings();
        s.minBackoff = Duration.ofMillis(50);
        s.maxBackoff = Duration.ofMillis(200);
        return s;
    }

    private static void await(final BooleanSupplier c) throws InterruptedException {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out");
            }
            Thread.sleep(20);
        }
    }
}
