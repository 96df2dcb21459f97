package io.vigie.ops.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static VigieConfig parse(final String yaml) {
        return ConfigLoader.parse(yaml, "vigie.yaml", name -> null);
    }

    private static String error(final String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void shouldGiveEmbeddedDefaults() {
        for (final VigieConfig c : List.of(ConfigLoader.defaults(), parse(""), parse("# nothing\n"))) {
            assertEquals("vigie", c.soc.id);
            assertEquals(Path.of("data"), c.dataDir);
            assertTrue(c.rules.isEmpty(), "empty rules means the bundled pack");
            assertEquals("127.0.0.1", c.ingest.syslog.bind);
            assertEquals(5514, c.ingest.syslog.port);
            assertTrue(c.ingest.syslog.udp);
            assertTrue(c.ingest.syslog.tcp);
            assertEquals("auto", c.ingest.syslog.format);
            assertEquals("red", c.ingest.syslog.tlp);
            assertEquals("block", c.ingest.syslog.policy);
            assertEquals(6514, c.ingest.tls.port);
            assertFalse(c.ingest.tls.configured());
            assertEquals(2514, c.ingest.relp.port);
            assertEquals("127.0.0.1", c.http.bind);
            assertEquals(8514, c.http.port);
            assertEquals(16_384, c.engine.ringSize);
            assertEquals(1, c.engine.workers);
            assertEquals("none", c.engine.sync);
            assertEquals("backoff", c.engine.waitStrategy);
            assertEquals(256, c.engine.journalWriteBehindMb);
            assertEquals(8 * 1024 * 1024, c.ingest.syslog.udpReceiveBufferBytes);
            assertEquals(3, c.federation.corroboration.minSocs);
            assertEquals(Duration.ofHours(1), c.federation.corroboration.window);
            assertNull(c.sharing.pseudonymize.key);
        }
    }

    @Test
    void shouldReadEverySection() throws Exception {
        final Path token = dir.resolve("token");
        Files.write(token, "s3cret-token\n".getBytes(StandardCharsets.UTF_8));
        final VigieConfig c = ConfigLoader.parse(String.join("\n",
            "soc: {id: soc-fr-1, country: FR, sector: energy}",
            "data_dir: /var/lib/vigie",
            "rules: [rules/, /etc/vigie/rules/]",
            "ingest:",
            "  syslog: {bind: 0.0.0.0, port: 0, udp: false, max_frame_bytes: 8192, format: RFC5424, tlp: amber,"
                + " policy: drop, lenient: true, time_zone: Europe/Paris}",
            "  tls: {port: 6515, cert: /c.pem, key: /k.pem, client_ca: /ca.pem}",
            "  relp: {enabled: true, port: 2515}",
            "http: {bind: 0.0.0.0, port: 9000, tls: {cert: /h.pem, key: /hk.pem}}",
            "engine: {ring_size: 1024, workers: 4, sync: async, wait_strategy: blocking, journal_write_behind_mb: 0}",
            "correlation: {out_of_orderness: 30s, late_policy: drop, max_keys: 500, max_values: 64,",
            "  pipeline_min_kb: 0}",
            "sharing:",
            "  pseudonymize: {key_env: VIGIE_KEY, fields: [user.name]}",
            "  subscribers:",
            "    - {name: isac-energy, token_file: " + token + ", max_tlp: green}",
            "federation:",
            "  peers: [{name: soc-de-1, url: 'https://de.example/taxii2/', token_env: PEER_TOKEN}]",
            "  corroboration: {min_socs: 2, window: 30m}",
            "field_mapping: {src_ip: source.ip, User: user.name}",
            "placeholders: {admins: [root, admin], svc: backup}",
            "decoders: {extractors: /etc/vigie/extractors.yml}",
            ""), "vigie.yaml", Map.of("VIGIE_KEY", "k3y", "PEER_TOKEN", "p33r")::get);
        assertEquals("soc-fr-1", c.soc.id);
        assertEquals("FR", c.soc.country);
        assertEquals("energy", c.soc.sector);
        assertEquals(Path.of("/var/lib/vigie"), c.dataDir);
        assertEquals(List.of(Path.of("rules/"), Path.of("/etc/vigie/rules/")), c.rules);
        assertEquals("0.0.0.0", c.ingest.syslog.bind);
        assertEquals(0, c.ingest.syslog.port);
        assertFalse(c.ingest.syslog.udp);
        assertTrue(c.ingest.syslog.tcp);
        assertEquals(8192, c.ingest.syslog.maxFrameBytes);
        assertEquals("rfc5424", c.ingest.syslog.format);
        assertEquals("amber", c.ingest.syslog.tlp);
        assertEquals("drop", c.ingest.syslog.policy);
        assertTrue(c.ingest.syslog.lenient);
        assertEquals("Europe/Paris", c.ingest.syslog.timeZone);
        assertTrue(c.ingest.tls.configured());
        assertEquals(Path.of("/ca.pem"), c.ingest.tls.clientCa);
        assertTrue(c.ingest.relp.enabled);
        assertEquals(2515, c.ingest.relp.port);
        assertEquals(9000, c.http.port);
        assertTrue(c.http.tls.configured());
        assertEquals(1024, c.engine.ringSize);
        assertEquals(4, c.engine.workers);
        assertEquals("async", c.engine.sync);
        assertEquals("blocking", c.engine.waitStrategy);
        assertEquals(0, c.engine.journalWriteBehindMb);
        assertEquals(Duration.ofSeconds(30), c.correlation.outOfOrderness);
        assertEquals("drop", c.correlation.latePolicy);
        assertEquals(500, c.correlation.maxKeys);
        assertEquals(64, c.correlation.maxValues);
        assertEquals(0, c.correlation.pipelineMinKb);
        assertEquals("k3y", c.sharing.pseudonymize.key.value());
        assertEquals(List.of("user.name"), c.sharing.pseudonymize.fields);
        assertEquals("isac-energy", c.sharing.subscribers.get(0).name);
        assertEquals("s3cret-token", c.sharing.subscribers.get(0).token.value());
        assertEquals("green", c.sharing.subscribers.get(0).maxTlp);
        assertEquals("p33r", c.federation.peers.get(0).token.value());
        assertEquals("https://de.example/taxii2/", c.federation.peers.get(0).url);
        assertEquals(2, c.federation.corroboration.minSocs);
        assertEquals(Duration.ofMinutes(30), c.federation.corroboration.window);
        assertEquals(Map.of("src_ip", "source.ip", "User", "user.name"), c.fieldMapping);
        assertEquals(List.of("root", "admin"), c.placeholders.get("admins"));
        assertEquals(List.of("backup"), c.placeholders.get("svc"));
        assertEquals(Path.of("/etc/vigie/extractors.yml"), c.decoders.extractors);
    }

    @Test
    void shouldNameUnknownKeyWithPathAndLine() {
        final String yaml = String.join("\n",
            "soc:",
            "  id: x",
            "ingest:",
            "  syslog:",
            "    bind: 127.0.0.1",
            "    port: 5514",
            "    prot: 5515",
            "");
        final String m = error(yaml);
        assertTrue(m.startsWith("unknown key 'ingest.syslog.prot' in vigie.yaml line 7"), m);
        assertTrue(error("colour: blue\n").startsWith("unknown key 'colour' in vigie.yaml line 1"));
        assertTrue(error("sharing:\n  subscribers:\n    - {name: a, tokn_file: /x}\n")
            .startsWith("unknown key 'sharing.subscribers[0].tokn_file' in vigie.yaml line 3"));
    }

    @Test
    void shouldNameKeyOnTypeAndRangeErrors() {
        assertEquals("key 'ingest.syslog.port' in vigie.yaml line 2: expected an integer in 0..65535, got 'abc'",
            error("ingest:\n  syslog: {port: abc}\n"));
        assertTrue(error("http:\n  port: 70000\n").startsWith("key 'http.port' in vigie.yaml line 2: expected an "
            + "integer in 0..65535, got 70000"));
        assertTrue(error("engine: {workers: 0}").startsWith("key 'engine.workers'"));
        assertTrue(error("engine: {ring_size: 1000}").contains("power of two"));
        assertTrue(error("engine: {sync: sometimes}").contains("key 'engine.sync'"));
        assertTrue(error("engine: {journal_write_behind_mb: 64}").contains("expected 0 (off) or at least 200"));
        assertTrue(error("ingest: {syslog: {udp_receive_buffer_bytes: 1000}}")
            .contains("key 'ingest.syslog.udp_receive_buffer_bytes'"));
        assertTrue(error("ingest: {syslog: {udp: maybe}}").contains("key 'ingest.syslog.udp'"));
        assertTrue(error("ingest: {syslog: {tlp: purple}}").contains("key 'ingest.syslog.tlp'"));
        assertTrue(error("soc: [a, b]").contains("key 'soc'"));
        assertTrue(error("rules: {a: b}").contains("key 'rules'"));
        assertTrue(error("federation: {corroboration: {window: soon}}").contains("federation.corroboration.window"));
        assertTrue(error("http: {port: 1}\nhttp: {port: 2}\n").startsWith("duplicate key 'http'"));
        assertTrue(error("a: [unclosed").startsWith("cannot parse vigie.yaml"));
    }

    @Test
    void shouldReadSecretsFromFilesAndEnvironmentAndNeverPrintThem() throws Exception {
        final Path keyFile = dir.resolve("pseudo.key");
        Files.write(keyFile, "very-secret-key\r\n".getBytes(StandardCharsets.UTF_8));
        final VigieConfig c = ConfigLoader.parse("sharing:\n  pseudonymize: {key_file: " + keyFile + "}\n"
                + "federation:\n  peers: [{name: p, url: 'https://p/', token_env: TOKEN}]\n", "vigie.yaml",
            Map.of("TOKEN", "very-secret-token")::get);
        assertEquals("very-secret-key", c.sharing.pseudonymize.key.value());
        assertEquals("very-secret-token", c.federation.peers.get(0).token.value());
        final String described = String.join("\n", ConfigLoader.describe(c));
        assertFalse(described.contains("very-secret"), described);
        assertTrue(described.contains("file " + keyFile), described);
        assertTrue(described.contains("env TOKEN"), described);

        assertTrue(error("federation: {peers: [{name: p, token_env: MISSING}]}")
            .contains("environment variable MISSING is not set"));
        assertTrue(error("sharing: {pseudonymize: {key_file: " + dir.resolve("absent") + "}}")
            .contains("key 'sharing.pseudonymize.key_file'"));
        assertTrue(error("sharing: {pseudonymize: {key_file: /a, key_env: B}}").contains("not both"));
    }

    @Test
    void shouldParseTheShippedSampleAsTheDefaults() throws Exception {
        final String sample;
        try (var in = ConfigLoader.class.getResourceAsStream("/io/vigie/ops/vigie.sample.yaml")) {
            sample = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final VigieConfig c = parse(sample);
        final VigieConfig d = ConfigLoader.defaults();
        final List<String> described = ConfigLoader.describe(c);
        final List<String> defaults = ConfigLoader.describe(d);
        assertEquals(defaults.subList(1, defaults.size()).toString().replace("data_dir=data", "data_dir=./data"),
            described.subList(1, described.size()).toString());
    }

    @Test
    void shouldLoadFileAndReportUnreadableOne() throws Exception {
        final Path f = dir.resolve("vigie.yaml");
        Files.write(f, "data_dir: ./elsewhere\n".getBytes(StandardCharsets.UTF_8));
        final VigieConfig c = ConfigLoader.load(f);
        assertEquals(Path.of("./elsewhere"), c.dataDir);
        assertEquals(f, c.source);
        final String m = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml")))
            .getMessage();
        assertTrue(m.startsWith("cannot read configuration"), m);
    }
}
