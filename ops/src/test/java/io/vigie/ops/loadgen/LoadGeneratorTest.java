package io.vigie.ops.loadgen;

import io.vigie.ops.cli.VigieCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load generator against local sockets that count what arrives. */
@Timeout(60)
class LoadGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void shouldSendOctetCountedSyntheticLinesOverTcp() throws Exception {
        try (TcpCounter server = new TcpCounter()) {
            final LoadGenerator.Options o = options(server.port(), "tcp");
            final StringWriter progress = new StringWriter();
            final LoadGenerator.Result r = new LoadGenerator(o, new PrintWriter(progress)).run();
            server.awaitCount(r.sent);
            assertTrue(r.sent > 0);
            assertEquals(r.sent, server.frames.size(), "every line sent arrives as one octet-counted frame");
            for (int i = 0; i < server.frames.size(); i++) {
                final String f = server.frames.get(i);
                assertTrue(f.startsWith("<134>1 "), f);
                assertTrue(f.endsWith(" seq=" + i), f);
            }
            assertTrue(progress.toString().contains("loadgen: sent=" + r.sent + " "), progress.toString());
        }
    }

    @Test
    void shouldLoopFileLinesOverUdp() throws Exception {
        final Path file = dir.resolve("lines.log");
        Files.write(file, "<13>first line\r\n\n<13>second line\n".getBytes(StandardCharsets.UTF_8));
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            server.setReceiveBufferSize(1 << 20);
            server.setSoTimeout(2000);
            final LoadGenerator.Options o = options(server.getLocalPort(), "udp");
            o.file = file;
            o.rate = 50;
            final LoadGenerator.Result r = new LoadGenerator(o, new PrintWriter(new StringWriter())).run();
            final byte[] buf = new byte[2048];
            for (long i = 0; i < r.sent; i++) {
                final DatagramPacket p = new DatagramPacket(buf, buf.length);
                server.receive(p);
                final String s = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                assertEquals(i % 2 == 0 ? "<13>first line" : "<13>second line", s);
            }
        }
    }

    @Test
    void shouldRunFromTheCommandLine() throws Exception {
        try (TcpCounter server = new TcpCounter()) {
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final int code = VigieCli.run(new PrintWriter(out), new PrintWriter(err), "loadgen", "--target",
                "127.0.0.1:" + server.port(), "--rate", "200", "--duration", "1.2", "--proto", "tcp");
            assertEquals(0, code, err.toString());
            final String summary = out.toString().lines().filter(l -> l.startsWith("loadgen: sent=")).findFirst()
                .orElseThrow();
            final long sent = Long.parseLong(summary.split(" ")[1].substring("sent=".length()));
            server.awaitCount(sent);
            assertEquals(sent, server.frames.size());
            assertTrue(out.toString().contains("loadgen: t=1s sent/s="), out.toString());
        }
    }

    @Test
    void shouldFailWhenNothingListens() throws Exception {
        final int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        final StringWriter err = new StringWriter();
        final int code = VigieCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "loadgen",
            "--target", "127.0.0.1:" + port, "--rate", "10", "--duration", "1");
        assertEquals(1, code);
        assertTrue(err.toString().contains("cannot send to 127.0.0.1:" + port), err.toString());
    }

    private static LoadGenerator.Options options(final int port, final String proto) {
        final LoadGenerator.Options o = new LoadGenerator.Options();
        o.target = new InetSocketAddress("127.0.0.1", port);
        o.rate = 500;
        o.durationSeconds = 0.5;
        o.proto = proto;
        return o;
    }

    /** Accepts one TCP connection and splits octet-counted frames (RFC 6587 section 3.4.1). */
    static final class TcpCounter implements AutoCloseable {
        final List<String> frames = new CopyOnWriteArrayList<>();
        private final ServerSocket server;
        private final Thread reader;

        TcpCounter() throws IOException {
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            reader = new Thread(this::read, "tcp-counter");
            reader.setDaemon(true);
            reader.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void read() {
            try (Socket s = server.accept(); InputStream in = new BufferedInputStream(s.getInputStream())) {
                while (true) {
                    int len = 0;
                    int c;
                    while ((c = in.read()) != ' ') {
                        if (c < 0) {
                            return;
                        }
                        len = len * 10 + (c - '0');
                    }
                    final ByteArrayOutputStream b = new ByteArrayOutputStream(len);
                    for (int i = 0; i < len; i++) {
                        b.write(in.read());
                    }
                    frames.add(new String(b.toByteArray(), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // closed
            }
        }

        void awaitCount(final long n) throws InterruptedException {
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (frames.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
