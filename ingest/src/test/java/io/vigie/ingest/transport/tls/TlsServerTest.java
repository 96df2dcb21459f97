package io.vigie.ingest.transport.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS server contexts, reload and allow-list, against a tiny Netty echo server and JDK clients. */
@Timeout(60)
class TlsServerTest {
    @TempDir
    Path dir;

    private TestPki.Issued ca;
    private TestPki.Issued client;
    private Path caFile;
    private Path serverCrt;
    private Path serverKey;
    private EventLoopGroup group;
    private Channel server;
    private final AtomicLong clock = new AtomicLong(1);
    private final AtomicLong denied = new AtomicLong();

    @BeforeEach
    void pki() throws Exception {
        ca = TestPki.ca("vigie-test-ca");
        caFile = dir.resolve("ca.crt");
        Files.writeString(caFile, TestPki.pem("CERTIFICATE", ca.cert.getEncoded()));
        final Path[] s = TestPki.leaf(ca, "server-1", "localhost").write(dir, "server");
        serverCrt = s[0];
        serverKey = s[1];
        client = TestPki.leaf(ca, "client-1", "client-1.example");
        client.write(dir, "client");
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private int start(final ReloadingSslContext contexts, final List<String> allow) throws InterruptedException {
        final PeerAllowList allowList = allow == null ? null : new PeerAllowList(allow, denied);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    ch.pipeline().addLast(contexts.get().newHandler(ch.alloc()));
                    if (allowList != null) {
                        ch.pipeline().addLast(allowList);
                    }
                    ch.pipeline().addLast(new Echo());
                }
            }).bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Echoes bytes; closes on any error (e.g. plaintext on the TLS port). */
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close();
        }
    }

    private SSLSocket connect(final int port, final Path cert, final Path key, final String... protocols)
        throws Exception {
        final SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
            .trustManager(caFile.toFile());
        if (cert != null) {
            b.keyManager(cert.toFile(), key.toFile());
        }
        final JdkSslContext ctx = (JdkSslContext) b.build();
        final SSLSocket s = (SSLSocket) ctx.context().getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        return s;
    }

    /** True when a line goes through and comes back. */
    private static boolean echoes(final Socket s) {
        try {
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            final byte[] b = s.getInputStream().readNBytes(5);
            return "ping\n".equals(new String(b, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    private ReloadingSslContext mutual() throws Exception {
        return new ReloadingSslContext(serverCrt, serverKey, caFile, clock::get);
    }

    @Test
    void shouldAcceptAClientWithACertificateFromTheCa() throws Exception {
        final int port = start(mutual(), null);
        try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
            assertTrue(echoes(s));
            assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(s.getSession().getProtocol()));
        }
        try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"), "TLSv1.2")) {
            assertTrue(echoes(s));
            assertEquals("TLSv1.2", s.getSession().getProtocol());
        }
    }

    @Test
    void shouldRefuseClientsWithoutOrWithAWrongCertificate() throws Exception {
        final int port = start(mutual(), null);
        try (SSLSocket s = connect(port, null, null)) {
            assertFalse(echoes(s));
        }
        final TestPki.Issued otherCa = TestPki.ca("other-ca");
        TestPki.leaf(otherCa, "client-1", "client-1.example").write(dir, "rogue");
        try (SSLSocket s = connect(port, dir.resolve("rogue.crt"), dir.resolve("rogue.key"))) {
            assertFalse(echoes(s));
        }
        try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
            assertTrue(echoes(s), "server still serves");
        }
    }

    @Test
    void shouldRefuseTls11() throws Exception {
        final int port = start(mutual(), null);
        // A hand-made TLS 1.1 ClientHello (RFC 4346 section 7.4.1.2): the JDK client will not offer 1.1 any more.
        final byte[] hello = tls11ClientHello();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(hello);
            s.getOutputStream().flush();
            final int first = readOrEnd(s.getInputStream());
            // 0x15 = alert (protocol_version / handshake_failure), or the server just closes; never 0x16 (ServerHello).
            assertTrue(first == 0x15 || first < 0, "server answered TLS 1.1 with record type " + first);
        }
        try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
            assertTrue(echoes(s));
        }
    }

    @Test
    void shouldApplyTheAllowList() throws Exception {
        int port = start(mutual(), List.of("client-1"));
        try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
            assertTrue(echoes(s));
        }
        server.close().sync();
        port = start(mutual(), List.of("client-1.example"));
        try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
            assertTrue(echoes(s), "subjectAltName match");
        }
        server.close().sync();
        port = start(mutual(),
            List.of("sha256:" + PeerAllowList.fingerprint(client.cert).toUpperCase(java.util.Locale.ROOT)));
        try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
            assertTrue(echoes(s), "fingerprint match");
        }
        server.close().sync();
        port = start(mutual(), List.of("someone-else", "sha256:00"));
        try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
            assertFalse(echoes(s));
        }
        assertEquals(1, denied.get());
    }

    @Test
    void shouldReloadChangedFilesForNewHandshakesOnly() throws Exception {
        final ReloadingSslContext contexts = mutual();
        final int port = start(contexts, null);
        try (SSLSocket old = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
            assertTrue(echoes(old));
            assertEquals("CN=server-1", serverCert(old).getSubjectX500Principal().getName());
            // Rotate the server certificate and key; mtimes set explicitly (coarse file-system clocks).
            final TestPki.Issued next = TestPki.leaf(ca, "server-2", "localhost");
            Files.writeString(serverCrt, TestPki.pem("CERTIFICATE", next.cert.getEncoded()));
            Files.writeString(serverKey, TestPki.pem("PRIVATE KEY", next.keys.getPrivate().getEncoded()));
            final FileTime later = FileTime.fromMillis(System.currentTimeMillis() + 10_000);
            Files.setLastModifiedTime(serverCrt, later);
            Files.setLastModifiedTime(serverKey, later);
            // Within the check period the old material is still used.
            try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
                assertTrue(echoes(s));
                assertEquals("CN=server-1", serverCert(s).getSubjectX500Principal().getName());
            }
            clock.addAndGet(1_000_000_000L);
            try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
                assertTrue(echoes(s));
                assertEquals("CN=server-2", serverCert(s).getSubjectX500Principal().getName());
            }
            assertEquals(1, contexts.reloads());
            assertTrue(echoes(old), "the established session keeps its material");
            // A broken rotation keeps the last good material.
            Files.writeString(serverKey, "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
            Files.setLastModifiedTime(serverKey, FileTime.fromMillis(System.currentTimeMillis() + 20_000));
            clock.addAndGet(1_000_000_000L);
            try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
                assertTrue(echoes(s));
                assertEquals("CN=server-2", serverCert(s).getSubjectX500Principal().getName());
            }
            assertEquals(1, contexts.failures());
        }
    }

    @Test
    void shouldSurvivePlaintextOnTheTlsPort() throws Exception {
        final int port = start(mutual(), null);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("<13>Dec  3 08:00:00 host app: plaintext\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            final int first = readOrEnd(s.getInputStream());
            assertTrue(first < 0 || first == 0x15, "plaintext got " + first);
        }
        try (SSLSocket s = connect(port, dir.resolve("client.crt"), dir.resolve("client.key"))) {
            assertTrue(echoes(s));
        }
    }

    @Test
    void shouldServeWithoutClientAuthWhenNoCaIsGiven() throws Exception {
        final int port = start(new ReloadingSslContext(serverCrt, serverKey, null, clock::get), null);
        try (SSLSocket s = connect(port, null, null)) {
            assertTrue(echoes(s));
        }
    }

    private static X509Certificate serverCert(final SSLSocket s) throws Exception {
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }

    private static int readOrEnd(final InputStream in) {
        try {
            return in.read();
        } catch (IOException e) {
            return -1;
        }
    }

    /** A minimal TLS 1.1 ClientHello record offering AES-CBC suites, no extensions but supported groups/points. */
    private static byte[] tls11ClientHello() {
        final byte[] random = new byte[32];
        final byte[] suites = {(byte) 0xC0, 0x09, (byte) 0xC0, 0x13, 0x00, 0x2F, 0x00, 0x35};
        final byte[] ext = {
            0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,      // supported_groups: secp256r1
            0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                  // ec_point_formats: uncompressed
        };
        final int bodyLength = 2 + 32 + 1 + 2 + suites.length + 2 + 2 + ext.length;
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(5 + 4 + bodyLength);
        b.put((byte) 0x16).put((byte) 0x03).put((byte) 0x01).putShort((short) (4 + bodyLength));
        b.put((byte) 0x01).put((byte) 0).putShort((short) bodyLength);
        b.put((byte) 0x03).put((byte) 0x02).put(random).put((byte) 0);
        b.putShort((short) suites.length).put(suites);
        b.put((byte) 1).put((byte) 0);
        b.putShort((short) ext.length).put(ext);
        return b.array();
    }
}
