package io.vigie.ops.reload;

import io.vigie.engine.status.EngineCounters;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import io.vigie.ops.server.DetectionSetup;
import io.vigie.ops.server.RuleLoading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file watch (debounced) and the reload result, without an engine. */
@Timeout(60)
class RuleReloaderTest {
    private static final String RULE = String.join("\n",
        "title: marker %s",
        "id: 5b0a7e49-8a4a-4f4e-9d8e-1f0c3a6b2d11",
        "logsource: {product: linux, service: sshd}",
        "detection:",
        "  keywords: ['vigie-marker']",
        "  condition: keywords",
        "");

    @TempDir
    Path dir;

    @Test
    void shouldReloadOnceAFileChangeIsStableAndRefuseInvalidSets() throws Exception {
        final Path rules = Files.createDirectories(dir.resolve("rules"));
        final Path file = rules.resolve("a.yml");
        Files.write(file, String.format(java.util.Locale.ROOT, RULE, "one").getBytes(StandardCharsets.UTF_8));
        final VigieConfig c = ConfigLoader.parse("data_dir: " + dir + "\n", "vigie.yaml", n -> null);
        final DetectionOptions o = new DetectionOptions();
        final DetectionSetup d = DetectionSetup.create(c, List.of(rules), o);
        final EngineCounters counters = new EngineCounters();
        try (RuleReloader r = new RuleReloader(d, counters)) {
            assertTrue(r.reload("test").applied());
            assertFalse(r.pollFiles(), "nothing changed");

            Files.write(file,
                String.format(java.util.Locale.ROOT, RULE, "number two").getBytes(StandardCharsets.UTF_8));
            assertFalse(r.pollFiles(), "changed: wait one poll for the writes to settle");
            assertTrue(r.pollFiles(), "stable: reload");
            assertEquals("marker number two", d.factory().ruleSet().rule(0).title());
            assertFalse(r.pollFiles());

            // A new file in the directory counts; an invalid one is refused and not retried until it changes.
            Files.write(rules.resolve("b.yml"), "title: broken\nid: x\nlogsource: {product: linux}\n"
                .concat("detection: {condition: nothing}\n").getBytes(StandardCharsets.UTF_8));
            final long generation = d.factory().generation().number();
            assertFalse(r.pollFiles());
            assertTrue(r.pollFiles());
            assertEquals(generation, d.factory().generation().number(), "refused: nothing published");
            assertFalse(r.pollFiles());
            final RuleReloader.Result refused = r.reload("test");
            assertFalse(refused.applied());
            assertEquals(422, refused.httpStatus());
            assertEquals(1, refused.ok());
            assertEquals(1, refused.invalid());
            assertTrue(refused.errors().get(0).startsWith("invalid: "), refused.errors().toString());
            assertEquals(1, counters.gauge(RuleLoading.GAUGE_OK).get());
            assertEquals(0, counters.gauge(RuleLoading.GAUGE_INVALID).get());
            assertTrue(refused.toString().contains("\"applied\":false"), refused.toString());
        }
    }

    @Test
    void shouldRejectMalformedIntelSources() {
        final DetectionOptions.IntelSource s = new DetectionOptions.IntelSource();
        s.name = "x";
        assertThrows(IllegalArgumentException.class, s::toSource, "neither path nor url");
        s.url = "https://example.invalid/feed.txt";
        s.format = "csv";
        assertThrows(IllegalArgumentException.class, s::toSource, "unknown format");
        s.format = "misp-csv";
        assertEquals("x", s.toSource().name());
    }
}
