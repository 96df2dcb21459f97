package io.vigie.ingest.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * First handler of every stream connection: enforces the listener-wide and per-source connection limits (a
 * connection over a limit is closed at once, before any byte is read) and the first-byte timeout (a connection that
 * sends nothing within {@code handshakeTimeoutSeconds} is closed). Each refusal is counted in
 * {@link ConnectionCounters}. Shared by all connections of a listener; state is in atomics and channel attributes.
 */
@ChannelHandler.Sharable
public final class ConnectionGuard extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<Object> SOURCE = AttributeKey.valueOf("vigie.guard.source");
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("vigie.guard.refused");
    private static final Object NO_SOURCE = new Object();
    private static final AttributeKey<ScheduledFuture<?>> FIRST_BYTE = AttributeKey.valueOf("vigie.guard.firstByte");

    private final int maxConnections;
    private final int maxPerSource;
    private final long firstByteTimeoutMillis;
    private final ConnectionCounters counters;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perSource = new ConcurrentHashMap<>();

    /**
     * @param maxConnections         most open connections of the listener (0 = unlimited)
     * @param maxPerSource           most open connections per source address (0 = unlimited)
     * @param firstByteTimeoutMillis close a connection that sent no byte within this (0 = never)
     * @param counters               where refusals are counted
     */
    public ConnectionGuard(final int maxConnections, final int maxPerSource, final long firstByteTimeoutMillis,
                           final ConnectionCounters counters) {
        this.maxConnections = maxConnections;
        this.maxPerSource = maxPerSource;
        this.firstByteTimeoutMillis = firstByteTimeoutMillis;
        this.counters = counters;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        final Channel ch = ctx.channel();
        final int total = open.incrementAndGet();
        final InetAddress source = source(ch.remoteAddress());
        int fromSource = 0;
        if (source != null) {
            ch.attr(SOURCE).set(source);
            fromSource = perSource.computeIfAbsent(source, k -> new AtomicInteger()).incrementAndGet();
        } else {
            ch.attr(SOURCE).set(NO_SOURCE);
        }
        if (maxConnections > 0 && total > maxConnections) {
            refuse(ctx, ConnectionCounters.Reason.CONNECTION_LIMIT);
            return;
        }
        if (maxPerSource > 0 && fromSource > maxPerSource) {
            refuse(ctx, ConnectionCounters.Reason.SOURCE_LIMIT);
            return;
        }
        if (firstByteTimeoutMillis > 0) {
            ch.attr(FIRST_BYTE).set(ctx.executor().schedule(() -> {
                if (ch.isActive()) {
                    counters.onClosed(ConnectionCounters.Reason.HANDSHAKE_TIMEOUT);
                    ch.close();
                }
            }, firstByteTimeoutMillis, TimeUnit.MILLISECONDS));
        }
        super.channelActive(ctx);
    }

    /** Closes before the rest of the pipeline saw the connection (it sees neither active nor inactive). */
    private void refuse(final ChannelHandlerContext ctx, final ConnectionCounters.Reason reason) {
        ctx.channel().attr(REFUSED).set(Boolean.TRUE);
        counters.onClosed(reason);
        ctx.close();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception {
        if (ctx.channel().attr(REFUSED).get() != null) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        final ScheduledFuture<?> timer = ctx.channel().attr(FIRST_BYTE).getAndSet(null);
        if (timer != null) {
            timer.cancel(false);
        }
        // One check per connection is enough: step out of the pipeline.
        if (timer != null || firstByteTimeoutMillis == 0) {
            ctx.pipeline().remove(this);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        release(ctx.channel());
        if (ctx.channel().attr(REFUSED).get() == null) {
            super.channelInactive(ctx);
        }
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx) {
        // Removed after the first read: the counts are released when the channel closes.
        if (ctx.channel().isActive()) {
            ctx.channel().closeFuture().addListener(f -> release(ctx.channel()));
        } else {
            release(ctx.channel());
        }
    }

    private void release(final Channel ch) {
        final Object source = ch.attr(SOURCE).getAndSet(null);
        if (source == null) {
            return;
        }
        final ScheduledFuture<?> timer = ch.attr(FIRST_BYTE).getAndSet(null);
        if (timer != null) {
            timer.cancel(false);
        }
        open.decrementAndGet();
        if (source instanceof InetAddress) {
            perSource.computeIfPresent((InetAddress) source, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
        }
    }

    /** Open connections (tests, metrics). */
    public int open() {
        return open.get();
    }

    private static InetAddress source(final SocketAddress remote) {
        return remote instanceof InetSocketAddress ? ((InetSocketAddress) remote).getAddress() : null;
    }
}
