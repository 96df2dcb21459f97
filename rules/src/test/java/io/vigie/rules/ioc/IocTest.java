package io.vigie.rules.ioc;

import com.sun.net.httpserver.HttpServer;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class IocTest {
    private static Path corpus() {
        final String p = System.getProperty("vigie.corpus");
        final Path path = p != null ? Paths.get(p) : Paths.get("../../shared/corpus");
        return Files.isDirectory(path) ? path : Paths.get("/work/shared/corpus");
    }

    private static byte[] resource(final String name) throws IOException {
        try (InputStream in = IocTest.class.getResourceAsStream("/ioc/" + name)) {
            return in.readAllBytes();
        }
    }

    private static TelemetryEvent event(final long seq, final String... kv) {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.seq = seq;
        e.timestampNanos = 1_700_000_000_000_000_000L + seq;
        for (int i = 0; i < kv.length; i += 2) {
            final byte[] v = kv[i + 1].getBytes(StandardCharsets.UTF_8);
            e.addField(Fields.id(kv[i]), v, 0, v.length);
        }
        return e;
    }

    private static List<Alert> match(final IndicatorSet set, final TelemetryEvent e) {
        final List<Alert> out = new ArrayList<>();
        new IocMatcher(new AtomicReference<>(set), 0, 1).onEvent(e, out::add);
        return out;
    }

    @Test
    void shouldReadTheStixExamplesOfTheCorpus() throws IOException {
        final Path dir = corpus().resolve("stix/examples");
        final List<IndicatorLoader.Result> results = new ArrayList<>();
        for (final String f : List.of("indicator-for-c2-ip-address.json", "indicators-for-C2-with-COA.json",
            "indicator-to-campaign-relationship.json", "malicious-email-indicator-with-attachment.json")) {
            results.add(IndicatorLoader.parse(f, Files.readAllBytes(dir.resolve(f)), IndicatorLoader.Format.AUTO,
                Tlp.GREEN));
        }
        assertEquals(1, results.get(0).indicators().size());
        assertEquals("indicator--33fe3b22-0201-47cf-85d0-97c02164528d", results.get(0).indicators().get(0).id());
        assertEquals(2, results.get(1).indicators().size());
        assertEquals(1, results.get(2).indicators().size(), "pattern with spaces inside the brackets");
        assertEquals(0, results.get(3).indicators().size());
        assertEquals(2, results.get(3).refused().size());
        assertTrue(results.get(3).refused().get(0).contains("unsupported"), results.get(3).refused().toString());
        final IndicatorSet set = IndicatorLoader.build(results);
        final List<Alert> hits = match(set, event(1, "destination.ip", "10.0.0.0", "file.hash.sha256",
            "EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C"));
        assertEquals(2, hits.size());
        assertEquals(Tlp.GREEN, hits.get(0).tlp);
    }

    @Test
    void shouldParseStixBundlesWithOrPatternsAndTlpMarkings() throws IOException {
        final IndicatorLoader.Result r = IndicatorLoader.parse("cert-xx", resource("stix-bundle.json"),
            IndicatorLoader.Format.STIX, Tlp.GREEN);
        assertEquals(6, r.indicators().size(), r.indicators().toString());
        final List<String> refused = r.refused();
        assertEquals(5, refused.size(), refused.toString());
        assertTrue(refused.get(0).contains("unsupported pattern operator 'AND'"), refused.get(0));
        assertTrue(refused.get(1).contains("'FOLLOWEDBY'"), refused.get(1));
        assertTrue(refused.get(2).contains("pattern_type 'snort'"), refused.get(2));
        assertTrue(refused.get(3).contains("revoked"), refused.get(3));
        assertTrue(refused.get(4).contains("operator"), refused.get(4));
        final IndicatorSet set = IndicatorLoader.build(List.of(r));

        List<Alert> hits = match(set, event(1, "source.ip", "203.0.113.77"));
        assertEquals(1, hits.size());
        final Alert a = hits.get(0);
        assertEquals("ioc", a.ruleType);
        assertEquals("indicator--0a1b2c3d-0000-4000-8000-000000000001", a.extra.get("indicator_id"));
        assertEquals("cert-xx", a.extra.get("source"));
        assertEquals(Tlp.AMBER, a.tlp);
        assertEquals(Map.of("source.ip", "203.0.113.77"), a.group);

        hits = match(set, event(2, "host.ip", "2001:db8:beef::42", "dns.question.name", "WWW.C2.Example.NET."));
        assertEquals(2, hits.size(), "IPv6 CIDR and parent domain");
        hits = match(set, event(3, "url.original", "http://c2.example.net/gate.php"));
        assertEquals(2, hits.size(), "URL and its host, two indicators");
        hits = match(set, event(4, "file.hash.md5", "0123456789ABCDEF0123456789ABCDEF",
            "file.hash.sha1", "0123456789abcdef0123456789abcdef01234567"));
        assertEquals(2, hits.size(), "two comparisons of one STIX indicator: one alert each");
        assertEquals(Tlp.AMBER_STRICT, hits.get(0).tlp);
        assertTrue(match(set, event(5, "source.ip", "203.0.114.1", "dns.question.name", "example.net")).isEmpty());
    }

    @Test
    void shouldParseMispCsvFeeds() throws IOException {
        final IndicatorLoader.Result r = IndicatorLoader.parse("misp", resource("misp-feed.csv"),
            IndicatorLoader.Format.AUTO, Tlp.GREEN);
        assertEquals(7, r.indicators().size(), r.indicators().toString());
        assertEquals(2, r.refused().size(), r.refused().toString());
        final IndicatorSet set = IndicatorLoader.build(List.of(r));
        assertEquals(3, r.refused().size(), r.refused().toString());
        assertTrue(r.refused().get(0).contains("unsupported MISP attribute type 'email-src'"));
        assertTrue(r.refused().get(1).contains("to_ids is false"));
        assertTrue(r.refused().get(2).contains("not an IP address"));
        assertEquals(6, set.size());
        final List<Alert> hits = match(set, event(7, "destination.ip", "198.51.100.200", "source.ip", "203.0.113.9",
            "dns.question.name", "evil.example.com", "file.hash.sha1", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
            "file.hash.md5", "d41d8cd98f00b204e9800998ecf8427e", "url.original", "http://bad.example.net/payload.bin"));
        assertEquals(6, hits.size());
        // one alert per indicator, in the event's field order: destination.ip first here
        assertEquals("5f1a0000-0000-4000-8000-000000000001", hits.get(0).extra.get("indicator_id"));
        assertEquals("198.51.100.200", hits.get(0).group.get("destination.ip"));
        assertEquals(Tlp.AMBER, hits.get(0).tlp, "attribute tag tlp:amber");
        assertEquals("5f1a0000-0000-4000-8000-000000000006", hits.get(1).extra.get("indicator_id"));
        assertEquals("203.0.113.9", hits.get(1).group.get("source.ip"));
        assertEquals(Tlp.GREEN, hits.get(1).tlp, "feed default");
        assertTrue(match(set, event(8, "destination.ip", "192.0.2.200")).isEmpty());
    }

    @Test
    void shouldMatchStixIndicatorsOnlyForEventsBeforeTheirExpiry() {
        final String bundle = "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
            + indicator(1, "[ipv4-addr:value = '198.51.100.1']", "\"valid_from\":\"2019-01-01T00:00:00Z\","
                + "\"valid_until\":\"2020-01-01T00:00:00.000Z\"")
            + "," + indicator(2, "[domain-name:value = 'EVIL.example']", "\"valid_from\":\"2030-06-01T00:00:00Z\"")
            + "," + indicator(3, "[ipv4-addr:value = '198.51.100.3']", "\"valid_from\":\"yesterday\"")
            + "," + indicator(4, "[ipv4-addr:value = '198.51.100.4']", "\"valid_from\":\"2021-01-01T00:00:00Z\","
                + "\"valid_until\":\"2021-01-01T00:00:00Z\"")
            + "," + indicator(5, "[ipv4-addr:value = '198.51.100.5']", "\"valid_from\":\"2019-01-01T00:00:00+02:00\"")
            + "," + indicator(6, "[domain-name:value = 'OLD.example']", "\"valid_from\":\"2019-01-01T00:00:00Z\","
                + "\"valid_until\":\"2020-01-01T00:00:00+01:00\"")
            + "," + indicator(7, "[ipv4-addr:value = '203.0.113.77']", "\"valid_from\":\"2019-01-01T00:00:00Z\","
                + "\"valid_until\":\"2020-01-01T00:00:00Z\"")
            + "," + indicator(8, "[ipv4-addr:value = '203.0.113.0/24']", "\"valid_from\":\"2019-01-01T00:00:00Z\"")
            + "," + indicator(9, "[domain-name:value = 'a.parent.example']", "\"valid_from\":\"2019-01-01T00:00:00Z\","
                + "\"valid_until\":\"2020-01-01T00:00:00Z\"")
            + "," + indicator(10, "[domain-name:value = 'parent.example']", "\"valid_from\":\"2019-01-01T00:00:00Z\"")
            + "]}";
        final IndicatorLoader.Result r = IndicatorLoader.parse("cert", bundle.getBytes(StandardCharsets.UTF_8),
            IndicatorLoader.Format.STIX, Tlp.GREEN);
        assertEquals(8, r.indicators().size(), r.indicators().toString());
        assertEquals(2, r.refused().size(), r.refused().toString());
        assertTrue(r.refused().get(0).contains("not a STIX timestamp: 'yesterday'"), r.refused().get(0));
        assertTrue(r.refused().get(1).contains("valid_until is not after valid_from"), r.refused().get(1));
        final IndicatorSet set = IndicatorLoader.build(List.of(r));
        final long y2019 = 1_546_300_800_000_000_000L + 3_600_000_000_000L; // 2019-01-01T01:00Z
        final long y2023 = 1_700_000_000_000_000_000L;
        final long y2031 = 1_924_992_000_000_000_000L; // 2031-01-01T00:00Z
        final IocMatcher m = new IocMatcher(new AtomicReference<>(set), 0, 1);
        final List<Alert> out = new ArrayList<>();
        final long[] times = {y2019, y2023, y2031};
        final String[] fields = {"destination.ip", "198.51.100.1", "dns.question.name", "www.evil.example",
            "source.ip", "198.51.100.5", "url.domain", "old.example", "host.ip", "203.0.113.77", "destination.domain",
            "x.a.parent.example"};
        final List<String> fired = new ArrayList<>();
        for (final long t : times) {
            final TelemetryEvent e = event(9, fields);
            e.timestampNanos = t;
            out.clear();
            m.onEvent(e, out::add);
            for (final Alert a : out) {
                fired.add(t + " " + a.extra.get("indicator_value"));
            }
        }
        // 198.51.100.1, old.example (kept through its lower-casing), 203.0.113.77 and a.parent.example expired at
        // the start of 2020: a replay of 2019 logs still finds them; later events do not, and fall back to the
        // next most specific indicator that is still valid (the /24, the parent domain). valid_from is not applied
        // (matching older events against newer indicators is a retro-hunt).
        final List<String> later = List.of(" evil.example", " 198.51.100.5", " 203.0.113.0/24", " parent.example");
        final List<String> want = new ArrayList<>(List.of(y2019 + " 198.51.100.1", y2019 + " evil.example",
            y2019 + " 198.51.100.5", y2019 + " old.example", y2019 + " 203.0.113.77", y2019 + " a.parent.example"));
        for (final long t : new long[] {y2023, y2031}) {
            later.forEach(v -> want.add(t + v));
        }
        assertEquals(want, fired);
        assertEquals(8, m.outsideValidity());
    }

    private static String indicator(final int n, final String pattern, final String validity) {
        return "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--" + n + "\","
            + "\"created\":\"2018-01-01T00:00:00Z\",\"modified\":\"2018-01-01T00:00:00Z\","
            + "\"pattern\":\"" + pattern + "\",\"pattern_type\":\"stix\"," + validity + "}";
    }

    @Test
    void shouldMatchDomainIndicatorsInEveryDomainField() {
        final IndicatorSet.Builder b = IndicatorSet.builder();
        assertNull(b.add(new Indicator(IndicatorType.DOMAIN, "evil.example", "d1", "t", Tlp.GREEN)));
        final IndicatorSet set = b.build();
        for (final String field : List.of("dns.question.name", "url.domain", "source.domain", "destination.domain")) {
            final List<Alert> hits = match(set, event(1, "user.name", "evil.example", field, "WWW.Evil.Example."));
            assertEquals(1, hits.size(), field);
            assertEquals("WWW.Evil.Example.", hits.get(0).group.get(field));
        }
        assertEquals(1, match(set, event(2, "url.original", "https://cdn.evil.example:8443/x?y=1")).size());
        assertTrue(match(set, event(3, "destination.domain", "notevil.example")).isEmpty());
        assertTrue(match(set, event(4, "user.name", "evil.example")).isEmpty(), "not a domain field");
    }

    @Test
    void shouldParsePlainListsWithCidrs() throws IOException {
        final IndicatorLoader.Result r = IndicatorLoader.parse("blocklist", resource("plain-list.txt"),
            IndicatorLoader.Format.PLAIN, null);
        final IndicatorSet set = IndicatorLoader.build(List.of(r));
        assertEquals(7, set.size());
        assertEquals(2, r.refused().size(), r.refused().toString());
        assertTrue(r.refused().get(0).contains("cannot tell the indicator type"));
        assertTrue(r.refused().get(1).contains("bad CIDR prefix"));
        assertEquals(1, match(set, event(1, "source.ip", "198.51.100.127")).size());
        assertEquals(0, match(set, event(2, "source.ip", "198.51.100.128")).size());
        assertEquals(1, match(set, event(3, "source.ip", "2001:db8:dead:ffff::1")).size());
        assertEquals(1, match(set, event(4, "source.ip", "2001:0db8:0:0:0:0:0:1")).size());
        assertEquals(0, match(set, event(5, "source.ip", "2001:db8::2")).size());
        assertEquals(1, match(set, event(6, "destination.ip", "::ffff:192.0.2.15")).size(), "IPv4-mapped");
        assertEquals(1, match(set, event(7, "url.domain", "cdn.malware.example.org")).size());
        assertEquals(0, match(set, event(8, "url.domain", "notmalware.example.org")).size());
        final List<Alert> hits = match(set, event(9, "url.original", "https://phish.example.com/login"));
        assertEquals(1, hits.size());
        assertEquals(Tlp.RED, hits.get(0).tlp, "no TLP given: the most restrictive");
        assertEquals("blocklist:7", hits.get(0).extra.get("indicator_id"));
        assertEquals(1, match(set, event(10, "file.hash.sha256",
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")).size());
        assertEquals(0, match(set, event(11, "source.ip", "not an ip", "dns.question.name", "")).size());
    }

    @Test
    void shouldSplitEventsAcrossWorkersBySequence() throws IOException {
        final IndicatorSet set = IndicatorLoader.build(List.of(IndicatorLoader.parse("l",
            "192.0.2.15\n".getBytes(StandardCharsets.UTF_8), IndicatorLoader.Format.PLAIN, Tlp.CLEAR)));
        final AtomicReference<IndicatorSet> ref = new AtomicReference<>(set);
        final IocMatcher[] workers = {new IocMatcher(ref, 0, 3), new IocMatcher(ref, 1, 3), new IocMatcher(ref, 2, 3)};
        final List<Alert> out = new ArrayList<>();
        for (int seq = 0; seq < 30; seq++) {
            final TelemetryEvent e = event(seq, "source.ip", "192.0.2.15");
            for (final IocMatcher w : workers) {
                w.onEvent(e, out::add);
            }
        }
        assertEquals(30, out.size());
        assertEquals(10, workers[1].matches());
    }

    @Test
    void shouldNotAllocateForEventsThatDoNotMatch() throws IOException {
        final IndicatorSet set = IndicatorLoader.build(List.of(IndicatorLoader.parse("blocklist",
            resource("plain-list.txt"), IndicatorLoader.Format.PLAIN, null)));
        final IocMatcher m = new IocMatcher(new AtomicReference<>(set), 0, 1);
        final TelemetryEvent e = event(1, "source.ip", "203.0.113.5", "destination.ip", "2001:db8:1::5",
            "dns.question.name", "www.example.com", "url.original", "https://www.example.com/a?b",
            "file.hash.sha256", "0000000000000000000000000000000000000000000000000000000000000000");
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
            ManagementFactory.getThreadMXBean();
        final io.vigie.engine.detect.AlertSink sink = a -> {
            throw new AssertionError("no hit expected");
        };
        for (int i = 0; i < 20_000; i++) {
            m.onEvent(e, sink);
        }
        final long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            m.onEvent(e, sink);
        }
        final long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 100_000, "allocated " + allocated + " bytes for 100k events");
    }

    @Test
    void shouldSwapSetsAtomically() throws Exception {
        final IndicatorSet a = IndicatorLoader.build(List.of(IndicatorLoader.parse("a",
            "192.0.2.1\n".getBytes(StandardCharsets.UTF_8), IndicatorLoader.Format.PLAIN, Tlp.CLEAR)));
        final IndicatorSet b = IndicatorLoader.build(List.of(IndicatorLoader.parse("b",
            "192.0.2.2\n".getBytes(StandardCharsets.UTF_8), IndicatorLoader.Format.PLAIN, Tlp.CLEAR)));
        final AtomicReference<IndicatorSet> ref = new AtomicReference<>(a);
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread swapper = new Thread(() -> {
            while (!stop.get()) {
                ref.set(ref.get() == a ? b : a);
            }
        }, "indicator-swapper");
        swapper.start();
        final IocMatcher m = new IocMatcher(ref, 0, 1);
        final TelemetryEvent e = event(1, "source.ip", "192.0.2.1", "destination.ip", "192.0.2.2");
        final AtomicInteger alerts = new AtomicInteger();
        final Map<Object, Boolean> sources = new ConcurrentHashMap<>();
        try {
            for (int i = 0; i < 50_000; i++) {
                final int n = m.onEvent(e, x -> {
                    alerts.incrementAndGet();
                    sources.put(x.extra.get("source"), true);
                });
                assertEquals(1, n, "each event sees exactly one whole set");
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertEquals(50_000, alerts.get());
        assertEquals(2, sources.size(), "both sets were used");
    }

    @Test
    void shouldReloadAFileFeedWhenItChanges(@TempDir final Path dir) throws IOException {
        final Path f = dir.resolve("list.txt");
        Files.writeString(f, "192.0.2.1\n");
        final AtomicReference<IndicatorSet> ref = new AtomicReference<>(IndicatorSet.EMPTY);
        try (IndicatorWatcher w = new IndicatorWatcher(List.of(IndicatorLoader.Source.file("local", f,
            IndicatorLoader.Format.AUTO, Tlp.GREEN)), ref)) {
            assertTrue(w.pollOnce());
            assertEquals(1, ref.get().size());
            assertFalse(w.pollOnce(), "unchanged");
            Files.writeString(f, "192.0.2.1\n192.0.2.2\n");
            Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
            assertTrue(w.pollOnce());
            assertEquals(2, ref.get().size());
            assertEquals(new IndicatorWatcher.FeedStats(2, 0, 0), w.feedStats().get("local"));
            Files.delete(f);
            assertFalse(w.pollOnce());
            assertEquals(1, w.lastErrors().size());
            assertEquals(2, ref.get().size(), "a failing feed keeps its indicators");
            assertFalse(w.pollOnce());
            assertEquals(new IndicatorWatcher.FeedStats(2, 0, 2), w.feedStats().get("local"), "failures counted");
        }
    }

    @Test
    void shouldLoadMispJsonFeedsOverHttpWithConditionalGets() throws Exception {
        final String uuid = "5f1b0000-0000-4000-8000-00000000abcd";
        final String event = "{\"Event\": {\"uuid\": \"" + uuid + "\", \"info\": \"test\", \"Tag\": [{\"name\": "
            + "\"tlp:amber\"}], \"Attribute\": [{\"uuid\": \"a-1\", \"type\": \"ip-dst\", \"value\": \"192.0.2.33\", "
            + "\"to_ids\": true}, {\"uuid\": \"a-2\", \"type\": \"hostname\", \"value\": \"bad.example\", "
            + "\"to_ids\": true, \"Tag\": [{\"name\": \"tlp:red\"}]}, {\"uuid\": \"a-3\", \"type\": \"comment\", "
            + "\"value\": \"x\", \"to_ids\": false}], \"Object\": [{\"name\": \"file\", \"Attribute\": [{\"uuid\": "
            + "\"a-4\", \"type\": \"sha256\", \"value\": \"" + "ab".repeat(32) + "\", \"to_ids\": true}]}]}}";
        final String manifest = "{\"" + uuid + "\": {\"info\": \"test\", \"timestamp\": \"1700000000\"}}";
        final AtomicInteger manifestGets = new AtomicInteger();
        final AtomicInteger notModified = new AtomicInteger();
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/feed/", x -> {
            final String path = x.getRequestURI().getPath();
            byte[] body = null;
            if (path.endsWith("/manifest.json")) {
                manifestGets.incrementAndGet();
                if ("\"v1\"".equals(x.getRequestHeaders().getFirst("If-None-Match"))) {
                    notModified.incrementAndGet();
                    x.sendResponseHeaders(304, -1);
                    x.close();
                    return;
                }
                x.getResponseHeaders().add("ETag", "\"v1\"");
                body = manifest.getBytes(StandardCharsets.UTF_8);
            } else if (path.endsWith("/" + uuid + ".json")) {
                body = event.getBytes(StandardCharsets.UTF_8);
            }
            if (body == null) {
                x.sendResponseHeaders(404, -1);
            } else {
                x.sendResponseHeaders(200, body.length);
                try (OutputStream o = x.getResponseBody()) {
                    o.write(body);
                }
            }
            x.close();
        });
        server.start();
        try {
            final URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/feed/manifest.json");
            final AtomicReference<IndicatorSet> ref = new AtomicReference<>(IndicatorSet.EMPTY);
            try (IndicatorWatcher w = new IndicatorWatcher(List.of(new IndicatorLoader.Source("misp-json", uri,
                IndicatorLoader.Format.MISP_JSON, Tlp.GREEN)), ref)) {
                assertTrue(w.pollOnce(), w.lastErrors().toString());
                assertEquals(3, ref.get().size());
                assertEquals(List.of("a-3: to_ids is false (not for detection)"),
                    w.results().get("misp-json").refused());
                assertFalse(w.pollOnce());
                assertEquals(1, notModified.get());
                assertEquals(2, manifestGets.get());
            }
            final List<Alert> hits = match(ref.get(), event(1, "destination.ip", "192.0.2.33",
                "dns.question.name", "x.bad.example", "file.hash.sha256", "AB".repeat(32)));
            assertEquals(3, hits.size());
            assertEquals(Tlp.AMBER, hits.get(0).tlp);
            assertEquals(Tlp.RED, hits.get(1).tlp);
            assertEquals("a-4", hits.get(2).extra.get("indicator_id"));
        } finally {
            server.stop(0);
        }
    }
}
