package io.vigie.ops.feed.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.vigie.engine.Engine;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ops.feed.stix.StixMapper;
import io.vigie.ops.feed.stix.StixSchemas;
import io.vigie.ops.http.HttpServer;
import io.vigie.ops.http.Router;
import io.vigie.ops.share.ConfiguredSubscribers;
import io.vigie.ops.share.Pseudonymizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TAXII server over real HTTP on 127.0.0.1, over a real engine's alert journal. */
@Timeout(120)
class TaxiiServerIT {
    static final int ALERTS = 300;
    static final String CLEAR_C = "9c1b7f7e-0001-4a4e-9a53-000000000001";
    static final String GREEN_C = "9c1b7f7e-0001-4a4e-9a53-000000000002";
    static final String AMBER_C = "9c1b7f7e-0001-4a4e-9a53-000000000003";
    static final String STRICT_C = "9c1b7f7e-0001-4a4e-9a53-000000000004";
    static final String ALL_C = "9c1b7f7e-0001-4a4e-9a53-000000000005";
    static final String UNKNOWN_C = "9c1b7f7e-0001-4a4e-9a53-0000000000ff";
    static final String T_GREEN = "green-token-0123456789abcdef";
    static final String T_AMBER = "amber-token-0123456789abcdef";
    static final String T_LIMITED = "limited-token-0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SEEDED = new ArrayList<>();

    @TempDir
    static Path dir;
    static Engine engine;
    static TaxiiServer taxii;
    static HttpServer http;
    static HttpServer https;
    static String base;
    static String tlsBase;
    static HttpClient client;
    static HttpClient certClient;
    static HttpClient noCertTlsClient;
    static final StixSchemas SCHEMAS = new StixSchemas();

    @BeforeAll
    static void start() throws Exception {
        final Engine.Configuration ec = new Engine.Configuration();
        ec.dataDir = dir.resolve("data");
        ec.ringSize = 1024;
        ec.soc = "soc-fr-1";
        engine = new Engine(ec, new EngineCounters());
        engine.start();
        final Tlp[] labels = Tlp.values();
        for (int i = 0; i < ALERTS; i++) {
            engine.emit(alert(i, labels[i % labels.length]));
        }
        assertTrue(engine.drain(30, TimeUnit.SECONDS));

        final List<ConfiguredSubscribers.Spec> specs = new ArrayList<>();
        specs.add(new ConfiguredSubscribers.Spec("isac-green", T_GREEN, null, Tlp.GREEN, List.of()));
        specs.add(new ConfiguredSubscribers.Spec("jcu", T_AMBER, null, Tlp.AMBER_STRICT, List.of()));
        specs.add(new ConfiguredSubscribers.Spec("limited", T_LIMITED, null, Tlp.AMBER, List.of(GREEN_C)));
        specs.add(new ConfiguredSubscribers.Spec("cert-isac", null, "isac-client.example", Tlp.AMBER, List.of()));
        final ConfiguredSubscribers subs = new ConfiguredSubscribers(specs);
        final List<TaxiiCollection> cs = List.of(
            TaxiiCollection.of(CLEAR_C, "TLP:CLEAR", null, "clear", null, null),
            TaxiiCollection.of(GREEN_C, "TLP:GREEN", null, "green", null, null),
            TaxiiCollection.of(AMBER_C, "TLP:AMBER", null, "amber", null, null),
            TaxiiCollection.of(STRICT_C, "TLP:AMBER+STRICT", null, "amber+strict", null, null),
            TaxiiCollection.of(ALL_C, "Authorities", "everything up to amber+strict", null, "amber+strict",
                List.of("jcu", "cert-isac")));
        final Pseudonymizer pseudo = new Pseudonymizer("k".repeat(40).getBytes(StandardCharsets.UTF_8), null);
        final StixMapper mapper = new StixMapper("soc-fr-1", List.of("energy"), "FR", pseudo);
        taxii = new TaxiiServer(new AlertIndex(ec.dataDir.resolve("alerts"), 100_000, 5), subs, mapper, cs, null)
            .start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (taxii.index().size() < ALERTS && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(ALERTS, taxii.index().size());

        final Router router = taxii.register(new Router());
        http = new HttpServer("127.0.0.1", 0, router, null);
        base = "http://127.0.0.1:" + http.start();
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        // TLS with optional client certificates from a test CA.
        final TestPki.Issued ca = TestPki.ca("vigie-test-ca");
        final TestPki.Issued server = TestPki.leaf(ca, "localhost", "localhost");
        final TestPki.Issued clientCert = TestPki.leaf(ca, "isac-client.example");
        final Path[] sp = server.write(dir, "server");
        final Path[] cap = ca.write(dir, "ca");
        final SslContext ssl = SslContextBuilder.forServer(sp[0].toFile(), sp[1].toFile())
            .trustManager(cap[0].toFile()).clientAuth(ClientAuth.OPTIONAL).build();
        https = new HttpServer("127.0.0.1", 0, router, ssl);
        tlsBase = "https://127.0.0.1:" + https.start();
        certClient = tlsClient(ca, clientCert);
        noCertTlsClient = tlsClient(ca, null);
    }

    private static HttpClient tlsClient(final TestPki.Issued ca, final TestPki.Issued cert) throws Exception {
        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.cert);
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (cert != null) {
            final KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", cert.keys.getPrivate(), "pw".toCharArray(),
                new Certificate[] {cert.cert, ca.cert});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "pw".toCharArray());
        }
        final SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (https != null) {
            https.close();
        }
        if (taxii != null) {
            taxii.index().close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    /** Alert i: a public attacker, and seeded personal data (user, host, private IPs, e-mail). */
    static Alert alert(final int i, final Tlp tlp) {
        final Alert a = new Alert();
        a.alertId = "alert-" + i;
        a.soc = "soc-fr-1";
        a.ruleId = "rule-" + (i % 7);
        a.ruleTitle = "Brute force from outside, case " + i + " (reported by analyst-" + i + "@soc.example)";
        a.ruleLevel = i % 2 == 0 ? "high" : "medium";
        a.ruleType = "event_count";
        a.timeNanos = 1_700_000_000_000_000_000L + i * 1_000_000_000L;
        a.firstSeenNanos = a.timeNanos - 60_000_000_000L;
        a.lastSeenNanos = a.timeNanos;
        a.count = 5L + i;
        a.tlp = tlp;
        a.tags.add("attack.credential_access");
        a.tags.add("attack.t1110");
        final String user = "zuser" + i + "q";
        final String host = "zhost" + i + "q.corp.internal";
        final String privateIp = "10.77." + (i / 200) + "." + (i % 200 + 1);
        final String privateSrc = "192.168.99." + (i % 250 + 1);
        final String email = "zperson" + i + "q@victim.example";
        synchronized (SEEDED) {
            SEEDED.add(user);
            SEEDED.add(host);
            SEEDED.add(privateIp);
            SEEDED.add(email);
            SEEDED.add("analyst-" + i + "@soc.example");
            if (i % 10 == 3) {
                SEEDED.add(privateSrc);
            }
        }
        a.group.put("source.ip", i % 10 == 3 ? privateSrc : "203.0." + (113 + i % 2) + "." + (i % 250 + 1));
        a.group.put("user.name", user);
        final Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("destination.ip", i % 10 == 3 ? "198.51.100." + (i % 250 + 1) : privateIp);
        ev.put("host.name", host);
        ev.put("source.user.name", user);
        ev.put("message", "failed password for " + user + " from " + privateIp + " mail " + email);
        ev.put("url.original", "https://evil" + i + ".example.net/login");
        a.extra.put("event", ev);
        return a;
    }

    static HttpResponse<byte[]> get(final HttpClient c, final String url, final String token, final String accept)
        throws Exception {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> get(final String path, final String token) throws Exception {
        return get(client, base + path, token, TaxiiServer.MEDIA_TYPE);
    }

    static String objects(final String collection) {
        return "/taxii2/vigie/collections/" + collection + "/objects/";
    }

    static JsonNode json(final HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static String enc(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Every object of a collection, following next cursors; checks page bounds and headers on the way. */
    static List<JsonNode> all(final String path, final String token, final int limit, final String extra,
                              final List<byte[]> bodies) throws Exception {
        final List<JsonNode> out = new ArrayList<>();
        String next = null;
        for (int guard = 0; guard < 10_000; guard++) {
            final String url = path + "?limit=" + limit + (extra == null ? "" : "&" + extra)
                + (next == null ? "" : "&next=" + enc(next));
            final HttpResponse<byte[]> r = get(url, token);
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            assertEquals(TaxiiServer.MEDIA_TYPE, r.headers().firstValue("content-type").orElse(null));
            if (bodies != null) {
                bodies.add(r.body());
            }
            final JsonNode page = json(r);
            final JsonNode objs = page.has("objects") ? page.get("objects") : page.get("versions");
            if (objs != null) {
                assertTrue(objs.size() <= limit);
                assertTrue(r.headers().firstValue("X-TAXII-Date-Added-First").isPresent());
                assertTrue(r.headers().firstValue("X-TAXII-Date-Added-Last").isPresent());
                objs.forEach(out::add);
            }
            if (!page.get("more").asBoolean()) {
                return out;
            }
            next = page.get("next").asText();
        }
        throw new AssertionError("paging did not end");
    }

    @Test
    void pagingReturnsEveryObjectExactlyOnceAndMatchesTheManifest() throws Exception {
        final List<JsonNode> paged = all(objects(ALL_C), T_AMBER, 17, null, null);
        final List<JsonNode> whole = all(objects(ALL_C), T_AMBER, 1000, null, null);
        final List<String> pagedIds = ids(paged);
        assertEquals(ids(whole), pagedIds);
        assertEquals(pagedIds.size(), new HashSet<>(pagedIds).size(), "no object twice");
        final int nonRed = ALERTS - ALERTS / Tlp.values().length;
        assertEquals(nonRed, count(paged, "indicator"));
        assertEquals(nonRed, count(paged, "sighting"));
        assertEquals(1, count(paged, "identity"));
        for (final JsonNode o : paged) {
            if (o.has("object_marking_refs")) {
                assertFalse(o.get("object_marking_refs").toString().contains(StixMapper.markingId(Tlp.RED)));
            }
        }
        final List<JsonNode> manifest = all("/taxii2/vigie/collections/" + ALL_C + "/manifest/", T_AMBER, 17, null,
            null);
        assertEquals(pagedIds, ids(manifest));
        for (int i = 0; i < manifest.size(); i++) {
            final JsonNode m = manifest.get(i);
            final JsonNode o = paged.get(i);
            final String version = o.has("modified") ? o.get("modified").asText()
                : o.has("created") ? o.get("created").asText() : m.get("date_added").asText();
            assertEquals(version, m.get("version").asText());
            assertEquals(StixMapper.MEDIA_TYPE, m.get("media_type").asText());
        }
        final JsonNode indicator = paged.stream().filter(o -> "indicator".equals(o.get("type").asText()))
            .findFirst().orElseThrow();
        final String id = indicator.get("id").asText();
        final JsonNode versions = json(get("/taxii2/vigie/collections/" + ALL_C + "/objects/" + id + "/versions/",
            T_AMBER));
        assertEquals(List.of(indicator.get("modified").asText()), List.of(versions.get("versions").get(0).asText()));
        final JsonNode one = json(get(objects(ALL_C) + id + "/", T_AMBER));
        assertEquals(indicator, one.get("objects").get(0));
        assertEquals(1, one.get("objects").size());
        final JsonNode typed = json(get(objects(ALL_C) + "?match[type]=sighting&limit=1000", T_AMBER));
        assertEquals(nonRed, typed.get("objects").size());
        assertEquals(404, get(objects(ALL_C) + "indicator--00000000-0000-5000-8000-000000000000/", T_AMBER)
            .statusCode());
    }

    @Test
    void addedAfterReturnsExactlyTheLaterObjects() throws Exception {
        final List<JsonNode> manifest = all("/taxii2/vigie/collections/" + ALL_C + "/manifest/", T_AMBER, 1000,
            null, null);
        final String cut = manifest.get(manifest.size() / 2).get("date_added").asText();
        final long cutMicros = TaxiiServer.micros(cut);
        final List<String> expected = new ArrayList<>();
        for (final JsonNode m : manifest) {
            if (TaxiiServer.micros(m.get("date_added").asText()) > cutMicros) {
                expected.add(m.get("id").asText());
            }
        }
        assertFalse(expected.isEmpty());
        assertEquals(expected, ids(all(objects(ALL_C), T_AMBER, 17, "added_after=" + enc(cut), null)));
    }

    @Test
    void mediaTypesAndNotAcceptable() throws Exception {
        for (final String p : List.of("/taxii2/", "/taxii2/vigie/", "/taxii2/vigie/collections/",
            "/taxii2/vigie/collections/" + GREEN_C + "/", objects(GREEN_C))) {
            final HttpResponse<byte[]> ok = get(client, base + p, T_GREEN, TaxiiServer.MEDIA_TYPE);
            assertEquals(200, ok.statusCode(), p);
            assertEquals(TaxiiServer.MEDIA_TYPE, ok.headers().firstValue("content-type").orElse(null));
            for (final String bad : List.of("application/json", "application/taxii+json;version=2.0", "text/html")) {
                final HttpResponse<byte[]> r = get(client, base + p, T_GREEN, bad);
                assertEquals(406, r.statusCode(), p + " " + bad);
                assertEquals("406", json(r).get("http_status").asText());
            }
            assertEquals(200, get(client, base + p, T_GREEN, "application/taxii+json").statusCode());
        }
        final JsonNode d = json(get("/taxii2/", T_GREEN));
        assertEquals("/taxii2/vigie/", d.get("default").asText());
        final JsonNode root = json(get("/taxii2/vigie/", T_GREEN));
        assertEquals(TaxiiServer.MEDIA_TYPE, root.get("versions").get(0).asText());
        final JsonNode cs = json(get("/taxii2/vigie/collections/", T_GREEN));
        final Set<String> seen = new HashSet<>();
        cs.get("collections").forEach(c -> seen.add(c.get("id").asText()));
        assertEquals(Set.of(CLEAR_C, GREEN_C), seen);
        assertEquals(StixMapper.MEDIA_TYPE, cs.get("collections").get(0).get("media_types").get(0).asText());
    }

    @Test
    void everyServedObjectValidatesAgainstTheStixSchemas() throws Exception {
        int n = 0;
        for (final JsonNode o : all(objects(ALL_C), T_AMBER, 1000, null, null)) {
            final String type = o.get("type").asText();
            assertEquals(List.of(), SCHEMAS.validate(type, JSON.writeValueAsString(o)), o.toString());
            n++;
        }
        assertTrue(n > 900, "objects validated: " + n);
    }

    @Test
    void authenticationMatrix() throws Exception {
        final HttpResponse<byte[]> none = get(objects(GREEN_C), null);
        final HttpResponse<byte[]> bad = get(objects(GREEN_C), "not-a-valid-token-at-all-xyz");
        assertEquals(401, none.statusCode());
        assertEquals(401, bad.statusCode());
        assertArrayEquals(none.body(), bad.body());
        assertEquals(401, get("/taxii2/", null).statusCode());
        assertArrayEquals(none.body(), get("/taxii2/vigie/collections/" + UNKNOWN_C + "/", null).body());

        // good token, wrong TLP: the amber collection does not exist for a green subscriber
        final HttpResponse<byte[]> forbidden = get(objects(AMBER_C), T_GREEN);
        final HttpResponse<byte[]> unknown = get(objects(UNKNOWN_C), T_GREEN);
        assertEquals(404, forbidden.statusCode());
        assertEquals(404, unknown.statusCode());
        assertArrayEquals(unknown.body(), forbidden.body());
        assertEquals(unknown.headers().map().keySet(), forbidden.headers().map().keySet());
        assertArrayEquals(get("/taxii2/vigie/collections/" + UNKNOWN_C + "/", T_GREEN).body(),
            get("/taxii2/vigie/collections/" + ALL_C + "/", T_GREEN).body());
        // audience and the subscriber's collection list
        assertEquals(404, get(objects(ALL_C), T_LIMITED).statusCode());
        assertEquals(404, get(objects(CLEAR_C), T_LIMITED).statusCode());
        assertEquals(200, get(objects(GREEN_C), T_LIMITED).statusCode());

        // good token: only green objects
        for (final JsonNode o : all(objects(GREEN_C), T_GREEN, 50, null, null)) {
            if (o.has("object_marking_refs") && !"identity".equals(o.get("type").asText())) {
                assertEquals(StixMapper.markingId(Tlp.GREEN), o.get("object_marking_refs").get(0).asText());
            }
        }
        // writes are refused after authentication
        final HttpResponse<byte[]> post = client.send(HttpRequest.newBuilder(URI.create(base + objects(GREEN_C)))
            .header("Authorization", "Bearer " + T_GREEN).header("Accept", TaxiiServer.MEDIA_TYPE)
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, post.statusCode());
        final HttpResponse<byte[]> anonPost = client.send(HttpRequest.newBuilder(URI.create(base + objects(GREEN_C)))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(401, anonPost.statusCode());
    }

    @Test
    void clientCertificateAuthenticatesOverTls() throws Exception {
        final HttpResponse<byte[]> r = get(certClient, tlsBase + "/taxii2/vigie/collections/", null,
            TaxiiServer.MEDIA_TYPE);
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        final Set<String> seen = new HashSet<>();
        json(r).get("collections").forEach(c -> seen.add(c.get("id").asText()));
        assertEquals(Set.of(CLEAR_C, GREEN_C, AMBER_C, ALL_C), seen);
        final List<JsonNode> objs = new ArrayList<>();
        final HttpResponse<byte[]> page = get(certClient, tlsBase + objects(ALL_C) + "?limit=1000", null,
            TaxiiServer.MEDIA_TYPE);
        json(page).get("objects").forEach(objs::add);
        for (final JsonNode o : objs) {
            if (o.has("object_marking_refs")) {
                final String m = o.get("object_marking_refs").get(0).asText();
                assertFalse(m.equals(StixMapper.markingId(Tlp.AMBER_STRICT))
                    || m.equals(StixMapper.markingId(Tlp.RED)));
            }
        }
        assertEquals(401, get(noCertTlsClient, tlsBase + "/taxii2/", null, TaxiiServer.MEDIA_TYPE).statusCode());
        assertEquals(200, get(noCertTlsClient, tlsBase + "/taxii2/", T_GREEN, TaxiiServer.MEDIA_TYPE).statusCode());
    }

    @Test
    void noSeededPersonalValueLeavesInAnyResponse() throws Exception {
        final List<byte[]> bodies = new ArrayList<>();
        final Map<String, List<String>> visible = Map.of(T_GREEN, List.of(CLEAR_C, GREEN_C),
            T_AMBER, List.of(CLEAR_C, GREEN_C, AMBER_C, STRICT_C, ALL_C), T_LIMITED, List.of(GREEN_C));
        for (final Map.Entry<String, List<String>> e : visible.entrySet()) {
            for (final String p : List.of("/taxii2/", "/taxii2/vigie/", "/taxii2/vigie/collections/")) {
                bodies.add(get(p, e.getKey()).body());
            }
            for (final String c : e.getValue()) {
                all(objects(c), e.getKey(), 23, null, bodies);
                all("/taxii2/vigie/collections/" + c + "/manifest/", e.getKey(), 1000, null, bodies);
            }
        }
        int scanned = 0;
        for (final byte[] b : bodies) {
            final String s = new String(b, StandardCharsets.UTF_8);
            for (final String seeded : SEEDED) {
                assertFalse(s.contains(seeded), "seeded personal value leaked: " + seeded);
            }
            scanned += b.length;
        }
        assertTrue(scanned > 100_000, "bytes scanned: " + scanned);
        // and the attacker side is shared: a public source and its URL
        final String everything = new String(bodies.get(bodies.size() - 2), StandardCharsets.UTF_8);
        assertNotNull(everything);
    }

    static List<String> ids(final List<JsonNode> objs) {
        final List<String> out = new ArrayList<>();
        for (final JsonNode o : objs) {
            out.add(o.get("id").asText());
        }
        return out;
    }

    static long count(final List<JsonNode> objs, final String type) {
        return objs.stream().filter(o -> type.equals(o.get("type").asText())).count();
    }
}
