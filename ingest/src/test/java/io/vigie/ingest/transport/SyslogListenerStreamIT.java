package io.vigie.ingest.transport;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.DropReason;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.message.MessageDecoders;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stream behaviour of the listener on loopback: back-pressure, framing loss, idle timeout, TLS. */
@Timeout(120)
class SyslogListenerStreamIT {
    @TempDir
    Path dir;

    /** A trivial ring consumer that records raw frames and frees slots only while {@code open}. */
    private static final class Consumer implements Runnable {
        final RingBuffer<TelemetryEvent> ring;
        final Sequence sequence = new Sequence(-1);
        final List<String> frames = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> reasons = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean open = new AtomicBoolean(true);
        volatile boolean running = true;

        Consumer(final RingBuffer<TelemetryEvent> ring) {
            this.ring = ring;
            ring.addGatingSequences(sequence);
        }

        @Override
        public void run() {
            while (running) {
                final long next = sequence.get() + 1;
                if (open.get() && ring.getCursor() >= next && ring.isAvailable(next)) {
                    final TelemetryEvent e = ring.get(next);
                    frames.add(new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8));
                    reasons.add(e.rejectReason);
                    sequence.set(next);
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void shouldApplyBackPressureWithoutLoss() throws Exception {
        final RingBuffer<TelemetryEvent> ring = RingBuffer.createMultiProducer(TelemetryEvent::new, 16);
        final Consumer consumer = new Consumer(ring);
        consumer.open.set(false);
        final Thread t = new Thread(consumer, "test-consumer");
        t.start();
        final EngineCounters counters = new EngineCounters();
        final ListenerSettings settings = new ListenerSettings();
        settings.port = 0;
        settings.udp = false;
        final int n = 2000;
        try (SyslogListener listener = new SyslogListener(settings, ring, counters, MessageDecoders::new)) {
            final int port = listener.start();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                final OutputStream out = s.getOutputStream();
                final StringBuilder sb = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    sb.append("<13>1 - h app - - - line-").append(i).append('\n');
                }
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                // The ring fills up and stays full; nothing is dropped while the consumer is stalled.
                awaitTrue(() -> ring.getCursor() == 15, "a full ring");
                Thread.sleep(50);
                assertEquals(15, ring.getCursor());
                assertEquals(16, listener.counters().received());
                consumer.open.set(true);
                awaitTrue(() -> consumer.frames.size() == n, n + " frames");
            }
            assertEquals(n, listener.counters().received());
            assertEquals(0, listener.counters().dropped(DropReason.RING_FULL));
        } finally {
            consumer.running = false;
            t.join();
        }
        for (int i = 0; i < n; i++) {
            assertEquals("<13>1 - h app - - - line-" + i, consumer.frames.get(i));
        }
    }

    @Test
    void shouldCloseOnlyTheConnectionWhoseFramingIsLostAndIdleOnes() throws Exception {
        final RingBuffer<TelemetryEvent> ring = RingBuffer.createMultiProducer(TelemetryEvent::new, 1024);
        final Consumer consumer = new Consumer(ring);
        final Thread t = new Thread(consumer, "test-consumer");
        t.start();
        final ListenerSettings settings = new ListenerSettings();
        settings.port = 0;
        settings.idleTimeoutSeconds = 1;
        try (SyslogListener listener = new SyslogListener(settings, ring, new EngineCounters(),
            MessageDecoders::new)) {
            final int port = listener.start();
            try (Socket bad = new Socket(InetAddress.getLoopbackAddress(), port);
                 Socket good = new Socket(InetAddress.getLoopbackAddress(), port)) {
                bad.getOutputStream().write("99999999999999999999999 <13>1 x".getBytes(StandardCharsets.US_ASCII));
                bad.setSoTimeout(10_000);
                assertEquals(-1, bad.getInputStream().read(), "framing lost: the connection is closed");
                good.getOutputStream().write("12 <13>1 - h a\n".getBytes(StandardCharsets.US_ASCII));
                good.getOutputStream().write("<13>Oct 11 22:14:15 h su: still here\n"
                    .getBytes(StandardCharsets.US_ASCII));
                awaitTrue(() -> consumer.frames.size() == 3, "3 frames");
                // Idle: the server closes the quiet connection after about a second.
                good.setSoTimeout(10_000);
                final InputStream in = good.getInputStream();
                int r;
                try {
                    r = in.read();
                } catch (SocketTimeoutException e) {
                    r = -2;
                }
                assertEquals(-1, r, "idle connection closed");
            }
            assertEquals(RejectReason.BAD_OCTET_COUNT.ordinal(), consumer.reasons.get(0));
            assertEquals("<13>1 - h a\n", consumer.frames.get(1));
            assertEquals("<13>Oct 11 22:14:15 h su: still here", consumer.frames.get(2));
            awaitTrue(() -> listener.counters().connections() == 0, "connections closed");
            assertEquals(0, listener.errors());
        } finally {
            consumer.running = false;
            t.join();
        }
    }

    @Test
    void shouldAcceptTlsConnections() throws Exception {
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Assumptions.assumeTrue(Files.isExecutable(keytool), "keytool not found");
        final Path store = dir.resolve("server.p12");
        final char[] password = "changeit".toCharArray();
        final Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "vigie", "-keyalg", "EC",
            "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12",
            "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
            .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        final KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password);
        }
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        final SslContext server = SslContextBuilder.forServer(kmf).build();

        final RingBuffer<TelemetryEvent> ring = RingBuffer.createMultiProducer(TelemetryEvent::new, 1024);
        final Consumer consumer = new Consumer(ring);
        final Thread t = new Thread(consumer, "test-consumer");
        t.start();
        final ListenerSettings settings = new ListenerSettings();
        settings.name = "syslog-tls";
        settings.port = 0;
        settings.sslContext = () -> server;
        try (SyslogListener listener = new SyslogListener(settings, ring, new EngineCounters(),
            MessageDecoders::new)) {
            final int port = listener.start();
            final SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, new TrustManager[]{new TrustAll()}, null);
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                port)) {
                s.startHandshake();
                final byte[] frame = "<13>1 - h app - - - over tls".getBytes(StandardCharsets.UTF_8);
                s.getOutputStream().write((frame.length + " ").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(frame);
                s.getOutputStream().flush();
                awaitTrue(() -> consumer.frames.size() == 1, "1 frame");
            }
            assertEquals("<13>1 - h app - - - over tls", consumer.frames.get(0));
        } finally {
            consumer.running = false;
            t.join();
        }
    }

    /** Accepts any server certificate (test only: the server's is self-signed). */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType) {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
