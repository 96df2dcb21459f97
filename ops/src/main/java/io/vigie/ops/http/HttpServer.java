package io.vigie.ops.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 server (Netty, NIO): {@code /health}, {@code /metrics} and whatever else the {@link Router} holds.
 * Requests are aggregated up to {@link #MAX_REQUEST_BYTES}; handlers run on the event loop.
 */
public final class HttpServer implements AutoCloseable {
    /** Largest request (headers + body) accepted; larger ones get 413. */
    public static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    private final String bind;
    private final int port;
    private final Router router;
    private final SslContext ssl;
    private EventLoopGroup group;
    private Channel channel;

    /**
     * @param bind   address to bind
     * @param port   port, 0 for an ephemeral one
     * @param router the routes
     * @param ssl    TLS context, or null for plain HTTP
     */
    public HttpServer(final String bind, final int port, final Router router, final SslContext ssl) {
        this.bind = bind;
        this.port = port;
        this.router = router;
        this.ssl = ssl;
    }

    /** Binds and starts; returns the bound port. */
    public int start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vigie-http", true),
            NioIoHandler.newFactory());
        final Dispatcher dispatcher = new Dispatcher(router);
        final ServerBootstrap b = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    final ChannelPipeline p = ch.pipeline();
                    if (ssl != null) {
                        p.addLast(ssl.newHandler(ch.alloc()));
                    }
                    p.addLast(new HttpServerCodec());
                    p.addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES));
                    p.addLast(dispatcher);
                }
            });
        try {
            channel = b.bind(bind, port).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        LOG.info("http listening, bind={}, port={}, tls={}", bind, port(), ssl != null);
        return port();
    }

    /** The bound port (after {@link #start()}). */
    public int port() {
        return channel == null ? -1 : ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @ChannelHandler.Sharable
    private static final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Router router;

        Dispatcher(final Router router) {
            this.router = router;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                Responses.error(ctx, request, 400, "bad request");
                return;
            }
            final String path = new QueryStringDecoder(request.uri()).path();
            final Router.Match m = router.route(request.method(), path);
            if (m.handler == null) {
                Responses.error(ctx, request, m.status, m.status == 404 ? "no such path: " + path
                    : "method " + request.method() + " not allowed on " + path);
                return;
            }
            try {
                m.handler.handle(ctx, request, path);
            } catch (Exception e) {
                LOG.warn("http handler failed, path={}, error={}", path, e.toString());
                Responses.error(ctx, request, 500, "internal error");
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            LOG.debug("http connection error, peer={}, error={}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
