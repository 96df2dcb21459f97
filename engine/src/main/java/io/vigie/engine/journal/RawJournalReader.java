package io.vigie.engine.journal;

import io.vigie.engine.ring.TelemetryEvent;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads raw records back (a tailer: reading does not consume). Fills a {@link TelemetryEvent} with the raw bytes and
 * metadata; the fields are re-derived by running the same decoder, which is a pure function of the record.
 * Confined to one thread.
 */
public final class RawJournalReader implements AutoCloseable {
    private final ChronicleQueue queue;
    private final ExcerptTailer tailer;
    private String listenerName = "";
    private boolean rejected;
    private long lastIndex = -1;

    /** Opens an existing raw journal directory for reading. */
    public RawJournalReader(final Path dir) {
        this(dir, false);
    }

    /** Opens an existing raw journal, or the quarantine when {@code quarantine} (it rolls every five minutes). */
    public RawJournalReader(final Path dir, final boolean quarantine) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no journal at " + dir);
        }
        this.queue = net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder.binary(dir)
            .rollCycle(quarantine ? net.openhft.chronicle.queue.RollCycles.FIVE_MINUTELY
                : net.openhft.chronicle.queue.RollCycles.FAST_DAILY)
            .build();
        this.tailer = queue.createTailer();
    }

    /** Moves to a journal position; false when there is none. */
    public boolean moveTo(final long index) {
        return tailer.moveToIndex(index);
    }

    /** Moves to the end (for follow mode). */
    public void toEnd() {
        tailer.toEnd();
    }

    /**
     * Reads the next record into {@code into} (seq = its position).
     *
     * @return false when there is no further record now
     */
    public boolean next(final TelemetryEvent into) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return false;
            }
            lastIndex = dc.index();
            final Bytes<?> b = dc.wire().bytes();
            into.reset();
            final int version = b.readUnsignedByte();
            if (version == 2) {
                readV2(b, into);
            } else if (version == 1) {
                readV1(b, into);
            } else {
                throw new IllegalStateException("raw record " + lastIndex + " has unknown layout version " + version);
            }
            into.seq = lastIndex;
            return true;
        }
    }

    private void readV2(final Bytes<?> b, final TelemetryEvent into) {
        final int flags = b.readUnsignedByte();
        rejected = (flags & RawRecordDescriptor.FLAG_REJECTED) != 0;
        into.format = b.readByte();
        into.tlp = b.readUnsignedByte();
        into.rejectReason = b.readUnsignedShort();
        into.peerPort = b.readUnsignedShort();
        into.receivedNanos = b.readLong();
        into.timestampNanos = b.readLong();
        into.listenerId = b.readInt();
        final int peerLength = Math.min(b.readUnsignedByte(), 16);
        into.peerAddressLength = peerLength;
        b.read(into.peerAddress, 0, peerLength);
        if ((flags & RawRecordDescriptor.FLAG_SOURCE) != 0) {
            into.sourceFile = b.readInt();
            into.sourceLine = b.readLong();
        } else {
            into.sourceFile = -1;
            into.sourceLine = 0;
        }
        if ((flags & RawRecordDescriptor.FLAG_CHAIN) != 0) {
            b.readSkip(RawRecordDescriptor.CHAIN_BYTES);
        }
        readNameAndRaw(b, into);
    }

    /** Layout version 1: the first byte (version, low half) has been read. */
    private void readV1(final Bytes<?> b, final TelemetryEvent into) {
        b.readByte();
        rejected = (b.readShort() & RawRecordDescriptor.FLAG_REJECTED) != 0;
        into.format = b.readInt();
        into.receivedNanos = b.readLong();
        into.timestampNanos = b.readLong();
        into.listenerId = b.readInt();
        into.peerPort = b.readInt();
        into.peerAddressLength = b.readUnsignedByte();
        b.read(into.peerAddress, 0, 16);
        into.tlp = b.readUnsignedByte();
        into.rejectReason = b.readUnsignedShort();
        into.sourceFile = b.readInt();
        into.sourceLine = b.readLong();
        b.readSkip(RawRecordDescriptor.CHAIN_BYTES);
        readNameAndRaw(b, into);
    }

    private void readNameAndRaw(final Bytes<?> b, final TelemetryEvent into) {
        final int nameLength = b.readUnsignedShort();
        final byte[] name = new byte[nameLength];
        b.read(name, 0, nameLength);
        listenerName = new String(name, StandardCharsets.UTF_8);
        final int rawLength = b.readInt();
        final byte[] raw = into.rawBuffer(rawLength);
        b.read(raw, 0, rawLength);
    }

    /** Listener name of the last record read. */
    public String listenerName() {
        return listenerName;
    }

    /** Whether the last record read is a rejected frame. */
    public boolean rejected() {
        return rejected;
    }

    /** Position of the last record read. */
    public long lastIndex() {
        return lastIndex;
    }

    @Override
    public void close() {
        tailer.close();
        queue.close();
    }
}
