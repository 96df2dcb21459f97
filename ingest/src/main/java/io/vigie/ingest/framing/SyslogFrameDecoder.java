package io.vigie.ingest.framing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.publish.RingPublisher;
import io.vigie.ingest.transport.ConnectionCounters;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Splits a syslog TCP stream into frames and hands each to the connection's {@link RingPublisher} as a range of the
 * cumulation buffer (the only copy is the one into the ring slot). One instance per connection.
 *
 * <pre>
 *   octet counting (RFC 6587 section 3.4.1):  MSG-LEN SP SYSLOG-MSG     MSG-LEN = NONZERO-DIGIT 0*9DIGIT
 *   non-transparent framing (section 3.4.2):  SYSLOG-MSG LF
 * </pre>
 * The first frame of a connection chooses its mode (a digit: octet counting). Later frames are detected one by one:
 * on an octet-counting connection a frame not starting with a digit is taken as LF-terminated; on an LF connection a
 * digit-led line is octet-counted only when it reads {@code MSG-LEN SP <}, since lines such as
 * {@code 1493738863000 host CEF:...} are content there.
 *
 * <p>Bounds: at most {@value #MAX_COUNT_DIGITS} count digits and a count of at most {@code maxFrameBytes}, checked
 * before waiting for the frame; otherwise a {@code BAD_OCTET_COUNT} reject carries the bytes received so far (at
 * most {@code maxFrameBytes}) and the connection is closed (framing is lost). A TLS ClientHello as the first bytes
 * (a TLS client on the plaintext port) is a {@code FORMAT_MISMATCH} reject and closes the connection. An LF line
 * longer than {@code maxFrameBytes} is published as a
 * {@code FRAME_TOO_LONG} reject (its prefix) and the rest is discarded up to the next LF. Empty lines are skipped.
 * At end of stream a trailing unterminated line is published as a frame.
 *
 * <p>Back-pressure: with {@code backPressure}, frames go through {@link RingPublisher#tryPublish}; when the ring is
 * full the frame stays in the cumulation buffer, reading stops ({@code autoRead=false}) and the decoder retries on
 * the event loop after {@value #FIRST_RETRY_MICROS} µs, doubling while the ring stays full up to
 * {@value #MAX_RETRY_MICROS} µs, then resumes reading. The event loop never blocks. A fixed 1 ms retry left the
 * connection idle for up to 1 ms after each full ring, while the consumers had freed slots within tens of
 * microseconds: at 1.1 M lines/s with a 2048-slot ring the decoding thread then sat idle a third of the time.
 */
public final class SyslogFrameDecoder extends ChannelInboundHandlerAdapter {
    /** RFC 6587 section 3.4.1: MSG-LEN fits in 10 digits for any frame we accept. */
    public static final int MAX_COUNT_DIGITS = 10;
    /** First retry after a full ring: about the time a journal batch takes to free a few hundred slots. */
    static final long FIRST_RETRY_MICROS = 20;
    /** Longest retry interval while the ring stays full (a stalled consumer costs one timer per millisecond). */
    static final long MAX_RETRY_MICROS = 1_000;

    private static final int MODE_UNKNOWN = 0;
    private static final int MODE_OCTET = 1;
    private static final int MODE_LF = 2;
    private static final int INITIAL_CUMULATION = 4096;
    /** Result of the octet-count probe on an LF connection. */
    private static final int PROBE_NO = 0;
    private static final int PROBE_YES = 1;
    private static final int PROBE_WAIT = 2;

    /** TLS record type handshake (RFC 8446 section 5.1): a ClientHello starts 0x16 0x03. */
    private static final byte TLS_HANDSHAKE = 0x16;
    private static final byte TLS_MAJOR = 0x03;

    private final RingPublisher publisher;
    private final ConnectionCounters connections;
    private final int maxFrameBytes;
    private final boolean backPressure;
    private final Runnable retry = this::resume;
    private long retryMicros = FIRST_RETRY_MICROS;

    private ChannelHandlerContext context;
    private ByteBuf cumulation;
    private int mode = MODE_UNKNOWN;
    private boolean discarding;
    private boolean paused;
    private boolean closed;
    private boolean draining;

    /**
     * @param publisher     the connection's publisher (confined to the channel's event loop)
     * @param maxFrameBytes largest frame accepted
     * @param backPressure  true to stop reading instead of blocking when the ring is full
     */
    public SyslogFrameDecoder(final RingPublisher publisher, final int maxFrameBytes, final boolean backPressure) {
        this(publisher, maxFrameBytes, backPressure, null);
    }

    /**
     * As {@link #SyslogFrameDecoder(RingPublisher, int, boolean)}, counting the connections it closes (framing lost,
     * a TLS ClientHello on this plaintext stream) in {@code connections} (may be null).
     */
    public SyslogFrameDecoder(final RingPublisher publisher, final int maxFrameBytes, final boolean backPressure,
                              final ConnectionCounters connections) {
        this.connections = connections;
        this.publisher = publisher;
        this.maxFrameBytes = maxFrameBytes;
        this.backPressure = backPressure;
        // The frames of one read are published together: every decode() flushes before it returns.
        publisher.deferPublish();
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        final SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress) {
            publisher.peer((InetSocketAddress) remote);
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        final ByteBuf in = (ByteBuf) msg;
        try {
            if (closed) {
                return;
            }
            if (!paused && (cumulation == null || !cumulation.isReadable())) {
                decode(ctx, in);
                if (in.isReadable() && !closed) {
                    append(ctx, in);
                }
            } else {
                append(ctx, in);
                if (!paused) {
                    decode(ctx, cumulation);
                }
            }
            compact();
        } finally {
            in.release();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        try {
            if (!closed && cumulation != null && cumulation.isReadable()) {
                // Frames held back by a full ring are published now, blocking if need be (end of connection).
                paused = false;
                draining = true;
                decode(ctx, cumulation);
            }
            if (!closed && !discarding && cumulation != null && cumulation.isReadable()) {
                final int r = cumulation.readerIndex();
                final int n = Math.min(cumulation.readableBytes(), maxFrameBytes);
                if (isDigit(cumulation.getByte(r)) && mode == MODE_OCTET) {
                    publisher.publishRejected(cumulation, r, n, RejectReason.FRAMING_LOST);
                } else {
                    // An unterminated last line (e.g. "nc" without a final LF) is still a frame.
                    publisher.publish(cumulation, r, n);
                }
                cumulation.skipBytes(cumulation.readableBytes());
            }
        } finally {
            publisher.flush();
            closed = true;
            releaseCumulation();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx) {
        releaseCumulation();
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    private void append(final ChannelHandlerContext ctx, final ByteBuf in) {
        if (cumulation == null) {
            cumulation = ctx.alloc().buffer(Math.max(INITIAL_CUMULATION, in.readableBytes()));
        }
        cumulation.writeBytes(in);
    }

    private void compact() {
        final ByteBuf c = cumulation;
        if (c == null) {
            return;
        }
        if (!c.isReadable()) {
            c.clear();
        } else if (c.readerIndex() > c.capacity() >>> 1) {
            c.discardReadBytes();
        }
    }

    /**
     * Publishes every complete frame in {@code buf}; stops at a partial frame, a full ring or a closed channel. The
     * frames of one call become visible to the workers together (see {@link RingPublisher#deferPublish}).
     */
    private void decode(final ChannelHandlerContext ctx, final ByteBuf buf) {
        try {
            decodeFrames(ctx, buf);
        } finally {
            publisher.flush();
        }
    }

    private void decodeFrames(final ChannelHandlerContext ctx, final ByteBuf buf) {
        while (buf.isReadable() && !closed && !paused) {
            if (discarding) {
                final int lf = buf.forEachByte(ByteProcessor.FIND_LF);
                if (lf < 0) {
                    buf.skipBytes(buf.readableBytes());
                    return;
                }
                buf.readerIndex(lf + 1);
                discarding = false;
                continue;
            }
            final int r = buf.readerIndex();
            final boolean digit = isDigit(buf.getByte(r));
            if (mode == MODE_UNKNOWN) {
                if (buf.getByte(r) == TLS_HANDSHAKE) {
                    if (buf.readableBytes() < 2) {
                        return;
                    }
                    if (buf.getByte(r + 1) == TLS_MAJOR) {
                        // A TLS client on the plaintext port: no syslog frame will follow; keep what came, close.
                        publisher.publishRejected(buf, r, Math.min(buf.readableBytes(), maxFrameBytes),
                            RejectReason.FORMAT_MISMATCH);
                        close(ctx, buf, ConnectionCounters.Reason.TLS_ON_PLAINTEXT);
                        return;
                    }
                }
                mode = digit ? MODE_OCTET : MODE_LF;
            }
            boolean octet = digit && mode == MODE_OCTET;
            if (digit && mode == MODE_LF) {
                final int probe = probeOctetCount(buf);
                if (probe == PROBE_WAIT) {
                    return;
                }
                octet = probe == PROBE_YES;
            }
            if (!(octet ? octetFrame(ctx, buf) : lineFrame(buf))) {
                return;
            }
        }
    }

    /** On an LF connection: does the digit-led data read {@code MSG-LEN SP <}? */
    private int probeOctetCount(final ByteBuf buf) {
        final int r = buf.readerIndex();
        final int w = buf.writerIndex();
        int j = r;
        while (j < w && isDigit(buf.getByte(j))) {
            if (j - r >= MAX_COUNT_DIGITS) {
                return PROBE_NO;
            }
            j++;
        }
        if (j >= w) {
            return PROBE_WAIT;
        }
        if (buf.getByte(j) != ' ') {
            return PROBE_NO;
        }
        if (j + 1 >= w) {
            return PROBE_WAIT;
        }
        return buf.getByte(j + 1) == '<' && buf.getByte(r) != '0' ? PROBE_YES : PROBE_NO;
    }

    /** One octet-counted frame; false when more bytes are needed, the ring is full or framing was lost. */
    private boolean octetFrame(final ChannelHandlerContext ctx, final ByteBuf buf) {
        final int r = buf.readerIndex();
        final int w = buf.writerIndex();
        long count = 0;
        int j = r;
        while (j < w) {
            final byte c = buf.getByte(j);
            if (!isDigit(c)) {
                break;
            }
            count = count * 10 + (c - '0');
            j++;
            // Bound digits and value before waiting for more bytes.
            if (j - r > MAX_COUNT_DIGITS || count > maxFrameBytes) {
                return framingLost(ctx, buf, r, j);
            }
        }
        if (j == w) {
            return false;
        }
        if (buf.getByte(j) != ' ' || buf.getByte(r) == '0') {
            return framingLost(ctx, buf, r, j + 1);
        }
        final int start = j + 1;
        final int length = (int) count;
        if (w - start < length) {
            return false;
        }
        if (!publish(buf, start, length)) {
            return false;
        }
        buf.readerIndex(start + length);
        return true;
    }

    /** One LF-terminated line; false when more bytes are needed or the ring is full. */
    private boolean lineFrame(final ByteBuf buf) {
        final int r = buf.readerIndex();
        final int w = buf.writerIndex();
        final int scan = Math.min(w - r, maxFrameBytes + 1);
        final int lf = buf.forEachByte(r, scan, ByteProcessor.FIND_LF);
        if (lf >= 0) {
            final int length = lf - r;
            if (length > 0 && !publish(buf, r, length)) {
                return false;
            }
            buf.readerIndex(lf + 1);
            return true;
        }
        if (w - r > maxFrameBytes) {
            publisher.publishRejected(buf, r, maxFrameBytes, RejectReason.FRAME_TOO_LONG);
            buf.readerIndex(r + maxFrameBytes);
            discarding = true;
            return true;
        }
        return false;
    }

    private boolean publish(final ByteBuf buf, final int offset, final int length) {
        if (!backPressure || draining) {
            publisher.publish(buf, offset, length);
            return true;
        }
        if (publisher.tryPublish(buf, offset, length)) {
            return true;
        }
        paused = true;
        context.channel().config().setAutoRead(false);
        context.executor().schedule(retry, retryMicros, TimeUnit.MICROSECONDS);
        retryMicros = Math.min(retryMicros << 1, MAX_RETRY_MICROS);
        return false;
    }

    /** Publishes what was seen of a bad count as a reject and closes the connection: no next frame can be found. */
    private boolean framingLost(final ChannelHandlerContext ctx, final ByteBuf buf, final int r, final int seenEnd) {
        // Keep everything received so far (bounded), not only the count: it is the evidence of what was sent.
        final int seen = Math.min(Math.max(seenEnd, buf.writerIndex()) - r, maxFrameBytes);
        publisher.publishRejected(buf, r, seen, RejectReason.BAD_OCTET_COUNT);
        close(ctx, buf, ConnectionCounters.Reason.FRAMING_LOST);
        return false;
    }

    private void close(final ChannelHandlerContext ctx, final ByteBuf buf, final ConnectionCounters.Reason reason) {
        buf.skipBytes(buf.readableBytes());
        closed = true;
        if (connections != null) {
            connections.onClosed(reason);
        }
        ctx.close();
    }

    private static boolean isDigit(final byte c) {
        return c >= '0' && c <= '9';
    }

    /** Retry after a full ring (runs on the event loop). */
    private void resume() {
        if (closed || context == null) {
            return;
        }
        paused = false;
        if (cumulation != null && cumulation.isReadable()) {
            decode(context, cumulation);
            compact();
        }
        if (!paused && !closed) {
            retryMicros = FIRST_RETRY_MICROS;
            context.channel().config().setAutoRead(true);
        }
    }
}
