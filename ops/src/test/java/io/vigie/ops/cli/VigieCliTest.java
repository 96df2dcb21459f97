package io.vigie.ops.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class VigieCliTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", "serve", "replay", "alerts", "events", "rules", "rules check", "loadgen"})
    void shouldPrintHelpForEveryCommand(final String command) {
        final String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");
        final Cli r = Cli.run(args);
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.startsWith("Usage: vigie"), r.toString());
        assertTrue(r.out.contains("--help"), r.toString());
        assertEquals("", r.err, r.toString());
    }

    @Test
    void shouldPrintVersion() {
        final Cli r = Cli.run("--version");
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.startsWith("vigie "), r.toString());
        assertEquals(0, Cli.run("serve", "--version").code);
    }

    @Test
    void shouldRejectBadArgumentsOnStderr() {
        assertUsageError(Cli.run(), "missing command");
        assertUsageError(Cli.run("frobnicate"), "frobnicate");
        assertUsageError(Cli.run("serve", "--bogus"), "--bogus");
        assertUsageError(Cli.run("replay"), "FILE");
        assertUsageError(Cli.run("rules"), "missing command");
        assertUsageError(Cli.run("rules", "check"), "PATH");
        assertUsageError(Cli.run("alerts", "--from", "abc"), "--from");
        assertUsageError(Cli.run("loadgen", "--rate", "10", "--duration", "1"), "--target");
        assertUsageError(Cli.run("loadgen", "--target", "nohost", "--rate", "10", "--duration", "1"), "HOST:PORT");
        assertUsageError(Cli.run("loadgen", "--target", "127.0.0.1:1", "--rate", "fast", "--duration", "1"),
            "--rate");
        assertUsageError(Cli.run("loadgen", "--target", "127.0.0.1:1", "--rate", "10", "--duration", "1",
            "--proto", "quic"), "unknown --proto");
        assertUsageError(Cli.run("loadgen", "--target", "127.0.0.1:1", "--rate", "10", "--duration", "0"),
            "--duration");
    }

    @Test
    void shouldFailClearlyOnUnreadableInputs() throws Exception {
        final Cli replay = Cli.run("replay", dir.resolve("absent.log").toString());
        assertEquals(1, replay.code, replay.toString());
        assertTrue(replay.err.contains("cannot read") && replay.err.contains("absent.log"), replay.toString());
        assertEquals("", replay.out);

        final Path log = dir.resolve("a.log");
        Files.write(log, "x\n".getBytes(StandardCharsets.UTF_8));
        final Cli format = Cli.run("replay", "--format", "xml", log.toString());
        assertEquals(2, format.code, format.toString());
        assertTrue(format.err.contains("--format"), format.toString());

        final Cli alerts = Cli.run("alerts", "--data", dir.toString());
        assertEquals(1, alerts.code, alerts.toString());
        assertTrue(alerts.err.contains("no alert journal"), alerts.toString());

        final Cli events = Cli.run("events", "--data", dir.toString());
        assertEquals(1, events.code, events.toString());
        assertTrue(events.err.contains("no raw journal"), events.toString());

        final Cli rules = Cli.run("rules", "check", dir.resolve("nope.yml").toString());
        assertEquals(1, rules.code, rules.toString());
        assertTrue(rules.err.contains("nope.yml"), rules.toString());
    }

    @Test
    void shouldReportConfigurationErrorsWithTheKey() throws Exception {
        final Path config = dir.resolve("vigie.yaml");
        Files.write(config, "ingest:\n  syslog:\n    prot: 1\n".getBytes(StandardCharsets.UTF_8));
        final Cli r = Cli.run("serve", "--config", config.toString());
        assertEquals(2, r.code, r.toString());
        assertTrue(r.err.contains("unknown key 'ingest.syslog.prot' in vigie.yaml line 3"), r.toString());
        assertEquals("", r.out);
        final Cli missing = Cli.run("serve", "--config", dir.resolve("none.yaml").toString());
        assertEquals(2, missing.code, missing.toString());
        assertTrue(missing.err.contains("cannot read configuration"), missing.toString());
    }

    private static void assertUsageError(final Cli r, final String mentions) {
        assertNotEquals(0, r.code, r.toString());
        assertEquals(2, r.code, r.toString());
        assertTrue(r.err.contains(mentions), r.toString());
        assertEquals("", r.out, r.toString());
    }
}
