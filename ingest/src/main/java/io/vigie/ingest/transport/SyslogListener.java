package io.vigie.ingest.transport;

import com.lmax.disruptor.RingBuffer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.framing.SyslogFrameDecoder;
import io.vigie.ingest.publish.RingPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Syslog over UDP and TCP on one port (TCP framing detected per connection), or over TLS (RFC 5425) when the
 * settings carry an SSL context (UDP is then off).
 *
 * <pre>
 *   UDP:  datagram ─► UdpHandler (one datagram = one frame) ─► RingPublisher (DROP) ─► event ring
 *   TCP:  ConnectionGuard ─► [SslHandler ─► TlsOutcome ─► PeerAllowList] ─► IdleStateHandler
 *           ─► SyslogFrameDecoder ─► RingPublisher (per connection) ─► event ring
 *           └► ConnectionHandler (counts connections, idle close, errors)
 * </pre>
 * Connection limits (listener-wide and per source address), the first-byte / TLS-handshake timeout, idle closes,
 * failed handshakes, TLS on the plaintext port and lost framing are counted per reason in
 * {@link #connectionCounters()}.
 * Datagrams the kernel drops (receive queue full) are read from /proc/net/udp and counted as dropped
 * ({@code KERNEL}) where Linux exposes them. UDP runs on epoll where available (its own one-thread group when TCP
 * uses io_uring) and reads up to {@link #UDP_BATCH} datagrams per {@code recvmmsg}.
 * Each channel has its own publisher and decoder, confined to its event loop. A malformed frame never closes the
 * listener; only lost framing closes a connection; an exception in a handler is counted ({@link #errors()}) and
 * closes that channel only.
 */
public final class SyslogListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogListener.class);
    private static final int BIND_ATTEMPTS = 16;
    /** Largest UDP payload (RFC 768 length field; 65,507 over IPv4, 65,527 over IPv6), plus one to see truncation. */
    static final int MAX_DATAGRAM_BYTES = 65_536;
    /**
     * Datagrams read per receive call where the transport batches (epoll {@code recvmmsg}, io_uring receives in
     * flight): 16 slots of {@link #MAX_DATAGRAM_BYTES} make a 1 MiB buffer, the largest Netty's adaptive allocator
     * still pools. Overridable with the system property {@code vigie.udp.batch} (1 = one datagram per read).
     */
    static final int UDP_BATCH = Math.max(1, Integer.getInteger("vigie.udp.batch", 16));

    private final ListenerSettings settings;
    private final RingBuffer<TelemetryEvent> ring;
    private final EngineCounters engineCounters;
    private final ListenerCounters counters;
    private final Supplier<MessageDecoders> messages;
    private final ConnectionHandler connectionHandler = new ConnectionHandler();
    private final TlsOutcome tlsOutcome = new TlsOutcome();
    private final AtomicLong errors = new AtomicLong();
    private final ConnectionCounters connectionCounters;
    private final ConnectionGuard guard;

    private EventLoopGroup group;
    /** The UDP channel's own group when UDP uses another transport than TCP, else null (UDP shares {@link #group}). */
    private EventLoopGroup udpGroup;
    private Transports.Kind udpTransport;
    private Channel tcpChannel;
    private Channel udpChannel;
    private KernelDropMonitor kernelDrops;
    private Transports.Kind transport;
    private int port;

    /**
     * @param settings listener settings
     * @param ring     the engine's event ring
     * @param counters engine counters (the listener registers its own)
     * @param messages creates one message-decoder set per connection/channel
     */
    public SyslogListener(final ListenerSettings settings, final RingBuffer<TelemetryEvent> ring,
                          final EngineCounters counters, final Supplier<MessageDecoders> messages) {
        this.settings = settings;
        this.ring = ring;
        this.engineCounters = counters;
        this.counters = counters.listener(settings.name);
        this.messages = messages;
        this.connectionCounters = new ConnectionCounters(counters, settings.name);
        this.guard = new ConnectionGuard(settings.maxConnections, settings.maxConnectionsPerSource,
            TimeUnit.SECONDS.toMillis(settings.handshakeTimeoutSeconds), connectionCounters);
    }

    /** Binds and starts; returns the bound port. */
    public int start() throws InterruptedException {
        transport = Transports.select();
        group = Transports.newGroup(transport, Math.max(1, settings.ioThreads), "vigie-" + settings.name);
        final boolean tls = settings.sslContext != null;
        final boolean tcp = settings.tcp || tls;
        final boolean udp = settings.udp && !tls;
        udpTransport = udp ? Transports.selectDatagram() : transport;
        if (udpTransport != transport) {
            udpGroup = Transports.newGroup(udpTransport, 1, "vigie-" + settings.name + "-udp");
        }
        try {
            for (int attempt = 0; ; attempt++) {
                int p = settings.port;
                if (tcp) {
                    tcpChannel = bindTcp(p);
                    p = ((InetSocketAddress) tcpChannel.localAddress()).getPort();
                }
                if (udp) {
                    try {
                        udpChannel = bindUdp(p);
                        p = ((InetSocketAddress) udpChannel.localAddress()).getPort();
                    } catch (Exception e) {
                        // Port 0: the TCP port number may be taken for UDP; pick another pair. (Netty rethrows the
                        // checked BindException undeclared, hence Exception.)
                        if (settings.port != 0 || !tcp || attempt >= BIND_ATTEMPTS) {
                            throw e;
                        }
                        tcpChannel.close().sync();
                        tcpChannel = null;
                        continue;
                    }
                }
                port = p;
                if (udpChannel != null) {
                    kernelDrops = KernelDropMonitor.start(port, counters, settings.name);
                    reportReceiveBuffer();
                }
                break;
            }
        } catch (Exception e) {
            close();
            throw e;
        }
        LOG.info("listener started, name={}, bind={}, port={}, transport={}, udp={}, tcp={}, tls={}",
            settings.name, settings.bind, port, transport.name().toLowerCase(java.util.Locale.ROOT),
            udpChannel != null ? udpTransport.name().toLowerCase(java.util.Locale.ROOT) : "off", tcpChannel != null,
            tls);
        return port;
    }

    private Channel bindTcp(final int p) throws InterruptedException {
        final ServerBootstrap b = new ServerBootstrap()
            .group(group)
            .channel(Transports.serverChannel(transport))
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    ch.pipeline().addLast("guard", guard);
                    if (settings.sslContext != null) {
                        final SslHandler ssl = settings.sslContext.get().newHandler(ch.alloc());
                        if (settings.handshakeTimeoutSeconds > 0) {
                            ssl.setHandshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(settings.handshakeTimeoutSeconds));
                        }
                        ch.pipeline().addLast("tls", ssl);
                        ch.pipeline().addLast("tls-outcome", tlsOutcome);
                        if (settings.peerAllowList != null) {
                            ch.pipeline().addLast("tls-allow", settings.peerAllowList);
                        }
                    }
                    if (settings.idleTimeoutSeconds > 0) {
                        ch.pipeline().addLast("idle", new IdleStateHandler(settings.idleTimeoutSeconds, 0, 0,
                            TimeUnit.SECONDS));
                    }
                    final boolean backPressure = settings.tcpPolicy == RingPublisher.Policy.BLOCK;
                    ch.pipeline().addLast("framer", new SyslogFrameDecoder(newPublisher(settings.tcpPolicy),
                        settings.maxFrameBytes, backPressure, connectionCounters));
                    ch.pipeline().addLast("connection", connectionHandler);
                }
            });
        final ChannelFuture f = b.bind(settings.bind, p).sync();
        return f.channel();
    }

    /**
     * Logs the UDP receive buffer the kernel granted (Linux reports twice the bytes asked, for its bookkeeping, and
     * caps the request at {@code net.core.rmem_max}); warns when it is below what was asked, since that buffer is
     * all that absorbs a burst, or the first seconds of a flood while the JIT compiles the decode path.
     */
    private void reportReceiveBuffer() {
        final Integer reported = udpChannel.config().getOption(ChannelOption.SO_RCVBUF);
        final int asked = settings.udpReceiveBufferBytes;
        if (reported == null) {
            return;
        }
        final boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
        final int granted = linux ? reported / 2 : reported;
        if (granted < asked) {
            LOG.warn("udp receive buffer capped by the kernel, name={}, asked={}, granted={}: raise net.core.rmem_max"
                + " (sysctl) to at least {}", settings.name, asked, granted, asked);
        } else {
            LOG.info("udp receive buffer, name={}, asked={}, granted={}", settings.name, asked, granted);
        }
    }

    private Channel bindUdp(final int p) throws InterruptedException {
        final Bootstrap b = new Bootstrap()
            .group(udpGroup != null ? udpGroup : group)
            .channel(Transports.datagramChannel(udpTransport))
            .option(ChannelOption.SO_RCVBUF, settings.udpReceiveBufferBytes)
            .option(ChannelOption.SO_REUSEADDR, true)
            .handler(new UdpHandler(newPublisher(RingPublisher.Policy.DROP)));
        // Every slot holds the largest datagram: Netty's default reads into 2048-byte buffers and silently
        // truncates larger ones.
        final int bufferBytes = UDP_BATCH > 1
            ? Transports.datagramBatch(b, udpTransport, MAX_DATAGRAM_BYTES, UDP_BATCH) : MAX_DATAGRAM_BYTES;
        b.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(bufferBytes));
        return b.bind(settings.bind, p).sync().channel();
    }

    private RingPublisher newPublisher(final RingPublisher.Policy policy) {
        final AutoDetectDecoder decoder = new AutoDetectDecoder(settings.format, settings.decoder, messages.get());
        return new RingPublisher(ring, counters, decoder, engineCounters.latencies(), policy, settings.tlp);
    }

    /** The bound port (after start). */
    public int port() {
        return port;
    }

    /** The transport in use (after start); UDP may use another, see {@link #datagramTransport()}. */
    public Transports.Kind transport() {
        return transport;
    }

    /** The UDP channel's transport (after start): epoll where available unless one is forced. */
    public Transports.Kind datagramTransport() {
        return udpTransport;
    }

    /** This listener's counters. */
    public ListenerCounters counters() {
        return counters;
    }

    /** Connections this listener refused or closed, by reason (limits, timeouts, TLS). */
    public ConnectionCounters connectionCounters() {
        return connectionCounters;
    }

    /** Open stream connections, as seen by the connection limits. */
    public int openConnections() {
        return guard.open();
    }

    /** Exceptions caught in this listener's handlers (each closed its channel). */
    public long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        if (kernelDrops != null) {
            kernelDrops.close();
            kernelDrops = null;
        }
        if (tcpChannel != null) {
            tcpChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            tcpChannel = null;
        }
        if (udpChannel != null) {
            udpChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            udpChannel = null;
        }
        if (udpGroup != null) {
            udpGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            udpGroup = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            group = null;
            LOG.info("listener stopped, name={}", settings.name);
        }
    }

    private void onError(final ChannelHandlerContext ctx, final Throwable cause) {
        errors.incrementAndGet();
        engineCounters.onError();
        LOG.debug("handler error, listener={}, channel={}, error={}", settings.name, ctx.channel(), cause.toString());
    }

    /** One datagram is one frame (trailing LF trimmed). Owned by the UDP channel's event loop. */
    private final class UdpHandler extends ChannelInboundHandlerAdapter {
        private final RingPublisher publisher;

        UdpHandler(final RingPublisher publisher) {
            this.publisher = publisher;
            // The datagrams of one read loop (recvmmsg batches) are published together, at channelReadComplete.
            publisher.deferPublish();
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx) {
            publisher.flush();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
            publisher.flush();
            super.channelInactive(ctx);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            if (!(msg instanceof DatagramPacket)) {
                ctx.fireChannelRead(msg);
                return;
            }
            final DatagramPacket packet = (DatagramPacket) msg;
            try {
                final ByteBuf content = packet.content();
                final int r = content.readerIndex();
                int w = content.writerIndex();
                while (w > r && content.getByte(w - 1) == '\n') {
                    w--;
                }
                publisher.peer(packet.sender());
                if (w - r > settings.maxFrameBytes) {
                    publisher.publishRejected(content, r, settings.maxFrameBytes, RejectReason.FRAME_TOO_LONG);
                } else {
                    publisher.publish(content, r, w - r);
                }
            } finally {
                packet.release();
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            // UDP never closes: count and go on.
            onError(ctx, cause);
        }
    }

    /** Counts connections, closes idle ones, and contains handler exceptions. Shared by all TCP connections. */
    @ChannelHandler.Sharable
    private final class ConnectionHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(final ChannelHandlerContext ctx) throws Exception {
            counters.onConnection(1);
            LOG.debug("connection opened, listener={}, peer={}", settings.name, ctx.channel().remoteAddress());
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
            counters.onConnection(-1);
            LOG.debug("connection closed, listener={}, peer={}", settings.name, ctx.channel().remoteAddress());
            super.channelInactive(ctx);
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                connectionCounters.onClosed(ConnectionCounters.Reason.IDLE_TIMEOUT);
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            // Nothing should get here (the framer consumes the bytes); release whatever does.
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            // A peer resetting or speaking bad TLS is expected input, counted elsewhere; anything else is a bug.
            if (expected(cause)) {
                LOG.debug("connection error, listener={}, peer={}, error={}", settings.name,
                    ctx.channel().remoteAddress(), cause.toString());
            } else {
                onError(ctx, cause);
            }
            ctx.close();
        }
    }

    private static boolean expected(final Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    /** Counts failed TLS handshakes (timeout, plaintext, bad certificate). Shared by all TLS connections. */
    @ChannelHandler.Sharable
    private final class TlsOutcome extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent) {
                final SslHandshakeCompletionEvent done = (SslHandshakeCompletionEvent) evt;
                if (!done.isSuccess()) {
                    connectionCounters.onClosed(done.cause() instanceof SslHandshakeTimeoutException
                        ? ConnectionCounters.Reason.HANDSHAKE_TIMEOUT : ConnectionCounters.Reason.TLS_HANDSHAKE_FAILED);
                    ctx.close();
                } else {
                    ctx.pipeline().remove(this);
                }
            }
            super.userEventTriggered(ctx, evt);
        }
    }
}
