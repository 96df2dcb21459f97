package io.vigie.ingest.transport.relp;

import io.vigie.engine.Engine;
import io.vigie.engine.journal.RawJournalReader;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A private rsyslogd (imtcp in, omrelp out) forwards numbered lines to Vigie's RELP listener: every line must arrive
 * exactly once. Skipped when rsyslogd or its omrelp module is not installed.
 */
@Timeout(120)
class RsyslogRelpIT {
    private static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");
    private static final Path OMRELP = Path.of("/usr/lib/x86_64-linux-gnu/rsyslog/omrelp.so");

    @TempDir
    Path dir;

    @Test
    void shouldReceiveEveryMessageFromRsyslogExactlyOnce() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(RSYSLOGD) && Files.exists(OMRELP), "rsyslogd with omrelp absent");
        final EngineCounters counters = new EngineCounters();
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        c.ringSize = 256;
        final int n = 500;
        Process rsyslog = null;
        try (Engine engine = new Engine(c, counters)) {
            engine.start();
            final RelpSettings s = new RelpSettings();
            s.port = 0;
            final RelpListener listener = new RelpListener(s, engine, counters, () -> RelpListenerTest.WHOLE_FRAME);
            try {
                final int relpPort = listener.start();
                final int tcpPort = freePort();
                final Path work = Files.createDirectories(dir.resolve("rsyslog"));
                final Path conf = work.resolve("rsyslog.conf");
                Files.writeString(conf, String.join("\n",
                    "global(workDirectory=\"" + work + "\")",
                    "module(load=\"imtcp\")",
                    "module(load=\"omrelp\")",
                    "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + tcpPort + "\" ruleset=\"fwd\")",
                    "ruleset(name=\"fwd\") {",
                    "  action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" + relpPort + "\""
                        + " template=\"RSYSLOG_ForwardFormat\")",
                    "}", ""));
                rsyslog = new ProcessBuilder(RSYSLOGD.toString(), "-n", "-f", conf.toString(),
                    "-i", work.resolve("rsyslogd.pid").toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("rsyslogd.out").toFile()).start();
                sendLines(tcpPort, n);
                final Map<String, Integer> seen = new HashMap<>();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline) {
                    seen.clear();
                    readJournal(c.dataDir.resolve("raw"), seen);
                    if (seen.size() >= n) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertEquals(n, seen.size(), "rsyslogd output: " + Files.readString(work.resolve("rsyslogd.out")));
                for (final Map.Entry<String, Integer> e : seen.entrySet()) {
                    assertEquals(1, e.getValue(), "duplicate " + e.getKey());
                }
            } finally {
                if (rsyslog != null) {
                    rsyslog.destroy();
                    rsyslog.waitFor(10, TimeUnit.SECONDS);
                    if (rsyslog.isAlive()) {
                        rsyslog.destroyForcibly();
                    }
                }
                listener.close();
            }
        }
    }

    private static void sendLines(final int port, final int n) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port); OutputStream out = s.getOutputStream()) {
                final StringBuilder b = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    b.append("<13>Dec  3 08:00:00 testhost vigietest: relp-it message ").append(i).append('\n');
                }
                out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            } catch (IOException e) {
                // rsyslogd is still starting.
                assertTrue(System.nanoTime() < deadline, "rsyslogd imtcp did not come up: " + e);
                Thread.sleep(100);
            }
        }
    }

    private static void readJournal(final Path raw, final Map<String, Integer> seen) {
        if (!Files.isDirectory(raw)) {
            return;
        }
        final TelemetryEvent e = new TelemetryEvent();
        try (RawJournalReader r = new RawJournalReader(raw)) {
            while (r.next(e)) {
                final String line = new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8);
                final int at = line.indexOf("relp-it message ");
                if (at >= 0) {
                    seen.merge(line.substring(at), 1, Integer::sum);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
