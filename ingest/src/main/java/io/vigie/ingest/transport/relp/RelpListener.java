package io.vigie.ingest.transport.relp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.vigie.ingest.transport.ConnectionCounters;
import io.vigie.ingest.transport.ConnectionGuard;
import io.vigie.engine.Engine;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.FrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * RELP server (the protocol of rsyslog's omrelp; librelp doc/relp.html): acknowledged delivery, each message
 * acknowledged only after it is in the raw journal (DESIGN.md section 4). Optional TLS (a context per connection
 * from {@link RelpSettings#sslContext}, so certificate reloads apply to new sessions).
 */
public final class RelpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelpListener.class);

    private final RelpSettings settings;
    private final Engine engine;
    private final ListenerCounters counters;
    private final Supplier<FrameDecoder> decoders;
    private final ConnectionCounters connectionCounters;
    private final ConnectionGuard guard;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel server;
    private int port;

    /**
     * @param settings listener settings
     * @param engine   the engine (ring, persisted sequence)
     * @param counters engine counters (the listener registers its own under {@link RelpSettings#name})
     * @param decoders creates one frame decoder per session (thread-confined there)
     */
    public RelpListener(final RelpSettings settings, final Engine engine, final EngineCounters counters,
                        final Supplier<FrameDecoder> decoders) {
        this.settings = settings;
        this.engine = engine;
        this.counters = counters.listener(settings.name);
        this.decoders = decoders;
        this.connectionCounters = new ConnectionCounters(counters, settings.name);
        this.guard = new ConnectionGuard(settings.maxConnections, settings.maxConnectionsPerSource,
            TimeUnit.SECONDS.toMillis(settings.handshakeTimeoutSeconds), connectionCounters);
    }

    /** Binds and starts; returns the bound port. */
    public int start() throws InterruptedException {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(settings.threads, NioIoHandler.newFactory());
        final ServerBootstrap b = new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    ch.pipeline().addLast("guard", guard);
                    if (settings.sslContext != null) {
                        final SslHandler ssl = settings.sslContext.get().newHandler(ch.alloc());
                        if (settings.handshakeTimeoutSeconds > 0) {
                            ssl.setHandshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(settings.handshakeTimeoutSeconds));
                        }
                        ch.pipeline().addLast("tls", ssl);
                        if (settings.peerAllowList != null) {
                            ch.pipeline().addLast("tls-allow", settings.peerAllowList);
                        }
                    }
                    final RelpHandler handler = new RelpHandler(settings, engine, counters, decoders.get());
                    final RelpFrameDecoder frames = new RelpFrameDecoder(handler, settings.maxDataBytes);
                    handler.frames(frames);
                    ch.pipeline().addLast("relp-frames", frames);
                    ch.pipeline().addLast("relp", handler);
                }
            });
        server = b.bind(settings.bind, settings.port).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
        LOG.info("relp listener started, name={}, bind={}, port={}, tls={}", settings.name, settings.bind, port,
            settings.sslContext != null);
        return port;
    }

    /** Sessions this listener refused or closed by reason (connection limits, first-byte timeout). */
    public ConnectionCounters connectionCounters() {
        return connectionCounters;
    }

    /** The bound port (after start). */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
            server = null;
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            boss = null;
            workers = null;
        }
    }
}
