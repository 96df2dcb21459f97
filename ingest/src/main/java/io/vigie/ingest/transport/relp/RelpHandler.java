package io.vigie.ingest.transport.relp;

import com.lmax.disruptor.RingBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vigie.engine.Engine;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.FrameDecoder;
import io.vigie.ingest.publish.RingPublisher;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One RELP session (server side): answers {@code open} with Vigie's offers, publishes each {@code syslog} frame's
 * data (one syslog message) into the event ring, and acknowledges it ({@code TXNR rsp 6 200 OK}) only once the raw
 * journal holds it: the ring sequence of the event is compared with {@link Engine#persistedSequence()}, polled on the
 * channel's event loop while acknowledgements are pending (never blocking it). Responses go out in command order.
 *
 * <p>Each event carries its RELP transaction number: the publisher stamps it as {@code sourceLine} (journaled with
 * the raw bytes, {@code sourceFile} = -1) and the decoder wrapper adds the field {@code relp.txnr}, so a retransmitted
 * message can be recognised. Back-pressure: when the ring is full or too many responses are pending, reading pauses
 * (auto-read off) and resumes when capacity returns; nothing is dropped.
 *
 * <p>Confined to the channel's event loop.
 */
public final class RelpHandler extends ChannelInboundHandlerAdapter {
    /** Field holding the RELP transaction number of the frame that carried the event. */
    public static final int RELP_TXNR = Fields.id("relp.txnr");

    private static final byte SYSLOG = 1;
    private static final byte OPEN = 2;
    private static final byte CLOSE = 3;
    private static final byte UNSUPPORTED = 4;

    private static final byte[] CMD_SYSLOG = ascii("syslog");
    private static final byte[] CMD_OPEN = ascii("open");
    private static final byte[] CMD_CLOSE = ascii("close");
    private static final byte[] CMD_RSP = ascii("rsp");
    private static final byte[] RSP = ascii(" rsp ");
    // RELP response data: RSP-CODE [SP HUMANMSG] [LF CMDDATA].
    private static final byte[] OK = ascii("200 OK");
    private static final byte[] UNSUPPORTED_RSP = ascii("500 command not supported");
    private static final int MAX_REJECT_BYTES = 1024;

    private final Engine engine;
    private final RingBuffer<TelemetryEvent> ring;
    private final ListenerCounters counters;
    private final RingPublisher publisher;
    private final byte[] openResponse;
    private final long pollMicros;
    private final byte[] scratch;
    private RelpFrameDecoder frames;

    // Pending responses, in command order (ring of capacity = power of two).
    private final byte[] kinds;
    private final int[] txnrs;
    private final long[] sequences;
    private final int mask;
    private int head;
    private int count;

    private ChannelHandlerContext ctx;
    private boolean opened;
    private boolean closing;
    private ScheduledFuture<?> poll;
    private final Runnable pollTask = this::poll;

    /**
     * @param settings listener settings
     * @param engine   the engine (ring and persisted sequence)
     * @param counters the listener's counters
     * @param decoder  this session's frame decoder (thread-confined)
     */
    public RelpHandler(final RelpSettings settings, final Engine engine, final ListenerCounters counters,
                       final FrameDecoder decoder) {
        this.engine = engine;
        this.ring = engine.ring();
        this.counters = counters;
        this.publisher = new RingPublisher(ring, counters, new TxnrDecoder(decoder),
            engine.counters().latencies(), RingPublisher.Policy.BLOCK, settings.tlp);
        this.openResponse = ascii("200 OK\nrelp_version=0\nrelp_software=" + settings.software
            + "\ncommands=syslog");
        this.pollMicros = Math.max(50, settings.ackPollMicros);
        this.scratch = new byte[settings.maxDataBytes];
        final int capacity = Integer.highestOneBit(Math.max(2, settings.maxPendingAcks - 1)) << 1;
        this.kinds = new byte[capacity];
        this.txnrs = new int[capacity];
        this.sequences = new long[capacity];
        this.mask = capacity - 1;
    }

    /** Binds the frame decoder of the same channel (for back-pressure resumption). */
    void frames(final RelpFrameDecoder decoder) {
        this.frames = decoder;
    }

    @Override
    public void channelActive(final ChannelHandlerContext context) throws Exception {
        this.ctx = context;
        counters.onConnection(1);
        if (context.channel().remoteAddress() instanceof InetSocketAddress) {
            publisher.peer((InetSocketAddress) context.channel().remoteAddress());
        }
        super.channelActive(context);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext context) throws Exception {
        counters.onConnection(-1);
        if (poll != null) {
            poll.cancel(false);
            poll = null;
        }
        super.channelInactive(context);
    }

    /**
     * One complete frame, its bytes still in {@code in}. Returns false when it cannot be taken now (the decoder keeps
     * it and pauses reading).
     */
    boolean frame(final ChannelHandlerContext context, final int txnr, final ByteBuf in, final int commandStart,
                  final int commandLength, final int dataStart, final int dataLength) {
        this.ctx = context;
        if (closing) {
            return true;
        }
        if (count == kinds.length) {
            schedulePoll();
            return false;
        }
        if (is(in, commandStart, commandLength, CMD_SYSLOG)) {
            if (!opened) {
                protocolError(context, in, dataStart, dataLength);
                return true;
            }
            if (!ring.hasAvailableCapacity(1)) {
                schedulePoll();
                return false;
            }
            if (in.hasArray()) {
                publisher.publish(in.array(), in.arrayOffset() + dataStart, dataLength, -1, txnr);
            } else {
                in.getBytes(dataStart, scratch, 0, dataLength);
                publisher.publish(scratch, 0, dataLength, -1, txnr);
            }
            enqueue(SYSLOG, txnr, publisher.lastSequence());
        } else if (is(in, commandStart, commandLength, CMD_OPEN)) {
            opened = true;
            enqueue(OPEN, txnr, -1);
        } else if (is(in, commandStart, commandLength, CMD_CLOSE)) {
            closing = true;
            enqueue(CLOSE, txnr, -1);
        } else if (is(in, commandStart, commandLength, CMD_RSP)) {
            // A client never needs to answer the server here (no server-initiated commands but serverclose).
            return true;
        } else {
            enqueue(UNSUPPORTED, txnr, -1);
        }
        return true;
    }

    /** The framing is lost: the bytes are rejected as {@code BAD_RELP} (counted, quarantined) and the session ends. */
    void framingLost(final ChannelHandlerContext context, final ByteBuf in) {
        final int n = Math.min(in.readableBytes(), MAX_REJECT_BYTES);
        in.getBytes(in.readerIndex(), scratch, 0, Math.min(n, scratch.length));
        publisher.publishRejected(scratch, 0, Math.min(n, scratch.length), RejectReason.BAD_RELP, -1, 0);
        drain();
        context.close();
    }

    private void protocolError(final ChannelHandlerContext context, final ByteBuf in, final int dataStart,
                               final int dataLength) {
        final int n = Math.min(dataLength, scratch.length);
        in.getBytes(dataStart, scratch, 0, n);
        publisher.publishRejected(scratch, 0, n, RejectReason.BAD_RELP, -1, 0);
        closing = true;
        context.close();
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext context) throws Exception {
        drain();
        super.channelReadComplete(context);
    }

    private void enqueue(final byte kind, final int txnr, final long sequence) {
        final int i = (head + count) & mask;
        kinds[i] = kind;
        txnrs[i] = txnr;
        sequences[i] = sequence;
        count++;
    }

    private void poll() {
        poll = null;
        drain();
    }

    /** Sends every response whose turn has come: syslog acks only for journaled events. */
    private void drain() {
        final ChannelHandlerContext context = ctx;
        if (context == null || !context.channel().isActive()) {
            return;
        }
        final long persisted = engine.persistedSequence().get();
        ByteBuf out = null;
        boolean close = false;
        while (count > 0) {
            final byte kind = kinds[head];
            if (kind == SYSLOG && sequences[head] > persisted) {
                break;
            }
            if (out == null) {
                out = context.alloc().buffer(64);
            }
            final int txnr = txnrs[head];
            switch (kind) {
                case SYSLOG:
                case CLOSE:
                    writeResponse(out, txnr, OK);
                    break;
                case OPEN:
                    writeResponse(out, txnr, openResponse);
                    break;
                default:
                    writeResponse(out, txnr, UNSUPPORTED_RSP);
                    break;
            }
            head = (head + 1) & mask;
            count--;
            if (kind == CLOSE) {
                close = true;
                count = 0;
                break;
            }
        }
        if (out != null) {
            if (close) {
                context.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
            } else {
                context.writeAndFlush(out);
            }
        }
        if (close) {
            return;
        }
        if (frames != null && frames.paused() && count < kinds.length && ring.hasAvailableCapacity(1)) {
            try {
                frames.resume();
            } catch (Exception e) {
                context.fireExceptionCaught(e);
            }
        }
        if (count > 0 || (frames != null && frames.paused())) {
            schedulePoll();
        }
    }

    private void schedulePoll() {
        if (poll == null && ctx != null) {
            poll = ctx.executor().schedule(pollTask, pollMicros, TimeUnit.MICROSECONDS);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext context, final Throwable cause) {
        // I/O errors (peer reset, TLS failure) end the session; unacknowledged messages are the client's to resend.
        context.close();
    }

    /** Writes {@code TXNR SP "rsp" SP DATALEN [SP DATA] LF}. */
    private static void writeResponse(final ByteBuf out, final int txnr, final byte[] data) {
        writeDecimal(out, txnr);
        out.writeBytes(RSP);
        writeDecimal(out, data.length);
        if (data.length > 0) {
            out.writeByte(' ');
            out.writeBytes(data);
        }
        out.writeByte('\n');
    }

    private static void writeDecimal(final ByteBuf out, final int value) {
        if (value >= 10) {
            writeDecimal(out, value / 10);
        }
        out.writeByte('0' + value % 10);
    }

    private static boolean is(final ByteBuf in, final int start, final int length, final byte[] word) {
        if (length != word.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (in.getByte(start + i) != word[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(final String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Runs the listener's decoder, then records the RELP transaction number (from {@code sourceLine}). */
    static final class TxnrDecoder implements FrameDecoder {
        private final FrameDecoder inner;

        TxnrDecoder(final FrameDecoder inner) {
            this.inner = inner;
        }

        @Override
        public void decode(final TelemetryEvent event) {
            inner.decode(event);
            if (event.rejectReason == 0 && event.sourceFile < 0 && event.sourceLine > 0) {
                event.addField(RELP_TXNR, event.sourceLine);
            }
        }
    }
}
