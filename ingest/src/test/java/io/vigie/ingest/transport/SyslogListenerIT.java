package io.vigie.ingest.transport;

import io.vigie.engine.Engine;
import io.vigie.engine.journal.RawJournalReader;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loopback: a real engine and listener on an ephemeral port; frames sent over TCP (LF and octet counting) and UDP
 * from plain sockets and from the system {@code logger} tool; every message must be in the raw journal exactly once
 * and the listener's accounting must balance.
 */
@Timeout(120)
class SyslogListenerIT {
    private static final Pattern MARKER = Pattern.compile("it-[a-z]+-[0-9]+");
    private static final int TCP_LF = 500;
    private static final int TCP_OCTET = 500;
    private static final int UDP = 200;
    private static final int LOGGER = 20;

    @TempDir
    Path dir;

    @Test
    void shouldJournalEveryFrameExactlyOnceAndBalanceTheCounters() throws Exception {
        final boolean loggerPresent = Files.isExecutable(Path.of("/usr/bin/logger"))
            || Files.isExecutable(Path.of("/bin/logger"));
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        c.ringSize = 4096;
        final EngineCounters engineCounters = new EngineCounters();
        final List<String> expected = new ArrayList<>();
        final ListenerCounters counters;
        try (Engine engine = new Engine(c, engineCounters)) {
            engine.start();
            final ListenerSettings settings = new ListenerSettings();
            settings.name = "syslog-it";
            settings.port = 0;
            try (SyslogListener listener = new SyslogListener(settings, engine.ring(), engineCounters,
                MessageDecoders::new)) {
                final int port = listener.start();
                assertTrue(port > 0);
                counters = listener.counters();
                long frames = 0;

                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    final OutputStream out = s.getOutputStream();
                    final StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < TCP_LF; i++) {
                        sb.append("<34>1 - host app - - - it-tcplf-").append(i).append('\n');
                        expected.add("it-tcplf-" + i);
                        if (i == TCP_LF / 2) {
                            // A malformed frame is rejected and the connection carries on.
                            sb.append("<999>1 - host app - - - bad pri\n");
                        }
                    }
                    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    frames += TCP_LF + 1;
                }
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    final OutputStream out = s.getOutputStream();
                    for (int i = 0; i < TCP_OCTET; i++) {
                        final byte[] f = ("<13>Oct 11 22:14:15 host app[7]: it-tcpoctet-" + i)
                            .getBytes(StandardCharsets.UTF_8);
                        out.write((f.length + " ").getBytes(StandardCharsets.US_ASCII));
                        out.write(f);
                        expected.add("it-tcpoctet-" + i);
                    }
                    out.flush();
                    frames += TCP_OCTET;
                }
                try (DatagramSocket udp = new DatagramSocket()) {
                    for (int i = 0; i < UDP; i++) {
                        final byte[] f = ("<13>Oct 11 22:14:15 host app: it-udp-" + i + "\n")
                            .getBytes(StandardCharsets.UTF_8);
                        udp.send(new DatagramPacket(f, f.length, new InetSocketAddress("127.0.0.1", port)));
                        expected.add("it-udp-" + i);
                        if (i % 50 == 49) {
                            Thread.sleep(5);
                        }
                    }
                    frames += UDP;
                }
                final long[] sent = {frames};
                Assumptions.assumingThat(loggerPresent, () -> {
                    sent[0] += runLogger(port, true, "it-loggertcp-", expected);
                    sent[0] += runLogger(port, false, "it-loggerudp-", expected);
                });
                frames = sent[0];
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (counters.received() < frames && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(frames, counters.received(), counters.toString());
            }
            assertTrue(engine.drain(30, TimeUnit.SECONDS));
            assertEquals(counters.received(), counters.persisted() + counters.rejected() + counters.dropped(),
                counters.toString());
            assertTrue(counters.balanced());
            assertEquals(1, counters.rejected(RejectReason.BAD_PRI), counters.toString());
            assertEquals(0, counters.dropped(), counters.toString());
            assertEquals(0, counters.connections());
        }

        final Map<String, Integer> seen = new HashMap<>();
        final TelemetryEvent e = new TelemetryEvent();
        final AutoDetectDecoder decoder = new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(),
            new MessageDecoders());
        try (RawJournalReader reader = new RawJournalReader(dir.resolve("data/raw"))) {
            while (reader.next(e)) {
                assertEquals("syslog-it", reader.listenerName());
                final String raw = new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8);
                final Matcher m = MARKER.matcher(raw);
                assertTrue(m.find(), raw);
                seen.merge(m.group(), 1, Integer::sum);
                // Fields re-derive from the raw bytes alone.
                decoder.decode(e);
                assertEquals(0, e.rejectReason, raw);
            }
        }
        for (final String marker : expected) {
            assertEquals(1, seen.getOrDefault(marker, 0), marker);
        }
        assertEquals(expected.size(), seen.size());
    }

    private int runLogger(final int port, final boolean tcp, final String prefix, final List<String> expected)
        throws IOException, InterruptedException {
        final Path file = dir.resolve(prefix + "lines.txt");
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < LOGGER; i++) {
            sb.append(prefix).append(i).append('\n');
            expected.add(prefix + i);
        }
        Files.writeString(file, sb.toString());
        final List<String> cmd = new ArrayList<>(List.of("logger", "--rfc5424", "-n", "127.0.0.1",
            "-P", Integer.toString(port), "-t", "vigie-it"));
        if (tcp) {
            cmd.add("--octet-count");
            cmd.add("-T");
        } else {
            cmd.add("-d");
        }
        cmd.add("-f");
        cmd.add(file.toString());
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "logger timed out");
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        return LOGGER;
    }
}
