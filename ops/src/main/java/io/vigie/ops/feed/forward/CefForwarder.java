package io.vigie.ops.feed.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.journal.AlertTailer;
import io.vigie.ingest.transport.tls.TlsContexts;
import io.vigie.ops.feed.stream.AlertLines;
import io.vigie.ops.share.OutboundFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Forwards alerts from the alert journal to a SIEM as CEF in RFC 5424 syslog messages, octet-counted over TCP
 * (RFC 6587 section 3.4.1), optionally TLS (RFC 5425). One thread ({@code vigie-cef-forward}) tails the journal from
 * a persisted position ({@code <state dir>/<name>.position}: the last alert whose bytes the socket accepted), so a
 * restart resumes with no gap and no duplicate; after a connection loss it reconnects with exponential backoff and
 * resends from that position. Alerts above {@link Settings#maxTlp} are skipped (RED only when {@code max_tlp: red},
 * i.e. a SIEM inside the SOC); the {@link OutboundFilter} runs on every alert sent.
 *
 * <p>Delivery: TCP syslog has no acknowledgement. A graceful stop flushes and persists, so stop/start is exact; a
 * crash may resend the alerts of the last 200 ms (at-least-once), and bytes the kernel accepted just before a
 * connection reset can be lost (as with any plain syslog sender).
 */
public final class CefForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CefForwarder.class);
    private static final long PERSIST_EVERY_MS = 200;

    /** Forwarder settings ({@code forward.cef:}); every field has a default. */
    public static final class Settings {
        /** Name of this forwarder (position file {@code <name>.position}, thread and log labels). */
        public String name = "cef";
        public String host = "127.0.0.1";
        public int port = 514;
        /** TLS on (RFC 5425); trust {@link #caFile} or the JDK's default CAs. */
        public boolean tls;
        /** PEM CA bundle to verify the server with, or null for the JDK's trust store. */
        public Path caFile;
        /** PEM client certificate chain and PKCS#8 key for mutual TLS, or null. */
        public Path certFile;
        public Path keyFile;
        /** Name checked against the server certificate (default: {@link #host}). */
        public String serverName;
        /** Most permissive TLP label forwarded. */
        public Tlp maxTlp = Tlp.AMBER;
        /** HOSTNAME of the syslog header (the SOC id). */
        public String hostname = "vigie";
        /** Syslog facility code (RFC 5424 section 6.2.1), default local0. */
        public int facility = CefFormat.DEFAULT_FACILITY;
        /** With no position file: {@code end} (only new alerts) or {@code start} (the whole retained journal). */
        public String startAt = "end";
        public long connectTimeoutMs = 5_000;
        public long writeTimeoutMs = 30_000;
        public long backoffMinMs = 250;
        public long backoffMaxMs = 30_000;
        /** Alerts per write batch. */
        public int batch = 256;
        /** Poll interval when the journal has nothing new. */
        public long idleSleepMs = 20;
    }

    private final Path alertDir;
    private final Path positionFile;
    private final Settings settings;
    private final OutboundFilter filter;
    private final String version;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private volatile long acked = -1;
    private volatile boolean running;
    private Thread thread;
    private SslContext ssl;
    private EventLoopGroup group;

    /**
     * @param alertDir the alert journal ({@code <data>/alerts})
     * @param stateDir where the position file lives (e.g. {@code <data>/forward}); created when missing
     * @param settings destination, TLS, TLP limit
     * @param filter   applied to every alert before it leaves
     * @param version  Vigie's version (CEF Device Version)
     */
    public CefForwarder(final Path alertDir, final Path stateDir, final Settings settings, final OutboundFilter filter,
                        final String version) {
        this.alertDir = alertDir;
        this.positionFile = stateDir.resolve(settings.name + ".position");
        this.settings = settings;
        this.filter = filter;
        this.version = version;
        if (!"end".equals(settings.startAt) && !"start".equals(settings.startAt)) {
            throw new IllegalArgumentException("forward.cef.start_at must be 'start' or 'end': " + settings.startAt);
        }
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** A client TLS context: TLS 1.2/1.3, Vigie's cipher list, host name verification, optional client cert. */
    static SslContext clientContext(final Settings s) throws SSLException {
        final SslContextBuilder b = SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols(TlsContexts.PROTOCOLS)
            .ciphers(TlsContexts.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .endpointIdentificationAlgorithm("HTTPS");
        if (s.caFile != null) {
            b.trustManager(s.caFile.toFile());
        }
        if (s.certFile != null && s.keyFile != null) {
            b.keyManager(s.certFile.toFile(), s.keyFile.toFile());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new SSLException("invalid TLS material for forward.cef: " + e.getMessage(), e);
        }
    }

    /** Loads TLS material and starts the forwarding thread. */
    public synchronized void start() throws SSLException {
        if (running) {
            return;
        }
        ssl = settings.tls ? clientContext(settings) : null;
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vigie-" + settings.name + "-io", true),
            NioIoHandler.newFactory());
        running = true;
        thread = new Thread(this::run, "vigie-" + settings.name + "-forward");
        thread.setDaemon(true);
        thread.start();
    }

    /** Wakes the forwarding thread (e.g. from an alert listener); optional, it also polls. */
    public void wake() {
        final Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Last alert-journal position handed to the socket (or skipped), -1 before any. */
    public long position() {
        return acked;
    }

    /** Alerts sent so far. */
    public long sent() {
        return sent.get();
    }

    /** Alerts skipped (TLP above the limit, unreadable, or withheld by the filter). */
    public long skipped() {
        return skipped.get();
    }

    /** Successful connections so far. */
    public long connects() {
        return connects.get();
    }

    /** Stops: finishes the batch in flight, persists the position, closes the connection. */
    @Override
    public void close() {
        final Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(settings.writeTimeoutMs + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // --- forwarding thread -----------------------------------------------------------------------------------------

    private void run() {
        AlertTailer tailer = null;
        Channel ch = null;
        long backoff = settings.backoffMinMs;
        long lastPersist = 0;
        long persisted;
        try {
            acked = readPosition();
            if (acked < 0 && "end".equals(settings.startAt)) {
                try (AlertTailer t = new AlertTailer(alertDir)) {
                    while (t.next() != null) {
                        acked = t.lastIndex();
                    }
                }
                writePosition(acked);
            }
            persisted = acked;
            while (running) {
                if (ch == null || !ch.isActive()) {
                    if (ch != null) {
                        ch.close();
                        LOG.info("forward connection lost, forwarder={}, resumeAfter={}", settings.name, acked);
                    }
                    ch = connect();
                    if (ch == null) {
                        sleep(backoff);
                        backoff = Math.min(settings.backoffMaxMs, backoff * 2);
                        continue;
                    }
                    backoff = settings.backoffMinMs;
                    if (tailer != null) {
                        tailer.close();
                    }
                    tailer = openAfter(acked);
                }
                final long before = acked;
                final boolean ok = sendBatch(tailer, ch);
                if (!ok) {
                    ch.close();
                    continue;
                }
                final long now = System.currentTimeMillis();
                if (acked != persisted && now - lastPersist >= PERSIST_EVERY_MS) {
                    writePosition(acked);
                    persisted = acked;
                    lastPersist = now;
                }
                if (acked == before) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(settings.idleSleepMs));
                }
            }
            if (acked != persisted) {
                writePosition(acked);
            }
        } catch (RuntimeException e) {
            LOG.error("forwarder failed, forwarder={}, error={}", settings.name, e.toString(), e);
        } finally {
            if (ch != null) {
                ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            if (tailer != null) {
                tailer.close();
            }
        }
    }

    /** A tailer just after {@code position} (at the journal's start when -1 or no longer retained). */
    private AlertTailer openAfter(final long position) {
        final AlertTailer t = new AlertTailer(alertDir);
        if (position >= 0) {
            if (t.moveTo(position) && t.next() != null && t.lastIndex() == position) {
                return t;
            }
            LOG.warn("forward position not in the alert journal, resending from its start, forwarder={}, position={}",
                settings.name, position);
            t.close();
            return new AlertTailer(alertDir);
        }
        return t;
    }

    /** Sends up to a batch and waits until the socket took it; false when the connection failed. */
    private boolean sendBatch(final AlertTailer tailer, final Channel ch) {
        long last = acked;
        ChannelFuture lastWrite = null;
        int n = 0;
        int written = 0;
        byte[] raw;
        while (n < settings.batch && (raw = tailer.next()) != null) {
            n++;
            last = tailer.lastIndex();
            final Alert a = AlertLines.parse(raw, last);
            if (a == null || a.tlp.ordinal() > settings.maxTlp.ordinal()) {
                skipped.incrementAndGet();
                continue;
            }
            final Alert out;
            try {
                out = filter.apply(a);
            } catch (RuntimeException e) {
                LOG.warn("outbound filter failed, alert withheld, forwarder={}, position={}, error={}", settings.name,
                    last, e.toString());
                skipped.incrementAndGet();
                continue;
            }
            if (out == null) {
                skipped.incrementAndGet();
                continue;
            }
            out.position = last;
            final byte[] frame = CefFormat.octetCounted(CefFormat.syslog(out, settings.hostname, settings.facility,
                version));
            lastWrite = ch.write(Unpooled.wrappedBuffer(frame));
            written++;
        }
        if (lastWrite != null) {
            ch.flush();
            if (!lastWrite.awaitUninterruptibly(settings.writeTimeoutMs) || !lastWrite.isSuccess()) {
                LOG.warn("forward write failed, forwarder={}, error={}", settings.name,
                    lastWrite.cause() == null ? "timeout" : lastWrite.cause().toString());
                return false;
            }
        }
        sent.addAndGet(written);
        acked = last;
        return true;
    }

    private Channel connect() {
        final Bootstrap b = new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeoutMs)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel c) {
                    if (ssl != null) {
                        c.pipeline().addLast(ssl.newHandler(c.alloc(),
                            settings.serverName != null ? settings.serverName : settings.host, settings.port));
                    }
                    c.pipeline().addLast(new Discard());
                }
            });
        try {
            final ChannelFuture f = b.connect(settings.host, settings.port);
            if (!f.awaitUninterruptibly(settings.connectTimeoutMs + 1000) || !f.isSuccess()) {
                LOG.warn("forward connect failed, forwarder={}, host={}, port={}, error={}", settings.name,
                    settings.host, settings.port, f.cause() == null ? "timeout" : f.cause().toString());
                f.channel().close();
                return null;
            }
            final Channel ch = f.channel();
            final SslHandler h = ch.pipeline().get(SslHandler.class);
            if (h != null && (!h.handshakeFuture().awaitUninterruptibly(settings.connectTimeoutMs)
                || !h.handshakeFuture().isSuccess())) {
                LOG.warn("forward TLS handshake failed, forwarder={}, host={}, port={}, error={}", settings.name,
                    settings.host, settings.port, h.handshakeFuture().cause() == null ? "timeout"
                        : h.handshakeFuture().cause().toString());
                ch.close();
                return null;
            }
            connects.incrementAndGet();
            LOG.info("forward connected, forwarder={}, host={}, port={}, tls={}, resumeAfter={}", settings.name,
                settings.host, settings.port, ssl != null, acked);
            return ch;
        } catch (RuntimeException e) {
            LOG.warn("forward connect failed, forwarder={}, error={}", settings.name, e.toString());
            return null;
        }
    }

    private void sleep(final long ms) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (running && System.nanoTime() < deadline) {
            LockSupport.parkNanos(deadline - System.nanoTime());
        }
    }

    private long readPosition() {
        if (!Files.exists(positionFile)) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readString(positionFile, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("unreadable forward position file " + positionFile + ": " + e, e);
        }
    }

    private void writePosition(final long position) {
        final Path tmp = positionFile.resolveSibling(positionFile.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, position + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, positionFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot persist forward position, forwarder={}, file={}, error={}", settings.name, positionFile,
                e.toString());
        }
    }

    /** Drops whatever the receiver sends (syslog receivers send nothing). */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            LOG.debug("forward connection error, error={}", cause.toString());
            ctx.close();
        }
    }
}
