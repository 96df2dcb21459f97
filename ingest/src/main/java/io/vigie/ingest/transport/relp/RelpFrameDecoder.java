package io.vigie.ingest.transport.relp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits a RELP byte stream into frames and hands each to its session's {@link RelpHandler} in place (no frame
 * object is allocated). RELP framing (librelp doc/relp.html, "RELP frame"):
 *
 * <pre>
 *   RELP-FRAME = HEADER [SP DATA] TRAILER
 *   HEADER     = TXNR SP COMMAND SP DATALEN
 *   TXNR       = 1*9DIGIT          ; 0 only in server-initiated frames
 *   COMMAND    = 1*32ALPHA
 *   DATALEN    = 1*9DIGIT          ; DATA follows (after one SP) only when DATALEN > 0
 *   TRAILER    = LF
 * </pre>
 *
 * A malformed header, a DATALEN over the listener's cap or a missing trailer loses the framing: the handler rejects
 * the bytes as {@code BAD_RELP} and closes the session. When the handler cannot take a frame now (ring full, too many
 * pending acknowledgements) the frame stays buffered and reading pauses until the handler resumes it.
 */
public final class RelpFrameDecoder extends ByteToMessageDecoder {
    /** RELP limits TXNR and DATALEN to 9 digits, COMMAND to 32 letters. */
    static final int MAX_DIGITS = 9;
    static final int MAX_COMMAND = 32;
    private static final int MAX_HEADER = MAX_DIGITS + 1 + MAX_COMMAND + 1 + MAX_DIGITS + 1;

    private final RelpHandler handler;
    private final int maxDataBytes;
    private boolean failed;
    private boolean paused;
    private ChannelHandlerContext self;

    /**
     * @param handler      the session's handler (same channel)
     * @param maxDataBytes cap on DATALEN
     */
    public RelpFrameDecoder(final RelpHandler handler, final int maxDataBytes) {
        this.handler = handler;
        this.maxDataBytes = maxDataBytes;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) throws Exception {
        self = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception {
        if (paused) {
            // ByteToMessageDecoder would call read() when nothing was decoded and auto-read is off: not while paused.
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        final int start = in.readerIndex();
        final int limit = in.writerIndex();
        int p = start;
        // TXNR
        long txnr = 0;
        int digits = 0;
        while (p < limit && isDigit(in.getByte(p))) {
            txnr = txnr * 10 + (in.getByte(p) - '0');
            p++;
            if (++digits > MAX_DIGITS) {
                fail(ctx, in);
                return;
            }
        }
        if (p == limit) {
            waitOrFail(ctx, in, p - start);
            return;
        }
        if (digits == 0 || in.getByte(p) != ' ') {
            fail(ctx, in);
            return;
        }
        p++;
        // COMMAND
        final int commandStart = p;
        while (p < limit && isAlpha(in.getByte(p))) {
            p++;
            if (p - commandStart > MAX_COMMAND) {
                fail(ctx, in);
                return;
            }
        }
        if (p == limit) {
            waitOrFail(ctx, in, p - start);
            return;
        }
        if (p == commandStart || in.getByte(p) != ' ') {
            fail(ctx, in);
            return;
        }
        final int commandLength = p - commandStart;
        p++;
        // DATALEN
        long dataLength = 0;
        digits = 0;
        while (p < limit && isDigit(in.getByte(p))) {
            dataLength = dataLength * 10 + (in.getByte(p) - '0');
            p++;
            if (++digits > MAX_DIGITS) {
                fail(ctx, in);
                return;
            }
        }
        if (p == limit) {
            waitOrFail(ctx, in, p - start);
            return;
        }
        if (digits == 0 || dataLength > maxDataBytes) {
            fail(ctx, in);
            return;
        }
        final int dataStart;
        if (dataLength > 0) {
            if (in.getByte(p) != ' ') {
                fail(ctx, in);
                return;
            }
            dataStart = p + 1;
        } else {
            dataStart = p;
        }
        final long trailer = (long) dataStart + dataLength;
        if (trailer >= limit) {
            return;
        }
        if (in.getByte((int) trailer) != '\n') {
            fail(ctx, in);
            return;
        }
        if (!handler.frame(ctx, (int) txnr, in, commandStart, commandLength, dataStart, (int) dataLength)) {
            // Back-pressure: keep the frame buffered, read no more until the handler resumes us.
            paused = true;
            ctx.channel().config().setAutoRead(false);
            return;
        }
        in.readerIndex((int) trailer + 1);
    }

    /** Re-runs decoding of buffered frames after a pause (called by the handler on the event loop). */
    void resume() throws Exception {
        if (!paused || self == null) {
            return;
        }
        paused = false;
        // An empty read makes ByteToMessageDecoder decode what it has buffered (this decoder's own context).
        channelRead(self, io.netty.buffer.Unpooled.EMPTY_BUFFER);
        if (!paused) {
            self.channel().config().setAutoRead(true);
        }
    }

    /** True while a frame waits for the handler. */
    boolean paused() {
        return paused;
    }

    private void waitOrFail(final ChannelHandlerContext ctx, final ByteBuf in, final int headerBytes) {
        if (headerBytes > MAX_HEADER) {
            fail(ctx, in);
        }
    }

    private void fail(final ChannelHandlerContext ctx, final ByteBuf in) {
        failed = true;
        handler.framingLost(ctx, in);
        // The handler closed the session; when that ran the channel's inactivation already (a close from a resumed
        // decode), the cumulation is released by now and must not be touched (found by fuzzing).
        if (in.refCnt() > 0) {
            in.skipBytes(in.readableBytes());
        }
    }

    private static boolean isDigit(final byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isAlpha(final byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }
}
