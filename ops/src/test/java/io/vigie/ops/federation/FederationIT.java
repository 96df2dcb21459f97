package io.vigie.ops.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.Engine;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.journal.AlertTailer;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import io.vigie.ops.feed.stream.AlertQuery;
import io.vigie.ops.feed.stream.AlertStream;
import io.vigie.ops.http.HttpServer;
import io.vigie.ops.http.Router;
import io.vigie.ops.server.DetectionSetup;
import io.vigie.ops.server.Settings;
import io.vigie.ops.server.VigieServer;
import io.vigie.ops.share.ConfiguredSubscribers;
import io.vigie.ops.share.OutboundFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three SOC nodes and one hub on 127.0.0.1: the hub follows the SOCs' pseudonymised alert streams, and releases a
 * federated alert only when 3 SOCs corroborate an attacker indicator; no victim identifier reaches it in clear; a
 * SOC restarted on another port mid-run loses no alert and duplicates none.
 */
@Timeout(90)
class FederationIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "federation-pseudonymization-key-0123456789";
    private static final String HUB_TOKEN = "hub-token-0123456789abcdef";
    private static final String JCU_TOKEN = "jcu-token-0123456789abcdef";
    private static final String[] SECRETS = {"victim-a", "victim-b", "victim-c", "alice", "bob", "carol", "dave",
        "10.20.30.40"};

    @TempDir
    Path dir;

    private final Map<String, Integer> signalsByAlert = Collections.synchronizedMap(new HashMap<>());

    @Test
    void shouldReleaseOnlyCorroboratedPseudonymisedFederatedAlerts() throws Exception {
        final Path ssh = dir.resolve("ssh_failed.yml");
        Files.writeString(ssh, "title: SSH failed login\nid: 5f0c2a1e-7b9d-4c3e-8a6f-1d2e3f4a5b6c\n"
            + "logsource: {product: linux, service: sshd}\n"
            + "detection: {selection: {event.action: ssh_login, event.outcome: failure}, filter: {user.name: root},"
            + " condition: selection and not filter}\nlevel: high\ntags: [attack.credential-access]\n");
        final VigieServer[] socs = new VigieServer[3];
        final List<AtomicReference<URI>> urls = new ArrayList<>();
        final String[][] meta = {{"soc-1", "FR", "energy"}, {"soc-2", "DE", "health"}, {"soc-3", "IT", "energy"}};
        final List<PeerSubscriber.Peer> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            socs[i] = soc(meta[i][0], meta[i][1], meta[i][2], ssh);
            socs[i].start();
            final AtomicReference<URI> url = new AtomicReference<>(base(socs[i]));
            urls.add(url);
            peers.add(new PeerSubscriber.Peer(meta[i][0], url::get, HUB_TOKEN, meta[i][1], meta[i][2]));
        }
        final Path hubData = dir.resolve("hub");
        final PeerSubscriber.Settings ps = new PeerSubscriber.Settings();
        ps.minBackoff = Duration.ofMillis(100);
        ps.maxBackoff = Duration.ofMillis(500);
        try (Hub hub = new Hub(hubData, peers, ps)) {
            final HttpClient http = HttpClient.newHttpClient();
            syslog(socs[0], "victim-a", "alice", "203.0.113.66");
            syslog(socs[1], "victim-b", "bob", "203.0.113.66");
            syslog(socs[2], "victim-c", "carol", "203.0.113.66");
            syslog(socs[0], "victim-a", "alice", "198.51.100.9");
            syslog(socs[1], "victim-b", "bob", "198.51.100.9");
            syslog(socs[2], "victim-c", "dave", "10.20.30.40");
            await(() -> federated(hubData, "203.0.113.66") != null, "federated alert for 203.0.113.66");
            final JsonNode first = federated(hubData, "203.0.113.66");
            assertEquals("federated", first.path("rule").path("type").asText());
            assertEquals(List.of("soc-1", "soc-2", "soc-3"), strings(first.path("socs")));
            assertEquals(List.of("DE", "FR", "IT"), strings(first.path("countries")));
            assertEquals(List.of("energy", "health"), strings(first.path("sectors")));

            // Restart soc-1 mid-run on new ports: an alert raised just before, one after; both reach the hub once.
            syslog(socs[1], "victim-b", "bob", "192.0.2.44");
            syslog(socs[2], "victim-c", "carol", "192.0.2.44");
            syslog(socs[0], "victim-a", "alice", "198.51.100.200");
            // A TCP write completes once the kernel has the bytes, not once soc-1 has read them: closing soc-1 right
            // away could drop the line with the connection (a flaky failure seen once). Its alert must exist first.
            await(() -> alertIds(dir.resolve("soc-1").resolve("alerts")).size() == 3, "soc-1 alert before restart");
            final VigieConfig c1 = socs[0].config();
            socs[0].close();
            socs[0] = new VigieServer(c1);
            socs[0].start();
            // Raised while the hub still points at the old, dead port (a network cut): delivered on reconnection.
            final VigieServer restarted = socs[0];
            syslog(restarted, "victim-a", "alice", "203.0.113.77");
            await(() -> alertIds(dir.resolve("soc-1").resolve("alerts")).size() == 4, "soc-1 alert while cut off");
            urls.get(0).set(base(restarted));
            syslog(restarted, "victim-a", "alice", "192.0.2.44");
            await(() -> federated(hubData, "192.0.2.44") != null, "federated alert for 192.0.2.44 after restart");
            final Set<String> soc1Alerts = alertIds(dir.resolve("soc-1").resolve("alerts"));
            assertEquals(5, soc1Alerts.size(), "soc-1 raised 5 alerts: " + soc1Alerts);
            await(() -> signalsByAlert.keySet().containsAll(soc1Alerts), "every soc-1 alert reached the hub");
            Thread.sleep(500);
            for (final String id : soc1Alerts) {
                assertEquals(1, signalsByAlert.get(id), "exactly once: " + id);
            }

            // Exactly one federated alert per corroborated indicator, none below k, no base-rule alert released.
            final Map<String, Set<String>> idsByIndicator = new LinkedHashMap<>();
            for (final JsonNode a : alerts(hubData.resolve("alerts"))) {
                assertEquals("federated", a.path("rule").path("type").asText(), a.toString());
                idsByIndicator.computeIfAbsent(a.path("group").path("signal.indicator").asText(),
                    k -> new LinkedHashSet<>()).add(a.path("alert_id").asText());
            }
            assertEquals(Set.of("203.0.113.66", "192.0.2.44"), idsByIndicator.keySet(), idsByIndicator.toString());
            for (final Set<String> ids : idsByIndicator.values()) {
                assertEquals(1, ids.size(), idsByIndicator.toString());
            }

            // No victim identifier in clear in any byte the hub journals or serves.
            final StringBuilder served = new StringBuilder();
            final HttpResponse<String> query = http.send(HttpRequest.newBuilder(URI.create(hub.base()
                + "/api/v1/alerts")).header("Authorization", "Bearer " + JCU_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, query.statusCode(), query.body());
            assertTrue(query.body().contains("203.0.113.66"), query.body());
            served.append(query.body());
            served.append(sse(http, hub.base()));
            assertTrue(served.toString().contains("192.0.2.44"), served.toString());
            for (final String s : SECRETS) {
                assertFalse(served.toString().contains(s), "served in clear: " + s);
            }
            try (Stream<Path> files = Files.walk(hubData)) {
                for (final Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    final String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    for (final String s : SECRETS) {
                        assertFalse(bytes.contains(s), "in clear in " + f + ": " + s);
                    }
                }
            }
            // The hub did see the victims, as pseudonyms (equal across SOCs under the shared key).
            assertTrue(hub.rawContains("pseudo:"), "victim pseudonyms travel as signal.victim");
        } finally {
            for (final VigieServer s : socs) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private VigieServer soc(final String id, final String country, final String sector, final Path rule) {
        final String yaml = "data_dir: " + dir.resolve(id) + "\nrules: [" + rule + "]\n"
            + "soc: {id: " + id + ", country: " + country + ", sector: " + sector + "}\n"
            + "ingest: {syslog: {port: 0, tlp: amber}}\nhttp: {port: 0}\nengine: {ring_size: 1024}\n"
            + "sharing:\n  pseudonymize: {key_env: K}\n"
            + "  subscribers: [{name: hub, token_env: T, max_tlp: amber}]\n";
        return new VigieServer(ConfigLoader.parse(yaml, id + ".yaml",
            n -> "K".equals(n) ? KEY : "T".equals(n) ? HUB_TOKEN : null));
    }

    private static URI base(final VigieServer s) {
        return URI.create("http://127.0.0.1:" + s.httpPort());
    }

    private static void syslog(final VigieServer s, final String host, final String user, final String ip)
        throws Exception {
        final String ts = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        final byte[] line = ("<38>1 " + ts + " " + host + " sshd 4242 - - Failed password for " + user + " from "
            + ip + " port 4242 ssh2").getBytes(StandardCharsets.UTF_8);
        try (Socket sock = new Socket(InetAddress.getLoopbackAddress(), s.syslogPort())) {
            final OutputStream out = sock.getOutputStream();
            out.write((line.length + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(line);
            out.flush();
        }
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + 40_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static JsonNode federated(final Path hubData, final String indicator) {
        for (final JsonNode a : alerts(hubData.resolve("alerts"))) {
            if (indicator.equals(a.path("group").path("signal.indicator").asText())) {
                return a;
            }
        }
        return null;
    }

    private static List<JsonNode> alerts(final Path alertDir) {
        final List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(alertDir)) {
            return out;
        }
        try (AlertTailer t = new AlertTailer(alertDir)) {
            for (byte[] a = t.next(); a != null; a = t.next()) {
                out.add(JSON.readTree(a));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private static Set<String> alertIds(final Path alertDir) {
        final Set<String> out = new LinkedHashSet<>();
        for (final JsonNode a : alerts(alertDir)) {
            out.add(a.path("alert_id").asText());
        }
        return out;
    }

    private static List<String> strings(final JsonNode array) {
        final List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Reads the hub's SSE stream from the start until both federated alerts came (bounded). */
    private static String sse(final HttpClient http, final String base) throws Exception {
        final HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base
            + "/api/v1/alerts/stream?from=start")).header("Authorization", "Bearer " + JCU_TOKEN).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        final StringBuilder sb = new StringBuilder();
        try (InputStream in = r.body()) {
            final byte[] buf = new byte[8192];
            final long deadline = System.nanoTime() + 20_000_000_000L;
            while (!(sb.toString().contains("203.0.113.66") && sb.toString().contains("192.0.2.44"))
                && System.nanoTime() < deadline) {
                final int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }

    /** A hub node assembled as VigieServer would with federation wired in (see the Federation javadoc). */
    private final class Hub implements AutoCloseable {
        private final Path data;
        private final EngineCounters counters = new EngineCounters();
        private final DetectionSetup detection;
        private final Federation federation;
        private final Engine engine;
        private final AlertStream stream;
        private final AlertQuery query;
        private final HttpServer http;

        Hub(final Path data, final List<PeerSubscriber.Peer> peers, final PeerSubscriber.Settings ps)
            throws Exception {
            this.data = data;
            final Path rules = rulePack();
            final VigieConfig c = ConfigLoader.parse("data_dir: " + data + "\nrules: [" + rules + "]\n"
                + "soc: {id: hub, country: EU, sector: isac}\nhttp: {port: 0}\nengine: {ring_size: 1024}\n",
                "hub.yaml", n -> null);
            detection = DetectionSetup.create(c, c.rules, Settings.detection(c));
            federation = new Federation(peers, c.dataDir, ps);
            final Engine.Configuration ec = Settings.engine(c, c.dataDir, detection.factory());
            ec.alertEnricher = federation.enricher(null);
            engine = new Engine(ec, counters);
            engine.start();
            final ConfiguredSubscribers subs = new ConfiguredSubscribers(List.of(
                new ConfiguredSubscribers.Spec("jcu", JCU_TOKEN, null, Tlp.AMBER, List.of())));
            final Router router = new Router();
            // No outbound filter at the hub: what it serves is exactly what it received and derived.
            stream = new AlertStream(c.dataDir.resolve("alerts"), subs, OutboundFilter.NONE,
                new AlertStream.Settings());
            stream.register(router);
            stream.start();
            engine.addAlertListener(a -> stream.wake());
            query = new AlertQuery(c.dataDir.resolve("alerts"), subs, OutboundFilter.NONE);
            query.register(router);
            http = new HttpServer("127.0.0.1", 0, router, null);
            http.start();
            final SignalSink ring = new RingSignalSink(engine.ring(), counters.listener(RingSignalSink.LISTENER));
            federation.start((json, tlp) -> {
                final JsonNode n;
                try {
                    n = JSON.readTree(json);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                signalsByAlert.merge(n.path("signal.alert_id").asText(), 1, Integer::sum);
                ring.publish(json, tlp);
            });
        }

        String base() {
            return "http://127.0.0.1:" + http.port();
        }

        boolean rawContains(final String s) throws java.io.IOException {
            try (Stream<Path> files = Files.walk(data.resolve("raw"))) {
                for (final Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(s)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private Path rulePack() throws Exception {
            final Path p = dir.resolve("federated_rules.yml");
            try (InputStream in = FederationIT.class.getResourceAsStream("/federation/federated_rules.yml")) {
                Files.write(p, in.readAllBytes());
            }
            return p;
        }

        @Override
        public void close() {
            federation.close();
            detection.close();
            engine.close();
            stream.close();
            query.close();
            http.close();
        }
    }

}
