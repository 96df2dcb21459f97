package io.vigie.ingest.publish;

import com.lmax.disruptor.EventTranslatorThreeArg;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.netty.buffer.ByteBuf;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.DropReason;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.engine.status.StageLatencies;
import io.vigie.ingest.codec.FrameDecoder;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Publishes frames of one listener connection (or one replay file) into the event ring: claims a slot, copies the
 * frame in, runs the decoder in place, publishes. Counts every frame as received, and as dropped when the ring is
 * full under the drop policy; the journal worker counts the rest (persisted / rejected).
 *
 * <p>Confined to one thread (a channel's event loop, or the replay reader): create one per channel/file. No
 * allocation per frame (the translator is this object, never a capturing lambda).
 */
public final class RingPublisher implements EventTranslatorThreeArg<TelemetryEvent, Object, Object, Object> {
    /** What to do when the ring is full. */
    public enum Policy {
        /** Wait for a free slot (TCP, TLS, RELP, replay: back-pressure, no loss). */
        BLOCK,
        /** Count a drop and go on (UDP). */
        DROP
    }

    private static final int DECODE_SAMPLE_MASK = 63;
    /** Most frames held claimed and decoded before they are published together (see {@link #deferPublish}). */
    private static final int MAX_DEFERRED = 128;

    private final RingBuffer<TelemetryEvent> ring;
    private final ListenerCounters counters;
    private final FrameDecoder decoder;
    private final StageLatencies latencies;
    private final Policy policy;
    private final int tlp;

    // Per-frame arguments, set just before publishing (single thread).
    private ByteBuf frameBuf;
    private byte[] frameArray;
    private int frameOffset;
    private int frameLength;
    private int frameReject;
    private long frameLine;
    private int frameFile = -1;
    private long frameReceivedNanos;

    private InetSocketAddress lastPeer;
    private final byte[] peerBytes = new byte[16];
    private int peerLength;
    private int peerPort;
    private long published;
    private long lastSequence = -1;
    /** Sequences claimed and filled but not yet published, in claim order; null unless deferring. */
    private long[] deferred;
    private int deferredCount;
    /**
     * Receive times (wall, monotonic) of the frames of the current deferred group, read from the clocks once, for
     * its first frame: the frames of one read arrived together, and two clock reads per frame were ~3% of the IO
     * thread with CEF over TCP (async-profiler, {@code [vdso]}).
     */
    private long groupWallNanos;
    private long groupMonoNanos;

    /**
     * @param ring      the engine's event ring
     * @param counters  the listener's counters (its id is stamped on events)
     * @param decoder   this publisher's decoder (thread-confined)
     * @param latencies stage latency recorders (decode time is sampled), or null
     * @param policy    ring-full policy
     * @param tlp       TLP ordinal stamped on events of this listener
     */
    public RingPublisher(final RingBuffer<TelemetryEvent> ring, final ListenerCounters counters,
                         final FrameDecoder decoder, final StageLatencies latencies, final Policy policy,
                         final int tlp) {
        this.ring = ring;
        this.counters = counters;
        this.decoder = decoder;
        this.latencies = latencies;
        this.policy = policy;
        this.tlp = tlp;
    }

    /**
     * From now on, frames are claimed and decoded into their slots at once but made visible to the workers together,
     * at the next {@link #flush} (at most {@link #MAX_DEFERRED} frames later, and always before this publisher would
     * wait for a free slot or report the ring full, since the workers may be waiting for its own unpublished slots).
     * One publication per read instead of one per frame: the journal worker then takes each read as one batch instead
     * of chasing the producer frame by frame, which made it bounce the ring's cursor and availability lines between
     * the two cores three frames at a time. The caller must call {@link #flush} at the end of every read.
     */
    public void deferPublish() {
        if (deferred == null) {
            deferred = new long[MAX_DEFERRED];
        }
    }

    /** Publishes the deferred frames (in claim order); a no-op when none is pending. */
    public void flush() {
        final int n = deferredCount;
        if (n == 0) {
            return;
        }
        deferredCount = 0;
        final long[] d = deferred;
        if (d[n - 1] - d[0] == n - 1) {
            ring.publish(d[0], d[n - 1]);
        } else {
            // Another producer claimed slots in between: ours only, one by one.
            for (int i = 0; i < n; i++) {
                ring.publish(d[i]);
            }
        }
    }

    /** Claims a free slot, if any now, and decodes the current frame into it, publishing later. */
    private boolean claimDeferred() {
        final long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException e) {
            return false;
        }
        try {
            translateTo(ring.get(seq), seq, null, null, null);
        } finally {
            // A claimed slot must be published whatever happens, or every worker would wait for it forever.
            deferred[deferredCount++] = seq;
            if (deferredCount == deferred.length) {
                flush();
            }
        }
        return true;
    }

    /** Sets the peer of the following frames (cached: converting an address allocates once per peer change). */
    @SuppressWarnings("ReferenceEquality") // identity first: the same peer object per connection
    public void peer(final InetSocketAddress peer) {
        if (peer == null || peer == lastPeer || peer.equals(lastPeer)) {
            return;
        }
        lastPeer = peer;
        final InetAddress a = peer.getAddress();
        if (a != null) {
            final byte[] b = a.getAddress();
            System.arraycopy(b, 0, peerBytes, 0, b.length);
            peerLength = b.length;
        } else {
            peerLength = 0;
        }
        peerPort = peer.getPort();
    }

    /** Publishes a frame held in a ByteBuf (readable bytes); the buffer is not released. False when dropped. */
    public boolean publish(final ByteBuf frame) {
        frameBuf = frame;
        frameArray = null;
        frameOffset = frame.readerIndex();
        frameLength = frame.readableBytes();
        frameReject = 0;
        return doPublish();
    }

    /**
     * Publishes {@code length} bytes of {@code buf} at absolute index {@code offset} (a frame inside a cumulation
     * buffer: no slice object); the buffer's indexes are not changed. False when dropped.
     */
    public boolean publish(final ByteBuf buf, final int offset, final int length) {
        frameBuf = buf;
        frameArray = null;
        frameOffset = offset;
        frameLength = length;
        frameReject = 0;
        frameFile = -1;
        frameLine = 0;
        return doPublish();
    }

    /**
     * Publishes a frame only if a ring slot is free now, whatever the policy (back-pressure without blocking an
     * event loop). Counts the frame as received only when published; nothing is counted when it returns false, so
     * the caller keeps the frame and retries.
     */
    public boolean tryPublish(final ByteBuf buf, final int offset, final int length) {
        frameBuf = buf;
        frameArray = null;
        frameOffset = offset;
        frameLength = length;
        frameReject = 0;
        frameFile = -1;
        frameLine = 0;
        if (deferred != null) {
            if (claimDeferred()) {
                counters.onReceived();
                return true;
            }
            flush();
            if (claimDeferred()) {
                counters.onReceived();
                return true;
            }
            return false;
        }
        if (ring.tryPublishEvent(this, null, null, null)) {
            counters.onReceived();
            return true;
        }
        return false;
    }

    /** As {@link #publishRejected(ByteBuf, RejectReason)} for {@code length} bytes at absolute index {@code offset}. */
    public boolean publishRejected(final ByteBuf buf, final int offset, final int length, final RejectReason reason) {
        frameBuf = buf;
        frameArray = null;
        frameOffset = offset;
        frameLength = length;
        frameReject = reason.ordinal();
        frameFile = -1;
        frameLine = 0;
        return doPublish();
    }

    /** Publishes a frame from a byte array, with replay provenance ({@code file} -1 when live). False when dropped. */
    public boolean publish(final byte[] src, final int offset, final int length, final int file, final long line) {
        frameBuf = null;
        frameArray = src;
        frameOffset = offset;
        frameLength = length;
        frameReject = 0;
        frameFile = file;
        frameLine = line;
        return doPublish();
    }

    /**
     * Publishes a frame rejected before decoding (framing: too long, bad octet count...), so that its bytes reach
     * the quarantine and it is counted under its reason. {@code frame} may be null (no bytes kept).
     */
    public boolean publishRejected(final ByteBuf frame, final RejectReason reason) {
        frameBuf = frame;
        frameArray = null;
        frameOffset = frame == null ? 0 : frame.readerIndex();
        frameLength = frame == null ? 0 : frame.readableBytes();
        frameReject = reason.ordinal();
        return doPublish();
    }

    /** As {@link #publishRejected(ByteBuf, RejectReason)} for bytes in an array. */
    public boolean publishRejected(final byte[] src, final int offset, final int length, final RejectReason reason,
                                   final int file, final long line) {
        frameBuf = null;
        frameArray = src;
        frameOffset = offset;
        frameLength = length;
        frameReject = reason.ordinal();
        frameFile = file;
        frameLine = line;
        return doPublish();
    }

    /** Uses this receive time (epoch nanos) for the following frames instead of the clock (replay of old input). */
    public void receivedNanos(final long epochNanos) {
        frameReceivedNanos = epochNanos;
    }

    private boolean doPublish() {
        counters.onReceived();
        if (deferred != null) {
            if (claimDeferred()) {
                return true;
            }
            flush();
            if (policy == Policy.DROP && claimDeferred()) {
                return true;
            }
        }
        if (policy == Policy.BLOCK) {
            ring.publishEvent(this, null, null, null);
            return true;
        }
        if (ring.tryPublishEvent(this, null, null, null)) {
            return true;
        }
        counters.onDropped(DropReason.RING_FULL);
        return false;
    }

    /** Ring sequence of the last frame published (compare with {@code Engine.persistedSequence()} to ack). */
    public long lastSequence() {
        return lastSequence;
    }

    @Override
    public void translateTo(final TelemetryEvent e, final long sequence, final Object a, final Object b,
                            final Object c) {
        lastSequence = sequence;
        e.reset();
        final byte[] raw = e.rawBuffer(frameLength);
        if (frameBuf != null) {
            frameBuf.getBytes(frameOffset, raw, 0, frameLength);
        } else if (frameLength > 0) {
            System.arraycopy(frameArray, frameOffset, raw, 0, frameLength);
        }
        e.listenerId = counters.id();
        if (deferredCount == 0) {
            // Not deferring, or the first frame of a group (its slot is counted in deferredCount after this call).
            groupWallNanos = System.currentTimeMillis() * 1_000_000L;
            groupMonoNanos = System.nanoTime();
        }
        e.receivedNanos = frameReceivedNanos != 0 ? frameReceivedNanos : groupWallNanos;
        e.receivedMonoNanos = groupMonoNanos;
        e.tlp = tlp;
        e.sourceFile = frameFile;
        e.sourceLine = frameLine;
        if (peerLength > 0) {
            System.arraycopy(peerBytes, 0, e.peerAddress, 0, peerLength);
            e.peerAddressLength = peerLength;
            e.peerPort = peerPort;
        }
        if (frameReject != 0) {
            e.rejectReason = frameReject;
            return;
        }
        final boolean sampled = latencies != null && (++published & DECODE_SAMPLE_MASK) == 0;
        final long decodeStart = sampled ? System.nanoTime() : 0;
        try {
            decoder.decode(e);
        } catch (RuntimeException ex) {
            // A decoder must not throw for bad input; if one does, the frame is kept and counted, not lost.
            e.clearFields();
            e.rejectReason = RejectReason.DECODER_ERROR.ordinal();
        }
        if (sampled) {
            latencies.record(StageLatencies.DECODE, System.nanoTime() - decodeStart);
        }
    }
}
