package io.vigie.ingest.transport;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vigie.engine.Engine;
import io.vigie.engine.journal.RawJournalReader;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.transport.tls.ReloadingSslContext;
import io.vigie.ingest.transport.tls.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile input against a real engine and real listeners (TCP+UDP, and TLS): after every case the listener still
 * serves a good frame sent from another connection, the bad frame is counted under its reason and its raw bytes are in
 * the quarantine (or, when kept, in the raw journal, byte for byte), and the accounting balances at the end.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {
    private static final int IDLE_SECONDS = 2;
    private static final int FIRST_BYTE_SECONDS = 1;
    private static final int PER_SOURCE = 100;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    static Path dir;

    private final EngineCounters engineCounters = new EngineCounters();
    private final AtomicInteger goodSeq = new AtomicInteger();
    private final Map<String, byte[]> persisted = new HashMap<>();
    private final List<byte[]> quarantined = new ArrayList<>();
    private final List<byte[]> journal = new ArrayList<>();
    private Engine engine;
    private SyslogListener plain;
    private SyslogListener tls;
    private ListenerCounters counters;
    private RawJournalReader rawReader;
    private RawJournalReader quarantineReader;
    private Path caFile;
    private Path clientCrt;
    private Path clientKey;

    @BeforeAll
    void start() throws Exception {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        engine = new Engine(c, engineCounters);
        engine.start();
        final ListenerSettings s = new ListenerSettings();
        s.name = "hostile";
        s.port = 0;
        s.idleTimeoutSeconds = IDLE_SECONDS;
        s.handshakeTimeoutSeconds = FIRST_BYTE_SECONDS;
        s.maxConnectionsPerSource = PER_SOURCE;
        plain = new SyslogListener(s, engine.ring(), engineCounters, MessageDecoders::new);
        plain.start();
        counters = plain.counters();

        final TestPki.Issued ca = TestPki.ca("hostile-ca");
        caFile = dir.resolve("ca.crt");
        Files.writeString(caFile, TestPki.pem("CERTIFICATE", ca.cert.getEncoded()));
        final Path[] server = TestPki.leaf(ca, "server", "localhost").write(dir, "server");
        final Path[] client = TestPki.leaf(ca, "client", "client.example").write(dir, "client");
        clientCrt = client[0];
        clientKey = client[1];
        final ListenerSettings t = new ListenerSettings();
        t.name = "hostile-tls";
        t.port = 0;
        t.handshakeTimeoutSeconds = FIRST_BYTE_SECONDS;
        t.sslContext = new ReloadingSslContext(server[0], server[1], caFile);
        tls = new SyslogListener(t, engine.ring(), engineCounters, MessageDecoders::new);
        tls.start();
        rawReader = new RawJournalReader(c.dataDir.resolve("raw"));
        quarantineReader = new RawJournalReader(c.dataDir.resolve("quarantine"), true);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            tls.close();
            plain.close();
            assertTrue(engine.drain(30, TimeUnit.SECONDS));
            for (final ListenerCounters l : engineCounters.listeners()) {
                assertTrue(l.balanced(), l.toString());
            }
            assertEquals(0, plain.errors(), "handler exceptions");
            assertEquals(0, tls.errors(), "handler exceptions");
            assertEquals(0, engineCounters.errors(), "worker exceptions");
        } finally {
            rawReader.close();
            quarantineReader.close();
            engine.close();
        }
    }

    // ---- octet counting -------------------------------------------------------------------------------------

    @Test
    void shouldRejectAnOctetCountOf25Digits() throws Exception {
        final String count = "1234567890123456789012345";
        expectRejectedTcp(ascii(count + " <13>1 - h a - - - x"), RejectReason.BAD_OCTET_COUNT, ascii("123456"));
    }

    @Test
    void shouldRejectAnOctetCountOverIntMax() throws Exception {
        expectRejectedTcp(ascii("2147483648 <13>1 - h a - - - x"), RejectReason.BAD_OCTET_COUNT, ascii("214748"));
    }

    @Test
    void shouldCloseAnIdleConnectionWaitingForMissingOctets() throws Exception {
        final long idle = plain.connectionCounters().closed(ConnectionCounters.Reason.IDLE_TIMEOUT);
        final long lost = counters.rejected(RejectReason.FRAMING_LOST);
        final byte[] frame = ascii("500 <13>1 - h a - - - only part of it");
        try (Socket s = connect()) {
            s.getOutputStream().write(frame);
            s.getOutputStream().flush();
            // The server closes the idle connection: read sees end of stream.
            s.setSoTimeout((IDLE_SECONDS + 10) * 1000);
            assertEquals(-1, s.getInputStream().read());
        }
        awaitAtLeast(() -> counters.rejected(RejectReason.FRAMING_LOST), lost + 1);
        assertTrue(plain.connectionCounters().closed(ConnectionCounters.Reason.IDLE_TIMEOUT) > idle);
        assertQuarantined(frame);
        good();
    }

    @Test
    void shouldTakeTheRemainderOfAShortOctetCountAsTheNextFrame() throws Exception {
        final String smuggled = "<14>1 2026-12-03T08:00:00Z host app - - - smuggled-" + System.nanoTime();
        // The count covers "abcd" only: what follows is a frame of its own, never merged into the first.
        sendTcp(ascii("4 abcd" + smuggled + "\n"));
        awaitPersisted(smuggled);
        assertArrayEquals(ascii(smuggled), persisted.get(smuggled));
        good();
    }

    // ---- sizes and counts ---------------------------------------------------------------------------------------

    @Test
    void shouldRejectTenMegabytesWithoutDelimiterOnce() throws Exception {
        final long before = counters.rejected(RejectReason.FRAME_TOO_LONG);
        final byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'A');
        System.arraycopy(ascii("<13>"), 0, chunk, 0, 4);
        try (Socket s = connect(); OutputStream out = s.getOutputStream()) {
            out.write(chunk);
            Arrays.fill(chunk, 0, 4, (byte) 'A');
            for (int i = 1; i < 160; i++) {
                out.write(chunk);
            }
            out.flush();
        }
        awaitAtLeast(() -> counters.rejected(RejectReason.FRAME_TOO_LONG), before + 1);
        good();
        assertEquals(before + 1, counters.rejected(RejectReason.FRAME_TOO_LONG));
        assertQuarantined(ascii("<13>AAAAAAAA"));
    }

    @Test
    void shouldSkipAMillionEmptyFramesAndServeTheNextOne() throws Exception {
        final long received = counters.received();
        final byte[] lfs = new byte[1_000_000];
        Arrays.fill(lfs, (byte) '\n');
        final String marker = "after-empties-" + System.nanoTime();
        try (Socket s = connect(); OutputStream out = s.getOutputStream()) {
            out.write(lfs);
            out.write(ascii("<13>1 - h app - - - " + marker + "\n"));
            out.flush();
        }
        awaitPersisted(marker);
        // Empty lines between delimiters are not frames: nothing was published for them.
        assertEquals(received + 1, counters.received());
        good();
    }

    @Test
    void shouldRejectAnEmptyDatagramAndKeepAMaximalOne() throws Exception {
        final long empty = counters.rejected(RejectReason.EMPTY_FRAME);
        sendUdp(new byte[0]);
        awaitAtLeast(() -> counters.rejected(RejectReason.EMPTY_FRAME), empty + 1);
        assertQuarantined(new byte[0]);

        final String marker = "udp-max-" + System.nanoTime();
        final byte[] big = new byte[65_507];
        Arrays.fill(big, (byte) 'x');
        final byte[] head = ascii("<13>Oct 11 22:14:15 host app: " + marker + " ");
        System.arraycopy(head, 0, big, 0, head.length);
        sendUdp(big);
        awaitPersisted(marker);
        assertEquals(big.length, persisted.get(marker).length, "datagram truncated");
        assertArrayEquals(big, persisted.get(marker));
        goodUdp();
    }

    // ---- header fields ------------------------------------------------------------------------------------------

    @Test
    void shouldRejectBadPris() throws Exception {
        for (final String pri : new String[] {"<192>", "<999>", "<-1>", "<>", "<0001>"}) {
            expectRejectedTcpAndUdp(ascii(pri + "1 2026-12-03T08:00:00Z h app - - - pri\n"), RejectReason.BAD_PRI,
                null);
        }
    }

    @Test
    void shouldRejectVersion2() throws Exception {
        expectRejectedTcpAndUdp(ascii("<13>2 2026-12-03T08:00:00Z h app - - - v2\n"), RejectReason.BAD_VERSION, null);
    }

    @Test
    void shouldRejectOverLongHeaderFields() throws Exception {
        final String[] lines = {
            "<13>1 2026-12-03T08:00:00Z " + "h".repeat(256) + " app - - - x\n",
            "<13>1 2026-12-03T08:00:00Z h " + "a".repeat(49) + " - - - x\n",
            "<13>1 2026-12-03T08:00:00Z h app " + "1".repeat(129) + " - - x\n",
            "<13>1 2026-12-03T08:00:00Z h app - " + "M".repeat(33) + " - x\n",
        };
        for (final String line : lines) {
            expectRejectedTcpAndUdp(ascii(line), RejectReason.BAD_HEADER, null);
        }
    }

    @Test
    void shouldRejectImpossibleTimestamps() throws Exception {
        final String[] times = {
            "2026-02-30T08:00:00Z", "2026-12-03T24:00:00Z", "2026-12-03T08:00:60Z", "2026-12-03T08:00:00+25:00",
            "2026-12-03T08:00:00.123456789Z", "0000-12-03T08:00:00Z",
        };
        for (final String t : times) {
            expectRejectedTcpAndUdp(ascii("<13>1 " + t + " h app - - - ts\n"), RejectReason.BAD_TIMESTAMP, null);
        }
    }

    @Test
    void shouldRejectBadStructuredData() throws Exception {
        expectRejectedTcpAndUdp(ascii("<13>1 - h app - - [ex@1 k=\"v\" no end\n"), RejectReason.BAD_STRUCTURED_DATA,
            null);
        expectRejectedTcpAndUdp(ascii("<13>1 - h app - - [ex@1 k=\"a\"b\"] msg\n"), RejectReason.BAD_STRUCTURED_DATA,
            null);
        final StringBuilder many = new StringBuilder("<13>1 - h app - - ");
        for (int i = 0; i < 10_000; i++) {
            many.append('[').append(Integer.toString(i, 36)).append(']');
        }
        many.append(" msg\n");
        expectRejectedTcpAndUdp(ascii(many.toString()), RejectReason.TOO_MANY_FIELDS, null);
    }

    @Test
    void shouldRejectInvalidUtf8AfterABom() throws Exception {
        final byte[][] bad = {
            {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        };
        for (final byte[] b : bad) {
            final byte[] frame = concat(ascii("<13>1 - h app - - - "), BOM, ascii("ok "), b, ascii(" end"));
            expectRejectedTcpAndUdp(concat(frame, ascii("\n")), RejectReason.BAD_UTF8, frame);
        }
    }

    @Test
    void shouldKeepControlAndBidiCharactersAsBytes() throws Exception {
        final String marker = "ctl-" + System.nanoTime();
        final byte[] frame = concat(ascii("<13>1 - h app - - - "), BOM, ascii(marker + " nul"), new byte[] {0},
            ascii("esc"), new byte[] {0x1B}, ascii("[31m rlo"), new byte[] {(byte) 0xE2, (byte) 0x80, (byte) 0xAE},
            ascii("gpj.exe"));
        sendTcpOctet(frame);
        awaitPersisted(marker);
        assertArrayEquals(frame, persisted.get(marker));
        good();
    }

    // ---- CEF ------------------------------------------------------------------------------------------------

    @Test
    void shouldRejectCefWithTooFewHeaderFields() throws Exception {
        expectRejectedTcpAndUdp(ascii("CEF:0|Vendor|Product|1.0\n"), RejectReason.CEF_BAD_HEADER, null);
    }

    @Test
    void shouldHandleCefWithEightHeaderFieldsTrailingBackslashDuplicatesAndManyPairs() throws Exception {
        // Each must be accounted (kept or rejected), never crash or stall the connection.
        sendTcpAccounted(ascii("CEF:0|V|P|1|100|name|5|extra\n"));
        sendTcpAccounted(ascii("CEF:0|V|P|1|100|name|5|msg=ends with \\\n"));
        sendTcpAccounted(ascii("CEF:0|V|P|1|100|name|5|src=1.1.1.1 src=2.2.2.2 act=a act=b\n"));
        final StringBuilder many = new StringBuilder("CEF:0|V|P|1|100|name|5|");
        for (int i = 0; i < 10_000; i++) {
            many.append("k").append(i).append("=v ");
        }
        sendTcpAccounted(ascii(many.append('\n').toString()));
        good();
    }

    // ---- JNDI-style strings are inert data ------------------------------------------------------------------

    @Test
    void shouldStoreJndiLookupsAsBytesAndNeverResolveThem() throws Exception {
        try (ServerSocket trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final String jndi = "${jndi:ldap://127.0.0.1:" + trap.getLocalPort() + "/a}";
            final String marker = "jndi-" + System.nanoTime();
            final String[] frames = {
                "<13>1 - h app - - [ex@1 k=\"" + jndi + "\"] " + marker + "-5424 " + jndi,
                "<13>Oct 11 22:14:15 host app: " + marker + "-3164 " + jndi,
                "CEF:0|V|P|1|100|" + jndi + "|5|msg=" + marker + "-cef " + jndi + " suser=" + jndi,
                "{\"message\":\"" + marker + "-json " + jndi + "\",\"user\":{\"name\":\"" + jndi + "\"}}",
            };
            for (final String f : frames) {
                sendTcp(ascii(f + "\n"));
            }
            for (final String suffix : new String[] {"-5424", "-3164", "-cef", "-json"}) {
                awaitPersisted(marker + suffix);
                assertTrue(new String(persisted.get(marker + suffix), StandardCharsets.UTF_8).contains(jndi));
            }
            trap.setSoTimeout(500);
            try (Socket leaked = trap.accept()) {
                fail("an outbound connection was made to the JNDI trap from " + leaked.getRemoteSocketAddress());
            } catch (SocketTimeoutException expected) {
                // Nothing resolved the lookup.
            }
        }
        good();
    }

    // ---- connections ----------------------------------------------------------------------------------------

    @Test
    void shouldServeANormalClientWhileSlowlorisConnectionsTrickle() throws Exception {
        final long refusedBefore = plain.connectionCounters().closed(ConnectionCounters.Reason.SOURCE_LIMIT);
        final InetAddress attacker = InetAddress.getByName("127.0.0.2");
        final List<SocketChannel> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                final SocketChannel ch = SocketChannel.open();
                ch.bind(new InetSocketAddress(attacker, 0));
                ch.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), plain.port()));
                ch.configureBlocking(false);
                slow.add(ch);
            }
            final ByteBuffer one = ByteBuffer.allocate(1);
            final byte[] trickle = ascii("<13>1 - slow app - - - never ending");
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            boolean servedWhileTrickling = false;
            for (int tick = 0; System.nanoTime() < end || !servedWhileTrickling; tick++) {
                for (final SocketChannel ch : slow) {
                    one.clear();
                    one.put(trickle[tick % trickle.length]).flip();
                    try {
                        ch.write(one);
                    } catch (IOException closedByServer) {
                        // Refused connections are closed by the listener.
                    }
                }
                if (tick == 5) {
                    good();
                    servedWhileTrickling = true;
                }
                Thread.sleep(100);
            }
            awaitAtLeast(() -> plain.connectionCounters().closed(ConnectionCounters.Reason.SOURCE_LIMIT),
                refusedBefore + 400);
            assertEquals(refusedBefore + 400,
                plain.connectionCounters().closed(ConnectionCounters.Reason.SOURCE_LIMIT));
        } finally {
            for (final SocketChannel ch : slow) {
                ch.close();
            }
        }
        good();
    }

    @Test
    void shouldCloseAConnectionThatNeverSendsAByte() throws Exception {
        final long before = plain.connectionCounters().closed(ConnectionCounters.Reason.HANDSHAKE_TIMEOUT);
        try (Socket s = connect()) {
            s.setSoTimeout((FIRST_BYTE_SECONDS + 10) * 1000);
            assertEquals(-1, s.getInputStream().read());
        }
        assertTrue(plain.connectionCounters().closed(ConnectionCounters.Reason.HANDSHAKE_TIMEOUT) > before);
        good();
    }

    @Test
    void shouldRejectABadOctetCountInsideTlsAndKeepServing() throws Exception {
        final ListenerCounters tlsCounters = tls.counters();
        final long before = tlsCounters.rejected(RejectReason.BAD_OCTET_COUNT);
        try (SSLSocket s = tlsSocket(tls.port())) {
            s.getOutputStream().write(ascii("1234567890123456789012345 <13>1 - h a - - - x"));
            s.getOutputStream().flush();
            drain(s.getInputStream());
        }
        awaitAtLeast(() -> tlsCounters.rejected(RejectReason.BAD_OCTET_COUNT), before + 1);
        assertQuarantined(ascii("123456"));
        goodTls();
    }

    @Test
    void shouldRejectPlaintextOnTheTlsPort() throws Exception {
        final long before = tls.connectionCounters().closed(ConnectionCounters.Reason.TLS_HANDSHAKE_FAILED);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tls.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(ascii("<13>1 - h app - - - plaintext on tls\n"));
            s.getOutputStream().flush();
            drain(s.getInputStream());
        }
        awaitAtLeast(() -> tls.connectionCounters().closed(ConnectionCounters.Reason.TLS_HANDSHAKE_FAILED),
            before + 1);
        goodTls();
    }

    @Test
    void shouldRejectTlsOnThePlaintextPort() throws Exception {
        final long before = plain.connectionCounters().closed(ConnectionCounters.Reason.TLS_ON_PLAINTEXT);
        final long mismatch = counters.rejected(RejectReason.FORMAT_MISMATCH);
        try (SSLSocket s = tlsSocket(plain.port())) {
            s.startHandshake();
            fail("handshake with a plaintext listener succeeded");
        } catch (IOException expected) {
            // The listener closed the connection.
        }
        awaitAtLeast(() -> counters.rejected(RejectReason.FORMAT_MISMATCH), mismatch + 1);
        assertEquals(before + 1, plain.connectionCounters().closed(ConnectionCounters.Reason.TLS_ON_PLAINTEXT));
        refreshQuarantine();
        assertTrue(quarantined.stream().anyMatch(q -> q.length > 2 && q[0] == 0x16 && q[1] == 0x03));
        good();
        goodTls();
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** Sends bytes on a fresh TCP connection; the reason's count must grow and the bytes reach the quarantine. */
    private void expectRejectedTcp(final byte[] wire, final RejectReason reason, final byte[] quarantinedPrefix)
        throws Exception {
        final long before = counters.rejected(reason);
        sendTcp(wire);
        awaitAtLeast(() -> counters.rejected(reason), before + 1, () -> new String(wire, 0,
            Math.min(wire.length, 120), StandardCharsets.ISO_8859_1));
        byte[] expected = quarantinedPrefix;
        if (expected == null) {
            int n = wire.length;
            while (n > 0 && wire[n - 1] == '\n') {
                n--;
            }
            expected = Arrays.copyOf(wire, n);
        }
        assertQuarantined(expected);
        good();
    }

    /** As {@link #expectRejectedTcp}, then the same frame as one UDP datagram (without its LF). */
    private void expectRejectedTcpAndUdp(final byte[] wire, final RejectReason reason, final byte[] quarantinedPrefix)
        throws Exception {
        expectRejectedTcp(wire, reason, quarantinedPrefix);
        final long before = counters.rejected(reason);
        int n = wire.length;
        while (n > 0 && wire[n - 1] == '\n') {
            n--;
        }
        sendUdp(Arrays.copyOf(wire, n));
        awaitAtLeast(() -> counters.rejected(reason), before + 1);
        goodUdp();
    }

    /** Sends a frame; it must be accounted (persisted or rejected) with nothing dropped. */
    private void sendTcpAccounted(final byte[] wire) throws Exception {
        final long before = counters.persisted() + counters.rejected();
        sendTcp(wire);
        awaitAtLeast(() -> counters.persisted() + counters.rejected(), before + 1);
    }

    private void good() throws Exception {
        final String marker = "good-" + goodSeq.incrementAndGet() + "-" + System.nanoTime();
        sendTcp(ascii("<13>1 2026-12-03T08:00:00Z host app - - - " + marker + "\n"));
        awaitPersisted(marker);
    }

    private void goodUdp() throws Exception {
        final String marker = "good-udp-" + goodSeq.incrementAndGet() + "-" + System.nanoTime();
        sendUdp(ascii("<13>1 2026-12-03T08:00:00Z host app - - - " + marker));
        awaitPersisted(marker);
    }

    private void goodTls() throws Exception {
        final String marker = "good-tls-" + goodSeq.incrementAndGet() + "-" + System.nanoTime();
        try (SSLSocket s = tlsSocket(tls.port())) {
            s.getOutputStream().write(ascii("<13>1 2026-12-03T08:00:00Z host app - - - " + marker + "\n"));
            s.getOutputStream().flush();
        }
        awaitPersisted(marker);
    }

    private SSLSocket tlsSocket(final int port) throws Exception {
        final JdkSslContext ctx = (JdkSslContext) SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
            .trustManager(caFile.toFile()).keyManager(clientCrt.toFile(), clientKey.toFile()).build();
        final SSLSocket s = (SSLSocket) ctx.context().getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        return s;
    }

    private Socket connect() throws IOException {
        final Socket s = new Socket(InetAddress.getLoopbackAddress(), plain.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private void sendTcp(final byte[] wire) throws IOException {
        try (Socket s = connect(); OutputStream out = s.getOutputStream()) {
            out.write(wire);
            out.flush();
        }
    }

    private void sendTcpOctet(final byte[] frame) throws IOException {
        sendTcp(concat(ascii(frame.length + " "), frame));
    }

    private void sendUdp(final byte[] datagram) throws IOException {
        try (DatagramSocket udp = new DatagramSocket()) {
            udp.send(new DatagramPacket(datagram, datagram.length,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), plain.port())));
        }
    }

    private static void drain(final InputStream in) {
        try {
            while (in.read() >= 0) {
                // Until the listener closes.
            }
        } catch (IOException closed) {
            // Reset by the listener: closed as well.
        }
    }

    private void awaitPersisted(final String marker) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        final TelemetryEvent e = new TelemetryEvent();
        final byte[] needle = ascii(marker);
        while (true) {
            while (rawReader.next(e)) {
                journal.add(Arrays.copyOf(e.raw(), e.rawLength()));
            }
            for (final byte[] raw : journal) {
                if (indexOf(raw, needle) >= 0) {
                    persisted.put(marker, raw);
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "not persisted: " + marker + "; " + counters + "; "
                + plain.connectionCounters());
            Thread.sleep(5);
        }
    }

    private void refreshQuarantine() {
        final TelemetryEvent e = new TelemetryEvent();
        while (quarantineReader.next(e)) {
            quarantined.add(Arrays.copyOf(e.raw(), e.rawLength()));
        }
    }

    private void assertQuarantined(final byte[] prefix) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            refreshQuarantine();
            for (final byte[] q : quarantined) {
                if (q.length >= prefix.length && Arrays.equals(q, 0, prefix.length, prefix, 0, prefix.length)) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "not in quarantine: "
                + new String(prefix, 0, Math.min(80, prefix.length), StandardCharsets.ISO_8859_1));
            Thread.sleep(5);
        }
    }

    private static void awaitAtLeast(final java.util.function.LongSupplier value, final long target)
        throws InterruptedException {
        awaitAtLeast(value, target, () -> "");
    }

    private static void awaitAtLeast(final java.util.function.LongSupplier value, final long target,
                                     final java.util.function.Supplier<String> what) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (value.getAsLong() < target) {
            assertTrue(System.nanoTime() < deadline, "count stayed at " + value.getAsLong() + " < " + target + " "
                + what.get());
            Thread.sleep(5);
        }
    }

    private static int indexOf(final byte[] hay, final byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] ascii(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

}
