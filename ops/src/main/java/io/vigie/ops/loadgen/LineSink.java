package io.vigie.ops.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where the load generator writes syslog frames: TCP octet-counted (RFC 6587 section 3.4.1), the same over TLS
 * (RFC 5425), one UDP datagram each (RFC 5426), or RELP {@code syslog} commands with a window of unacknowledged
 * transactions (librelp doc/relp.html). A sink belongs to one thread.
 */
abstract class LineSink implements AutoCloseable {
    /** Writes one frame (the bytes are copied or sent before this returns). */
    abstract void send(byte[] line, int length) throws IOException;

    /** Ends a batch of {@link #send}s: a sink that sends batches (UDP {@code sendmmsg}) sends it now. */
    void endOfBatch() throws IOException {
    }

    /** Pushes buffered frames out (before waiting, and at the end). */
    abstract void flush() throws IOException;

    @Override
    public abstract void close() throws IOException;

    static LineSink open(final String proto, final InetSocketAddress target) throws IOException {
        final LoadGenerator.Options o = new LoadGenerator.Options();
        o.proto = proto;
        o.target = target;
        return open(o, null);
    }

    /**
     * Opens a sink (connected, TLS handshake and RELP open done). UDP uses the batching epoll sink when
     * {@code udpGroup} is given (see {@link #newUdpGroup}), else a NIO datagram channel.
     */
    static LineSink open(final LoadGenerator.Options o, final EventLoopGroup udpGroup) throws IOException {
        switch (o.proto) {
            case "tcp":
                return new Tcp(plainSocket(o.target));
            case "tls":
                return new Tcp(tlsSocket(o));
            case "udp":
                return udpGroup != null ? new EpollUdp(o.target, udpGroup, o.udpSegments) : new Udp(o.target);
            case "relp":
                return o.ca != null ? new Relp(tlsSocket(o), o.relpWindow) : new Relp(plainSocket(o.target),
                    o.relpWindow);
            default:
                throw new IllegalArgumentException("unsupported protocol '" + o.proto
                    + "' (expected udp, tcp, tls or relp)");
        }
    }

    /** An epoll event-loop group for {@code threads} batching UDP sinks, or null where epoll is unavailable. */
    static EventLoopGroup newUdpGroup(final int threads) {
        try {
            if (!Epoll.isAvailable()) {
                return null;
            }
        } catch (Throwable t) {
            // The native part is missing: fall back to NIO.
            return null;
        }
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("vigie-loadgen-udp", true),
            EpollIoHandler.newFactory());
    }

    private static Socket plainSocket(final InetSocketAddress target) throws IOException {
        final Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(target, 10_000);
        return socket;
    }

    /**
     * A TLS socket, handshake done: trusts {@code --ca} (or the JDK's default trust store), presents {@code --cert}
     * and {@code --key} (PEM, PKCS#8) when given. The server certificate must chain to the CA; its name is not
     * checked (a load generator aims at addresses, often 127.0.0.1).
     */
    private static Socket tlsSocket(final LoadGenerator.Options o) throws IOException {
        final SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (o.ca != null) {
            b.trustManager(o.ca.toFile());
        }
        if (o.cert != null) {
            b.keyManager(o.cert.toFile(), o.key.toFile());
        }
        final SSLContext context = ((JdkSslContext) b.build()).context();
        final SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.setTcpNoDelay(true);
        socket.connect(o.target, 10_000);
        socket.startHandshake();
        return socket;
    }

    /** TCP (or TLS, RFC 5425 section 4.3) with octet counting: {@code MSG-LEN SP SYSLOG-MSG}, RFC 6587 3.4.1. */
    static final class Tcp extends LineSink {
        private static final int BUFFER_BYTES = 64 * 1024;
        /** Room for the longest octet count and its space. */
        private static final int PREFIX_BYTES = 12;
        private final Socket socket;
        private final OutputStream out;
        private final byte[] buffer = new byte[BUFFER_BYTES];
        private int position;

        Tcp(final Socket socket) throws IOException {
            this.socket = socket;
            out = socket.getOutputStream();
        }

        @Override
        void send(final byte[] line, final int length) throws IOException {
            if (position + PREFIX_BYTES + length > buffer.length) {
                flush();
            }
            int digits = 1;
            for (int t = length / 10; t > 0; t /= 10) {
                digits++;
            }
            int n = length;
            for (int i = position + digits - 1; i >= position; i--) {
                buffer[i] = (byte) ('0' + n % 10);
                n /= 10;
            }
            position += digits;
            buffer[position++] = ' ';
            if (length > buffer.length - position) {
                flush();
                out.write(line, 0, length);
                return;
            }
            System.arraycopy(line, 0, buffer, position, length);
            position += length;
        }

        @Override
        void flush() throws IOException {
            if (position > 0) {
                out.write(buffer, 0, position);
                position = 0;
            }
            out.flush();
        }

        @Override
        public void close() throws IOException {
            try {
                flush();
            } finally {
                socket.close();
            }
        }
    }

    /** UDP over a NIO datagram channel: one frame per datagram (RFC 5426), one system call per datagram. */
    static final class Udp extends LineSink {
        private final DatagramChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);

        Udp(final InetSocketAddress target) throws IOException {
            channel = DatagramChannel.open();
            channel.connect(target);
        }

        @Override
        void send(final byte[] line, final int length) throws IOException {
            buffer.clear();
            buffer.put(line, 0, Math.min(length, buffer.capacity()));
            buffer.flip();
            channel.write(buffer);
        }

        @Override
        void flush() {
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * UDP over a connected epoll datagram channel: frames are copied into pooled direct buffers and queued;
     * {@link #endOfBatch} flushes the queue, which Netty sends with one {@code sendmmsg} per batch (up to 1,024
     * datagrams). With segmentation on (and kernel support), a run of consecutive frames of one length (the
     * synthesized lines: one header, same digit count) shares one buffer sent as one UDP GSO packet
     * ({@code UDP_SEGMENT}, Linux 4.18): the kernel splits it into the same datagrams, each delivered on its own, in
     * one pass through the stack. Every call runs on the channel's event loop: {@link #drive} runs a
     * {@link Sender} there in steps.
     */
    static final class EpollUdp extends LineSink {
        /** Segments per GSO packet (the kernel's UDP_MAX_SEGMENTS is 64 on older kernels). */
        private static final int MAX_SEGMENTS = 64;
        /** Bytes per GSO packet, under the 65,507-byte UDP payload limit (RFC 768 over IPv4). */
        private static final int MAX_SEGMENTED_BYTES = 60_000;
        private final Channel channel;
        private final InetSocketAddress target;
        private final boolean segments;
        private ByteBuf pending;
        private int segmentBytes;
        private int segmentCount;
        private final Driver driverHandler = new Driver();
        private volatile Throwable failure;
        private Sender sender;
        private int batch;
        private CompletableFuture<Void> done;
        private boolean waitingForWritable;

        EpollUdp(final InetSocketAddress target, final EventLoopGroup group, final boolean segments)
            throws IOException {
            this.target = target;
            this.segments = segments && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
            final Bootstrap b = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
                .handler(driverHandler);
            try {
                channel = b.connect(target).sync().channel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to " + target, e);
            } catch (Exception e) {
                throw e instanceof IOException ? (IOException) e : new IOException(e.toString(), e);
            }
        }

        /** Runs the sender on this channel's event loop until it is done; completes when every datagram left. */
        CompletableFuture<Void> drive(final Sender s, final int batchLines) {
            sender = s;
            batch = batchLines;
            done = new CompletableFuture<>();
            channel.eventLoop().execute(driverHandler);
            return done;
        }

        @Override
        void send(final byte[] line, final int length) {
            if (!segments || length > MAX_SEGMENTED_BYTES / 2) {
                emit();
                final ByteBuf buf = channel.alloc().directBuffer(length);
                buf.writeBytes(line, 0, length);
                channel.write(buf, channel.voidPromise());
                return;
            }
            if (pending != null && (length > segmentBytes || segmentCount == MAX_SEGMENTS
                || pending.readableBytes() + length > MAX_SEGMENTED_BYTES)) {
                emit();
            }
            if (pending == null) {
                pending = channel.alloc().directBuffer(Math.min(MAX_SEGMENTED_BYTES, length * MAX_SEGMENTS));
                segmentBytes = length;
            }
            pending.writeBytes(line, 0, length);
            segmentCount++;
            if (length < segmentBytes) {
                // A shorter datagram may only be the last segment.
                emit();
            }
        }

        /** Queues the frames gathered so far: one datagram, or one GSO packet of equal segments. */
        private void emit() {
            if (pending == null) {
                return;
            }
            if (segmentCount == 1) {
                channel.write(pending, channel.voidPromise());
            } else {
                channel.write(new io.netty.channel.unix.SegmentedDatagramPacket(pending, segmentBytes, target),
                    channel.voidPromise());
            }
            pending = null;
            segmentCount = 0;
        }

        @Override
        void endOfBatch() throws IOException {
            flush();
        }

        @Override
        void flush() throws IOException {
            emit();
            channel.flush();
            final Throwable f = failure;
            if (f != null) {
                throw f instanceof IOException ? (IOException) f : new IOException(f.toString(), f);
            }
        }

        @Override
        public void close() {
            channel.eventLoop().submit(() -> {
                if (pending != null) {
                    pending.release();
                    pending = null;
                }
            }).awaitUninterruptibly(5, TimeUnit.SECONDS);
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }

        /** The sender's steps on the event loop, and the channel's events (writability, errors). */
        private final class Driver extends ChannelInboundHandlerAdapter implements Runnable {
            @Override
            public void run() {
                try {
                    final EventLoop loop = channel.eventLoop();
                    final long wait = sender.step(batch);
                    if (wait == Sender.DONE) {
                        finish();
                    } else if (wait > 0) {
                        loop.schedule(this, wait, TimeUnit.NANOSECONDS);
                    } else if (channel.isWritable()) {
                        loop.execute(this);
                    } else {
                        // Netty waits for the socket (EPOLLOUT) and fires channelWritabilityChanged.
                        waitingForWritable = true;
                    }
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            }

            private void finish() throws IOException {
                flush();
                final io.netty.channel.ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
                if (pending == null || pending.isEmpty()) {
                    done.complete(null);
                } else {
                    channel.eventLoop().schedule(this::retryFinish, 1, TimeUnit.MILLISECONDS);
                }
            }

            private void retryFinish() {
                try {
                    finish();
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            }

            @Override
            public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
                if (waitingForWritable && ctx.channel().isWritable()) {
                    waitingForWritable = false;
                    run();
                }
                ctx.fireChannelWritabilityChanged();
            }

            @Override
            public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
                // ICMP port unreachable (ECONNREFUSED) and the like: the run fails at the next flush.
                failure = cause;
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        }
    }

    /**
     * RELP client: {@code open}, then one {@code syslog} command per frame with increasing TXNR, at most
     * {@code window} unacknowledged (reads acknowledgements when full); {@code close} waits for every ack.
     *
     * <pre>
     *   RELP-FRAME = TXNR SP COMMAND SP DATALEN [SP DATA] LF     (librelp doc/relp.html)
     * </pre>
     */
    static final class Relp extends LineSink {
        private static final byte[] OPEN = ascii("relp_version=0\nrelp_software=vigie-loadgen\ncommands=syslog");
        private static final byte[] SYSLOG = ascii("syslog");
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final int window;
        private final byte[] digits = new byte[12];
        private int txnr;
        private int acked;

        Relp(final Socket socket, final int window) throws IOException {
            this.socket = socket;
            this.window = Math.max(1, window);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            command(ascii("open"), OPEN, OPEN.length);
            out.flush();
            awaitAcks(txnr);
        }

        @Override
        void send(final byte[] line, final int length) throws IOException {
            if (txnr - acked >= window) {
                out.flush();
                awaitAcks(txnr - window + 1);
            }
            command(SYSLOG, line, length);
        }

        private void command(final byte[] command, final byte[] data, final int length) throws IOException {
            txnr++;
            writeDecimal(txnr);
            out.write(' ');
            out.write(command);
            out.write(' ');
            writeDecimal(length);
            if (length > 0) {
                out.write(' ');
                out.write(data, 0, length);
            }
            out.write('\n');
        }

        private void writeDecimal(final int value) throws IOException {
            int n = value;
            int i = digits.length;
            do {
                digits[--i] = (byte) ('0' + n % 10);
                n /= 10;
            } while (n > 0);
            out.write(digits, i, digits.length - i);
        }

        /** Reads responses until transaction {@code upTo} is acknowledged; a non-200 response is an error. */
        private void awaitAcks(final int upTo) throws IOException {
            while (acked < upTo) {
                final int rsp = (int) readNumber(' ');
                final StringBuilder command = new StringBuilder();
                for (int c = read(); c != ' '; c = read()) {
                    command.append((char) c);
                }
                final long length = readNumber(-1);
                final byte[] data = in.readNBytes((int) length);
                if (length > 0 && data.length < length) {
                    throw new IOException("relp: connection closed by the server");
                }
                if (read() != '\n') {
                    throw new IOException("relp: response without trailer");
                }
                if (rsp == 0 && "serverclose".contentEquals(command)) {
                    throw new IOException("relp: the server closed the session");
                }
                final String text = new String(data, StandardCharsets.UTF_8);
                if (!"rsp".contentEquals(command) || !text.startsWith("200")) {
                    throw new IOException("relp: transaction " + rsp + " refused: " + command + " " + text);
                }
                acked = Math.max(acked, rsp);
            }
        }

        /** Digits up to a space (or, with {@code alt} -1, up to a space or LF, which is then pushed back). */
        private long readNumber(final int alt) throws IOException {
            long v = 0;
            int c = read();
            int n = 0;
            while (c >= '0' && c <= '9') {
                v = v * 10 + (c - '0');
                if (++n > 9) {
                    throw new IOException("relp: number too long");
                }
                in.mark(1);
                c = read();
            }
            if (n == 0) {
                throw new IOException("relp: malformed response");
            }
            if (c == '\n' && alt == -1) {
                in.reset();
            } else if (c != ' ') {
                throw new IOException("relp: malformed response");
            }
            return v;
        }

        private int read() throws IOException {
            final int c = in.read();
            if (c < 0) {
                throw new IOException("relp: connection closed by the server");
            }
            return c;
        }

        @Override
        void flush() throws IOException {
            out.flush();
        }

        /** Unacknowledged transactions (tests). */
        int pending() {
            return txnr - acked;
        }

        @Override
        public void close() throws IOException {
            try {
                out.flush();
                awaitAcks(txnr);
                command(ascii("close"), new byte[0], 0);
                out.flush();
                awaitAcks(txnr);
            } finally {
                socket.close();
            }
        }
    }

    static byte[] ascii(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
