package io.vigie.ingest.transport;

import io.vigie.engine.Engine;
import io.vigie.engine.journal.RawJournalReader;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.transport.tls.PeerAllowList;
import io.vigie.ingest.transport.tls.ReloadingSslContext;
import io.vigie.ingest.transport.tls.TestPki;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A private rsyslogd (own config and work directory, imtcp in on an ephemeral port) forwards numbered lines to a
 * real {@link SyslogListener} with omfwd over TCP with octet counting, and over TLS with client certificates (gtls
 * driver, x509/name), to a listener requiring them; every line must arrive exactly once. Skipped when rsyslogd or its
 * GnuTLS driver is not installed. (RELP: {@code RsyslogRelpIT}.)
 */
@Timeout(180)
class RsyslogForwardIT {
    private static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");
    private static final Path GTLS = Path.of("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so");
    private static final int LINES = 300;

    @TempDir
    Path dir;

    @Test
    void shouldReceiveEveryLineOverOctetCountedTcpExactlyOnce() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(RSYSLOGD), "rsyslogd absent");
        final ListenerSettings s = new ListenerSettings();
        s.name = "rsyslog-tcp";
        s.port = 0;
        s.udp = false;
        run(s, "tcp", port -> List.of(
            "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + port + "\" protocol=\"tcp\""
                + " TCP_Framing=\"octet-counted\" template=\"RSYSLOG_SyslogProtocol23Format\""
                + " action.resumeRetryCount=\"-1\" queue.type=\"LinkedList\")"), List.of());
    }

    @Test
    void shouldReceiveEveryLineOverMutualTlsExactlyOnce() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(RSYSLOGD) && Files.exists(GTLS), "rsyslogd with gtls absent");
        final TestPki.Issued ca = TestPki.ca("rsyslog-it-ca");
        final Path caFile = dir.resolve("ca.crt");
        Files.writeString(caFile, TestPki.pem("CERTIFICATE", ca.cert.getEncoded()));
        final Path[] server = TestPki.leaf(ca, "vigie", "localhost").write(dir, "server");
        final Path[] client = TestPki.leaf(ca, "relay-1", "relay-1.example").write(dir, "client");
        // GnuTLS as rsyslog calls it reads the traditional (SEC1) EC key format, not PKCS#8.
        final Path clientKey = dir.resolve("client.ec.key");
        Process ec = null;
        try {
            ec = new ProcessBuilder("openssl", "ec", "-in", client[1].toString(), "-out", clientKey.toString())
                .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("openssl absent: " + e.getMessage());
        }
        Assumptions.assumeTrue(ec.waitFor(30, TimeUnit.SECONDS) && ec.exitValue() == 0, "openssl ec failed");
        final EngineCounters counters = new EngineCounters();
        final ListenerSettings s = new ListenerSettings();
        s.name = "rsyslog-tls";
        s.port = 0;
        s.sslContext = new ReloadingSslContext(server[0], server[1], caFile);
        s.peerAllowList = new PeerAllowList(List.of("relay-1.example"),
            counters.gauge(ConnectionCounters.gaugeName(s.name, ConnectionCounters.Reason.PEER_DENIED)));
        run(counters, s, "tls", port -> List.of(
            "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + port + "\" protocol=\"tcp\""
                + " StreamDriver=\"gtls\" StreamDriverMode=\"1\" StreamDriverAuthMode=\"x509/name\""
                + " StreamDriverPermittedPeers=\"localhost\" TCP_Framing=\"octet-counted\""
                + " template=\"RSYSLOG_SyslogProtocol23Format\" action.resumeRetryCount=\"-1\""
                + " queue.type=\"LinkedList\")"),
            List.of("DefaultNetstreamDriverCAFile=\"" + caFile + "\"",
                "DefaultNetstreamDriverCertFile=\"" + client[0] + "\"",
                "DefaultNetstreamDriverKeyFile=\"" + clientKey + "\""));
    }

    private interface Actions {
        List<String> forPort(int port);
    }

    private void run(final ListenerSettings s, final String tag, final Actions actions, final List<String> global)
        throws Exception {
        run(new EngineCounters(), s, tag, actions, global);
    }

    private void run(final EngineCounters counters, final ListenerSettings s, final String tag,
                     final Actions actions, final List<String> global) throws Exception {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        c.ringSize = 1024;
        Process rsyslog = null;
        final Path work = Files.createDirectories(dir.resolve("rsyslog"));
        try (Engine engine = new Engine(c, counters)) {
            engine.start();
            final ListenerCounters lc;
            final SyslogListener listener = new SyslogListener(s, engine.ring(), counters, MessageDecoders::new);
            try {
                final int port = listener.start();
                lc = listener.counters();
                final int inPort = freePort();
                final Path conf = work.resolve("rsyslog.conf");
                final StringBuilder b = new StringBuilder();
                b.append("global(workDirectory=\"").append(work).append('"');
                for (final String g : global) {
                    b.append(' ').append(g);
                }
                b.append(")\n");
                b.append("module(load=\"imtcp\")\n");
                b.append("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"").append(inPort)
                    .append("\" ruleset=\"fwd\")\n");
                b.append("ruleset(name=\"fwd\") {\n");
                for (final String a : actions.forPort(port)) {
                    b.append("  ").append(a).append('\n');
                }
                b.append("}\n");
                Files.writeString(conf, b.toString());
                rsyslog = new ProcessBuilder(RSYSLOGD.toString(), "-n", "-f", conf.toString(),
                    "-i", work.resolve("rsyslogd.pid").toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("rsyslogd.out").toFile()).start();
                sendLines(inPort, tag);
                final Map<String, Integer> seen = new HashMap<>();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (System.nanoTime() < deadline) {
                    seen.clear();
                    readJournal(c.dataDir.resolve("raw"), tag, seen);
                    if (seen.size() >= LINES) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertEquals(LINES, seen.size(), "rsyslogd output: " + Files.readString(work.resolve("rsyslogd.out"))
                    + "; " + lc + "; " + listener.connectionCounters());
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
            assertTrue(engine.drain(30, TimeUnit.SECONDS));
            assertTrue(lc.balanced(), lc.toString());
            assertEquals(0, lc.rejected(), lc.toString());
            assertEquals(0, listener.errors());
        }
    }

    private static void sendLines(final int port, final String tag) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port); OutputStream out = s.getOutputStream()) {
                final StringBuilder b = new StringBuilder();
                for (int i = 0; i < LINES; i++) {
                    b.append("<13>Dec  3 08:00:00 testhost vigietest: fwd-it-").append(tag).append('-').append(i)
                        .append(" end\n");
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

    private static void readJournal(final Path raw, final String tag, final Map<String, Integer> seen) {
        if (!Files.isDirectory(raw)) {
            return;
        }
        final String needle = "fwd-it-" + tag + "-";
        final TelemetryEvent e = new TelemetryEvent();
        try (RawJournalReader r = new RawJournalReader(raw)) {
            while (r.next(e)) {
                final String line = new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8);
                final int at = line.indexOf(needle);
                if (at >= 0) {
                    final int end = line.indexOf(' ', at);
                    seen.merge(line.substring(at, end < 0 ? line.length() : end), 1, Integer::sum);
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
