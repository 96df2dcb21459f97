package io.vigie.ingest.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Chooses the Netty transport at runtime: io_uring, then epoll, then NIO, each only when its native part loads
 * (kernels, containers and seccomp profiles may disable io_uring). The system property {@value #PROPERTY}
 * ({@code nio|epoll|io_uring}) forces one; a forced transport that is unavailable falls back to NIO with a warning.
 */
public final class Transports {
    /** System property that forces a transport. */
    public static final String PROPERTY = "vigie.transport";

    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

    /** The transports, best first. */
    public enum Kind {
        IO_URING,
        EPOLL,
        NIO
    }

    private Transports() {
    }

    /** The transport to use: the forced one if set and available, else the best available. */
    public static Kind select() {
        final String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) {
            final String name = forced.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            final Kind kind;
            switch (name) {
                case "io_uring":
                case "iouring":
                    kind = Kind.IO_URING;
                    break;
                case "epoll":
                    kind = Kind.EPOLL;
                    break;
                case "nio":
                    kind = Kind.NIO;
                    break;
                default:
                    LOG.warn("unknown transport, {}={}, using auto-detection", PROPERTY, forced);
                    return best();
            }
            if (available(kind)) {
                return kind;
            }
            LOG.warn("transport unavailable, {}={}, falling back to nio", PROPERTY, forced);
            return Kind.NIO;
        }
        return best();
    }

    /** True when the transport's native part loads here. */
    public static boolean available(final Kind kind) {
        try {
            switch (kind) {
                case IO_URING:
                    return IoUring.isAvailable();
                case EPOLL:
                    return Epoll.isAvailable();
                default:
                    return true;
            }
        } catch (Throwable t) {
            // NoClassDefFoundError / UnsatisfiedLinkError when the native jar is missing: not available.
            return false;
        }
    }

    /**
     * The transport for UDP listeners: the forced one if {@value #PROPERTY} is set, else epoll where available
     * (its {@code recvmmsg} batches measured faster than io_uring's receives in flight for small datagrams), else
     * the best available.
     */
    public static Kind selectDatagram() {
        final String forced = System.getProperty(PROPERTY);
        if ((forced == null || forced.isBlank()) && available(Kind.EPOLL)) {
            return Kind.EPOLL;
        }
        return select();
    }

    private static Kind best() {
        if (available(Kind.IO_URING)) {
            return Kind.IO_URING;
        }
        if (available(Kind.EPOLL)) {
            return Kind.EPOLL;
        }
        return Kind.NIO;
    }

    /** An event-loop group of the transport with named daemon threads. */
    public static EventLoopGroup newGroup(final Kind kind, final int threads, final String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandler(kind));
    }

    /** The I/O handler factory of a transport. */
    public static IoHandlerFactory ioHandler(final Kind kind) {
        switch (kind) {
            case IO_URING:
                return IoUringIoHandler.newFactory();
            case EPOLL:
                return EpollIoHandler.newFactory();
            default:
                return NioIoHandler.newFactory();
        }
    }

    /** The TCP server channel class of a transport. */
    public static Class<? extends ServerChannel> serverChannel(final Kind kind) {
        switch (kind) {
            case IO_URING:
                return IoUringServerSocketChannel.class;
            case EPOLL:
                return EpollServerSocketChannel.class;
            default:
                return NioServerSocketChannel.class;
        }
    }

    /** The UDP channel class of a transport. */
    public static Class<? extends DatagramChannel> datagramChannel(final Kind kind) {
        switch (kind) {
            case IO_URING:
                return IoUringDatagramChannel.class;
            case EPOLL:
                return EpollDatagramChannel.class;
            default:
                return NioDatagramChannel.class;
        }
    }

    /**
     * Makes a datagram bootstrap of the transport read up to {@code batch} datagrams of at most {@code payloadBytes}
     * each per receive: epoll then uses one {@code recvmmsg} per batch, io_uring keeps {@code batch} receives in
     * flight, NIO reads one datagram per call whatever this says. The receive buffer (one per read, sliced per
     * datagram) is {@code batch * payloadBytes} bytes; returns that size, which the caller must give to the
     * channel's {@code RECVBUF_ALLOCATOR}.
     */
    public static int datagramBatch(final Bootstrap b, final Kind kind, final int payloadBytes, final int batch) {
        switch (kind) {
            case IO_URING:
                b.option(IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, payloadBytes);
                return payloadBytes * batch;
            case EPOLL:
                b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, payloadBytes);
                return payloadBytes * batch;
            default:
                return payloadBytes;
        }
    }
}
