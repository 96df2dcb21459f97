package io.vigie.engine.journal;

import io.vigie.engine.ring.TelemetryEvent;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Appends raw records ({@link RawRecordDescriptor}) to a Chronicle Queue: the raw journal of accepted events, or the
 * quarantine of rejected frames. The appender is confined to the thread that calls {@link #append} (the raw-journal
 * worker); open the journal there.
 */
public final class RawJournal implements AutoCloseable {
    private static final byte[] ZERO_CHAIN = new byte[RawRecordDescriptor.CHAIN_BYTES];

    private final ChronicleQueue queue;
    private final SyncPolicy syncPolicy;
    private final java.util.function.IntFunction<String> listenerNames;
    private byte[][] nameCache = new byte[8][];
    private ExcerptAppender appender;

    /**
     * @param dir           queue directory (created when missing)
     * @param syncPolicy    when writes reach the disk
     * @param listenerNames name of a listener id (null if unknown), written into each record so that a journal
     *                      reads back without the configuration
     */
    public RawJournal(final Path dir, final SyncPolicy syncPolicy,
                      final java.util.function.IntFunction<String> listenerNames) {
        this(dir, syncPolicy, listenerNames, RollCycles.FAST_DAILY);
    }

    /** As above, with a roll cycle (the quarantine rolls every five minutes so that its bound can be enforced). */
    public RawJournal(final Path dir, final SyncPolicy syncPolicy,
                      final java.util.function.IntFunction<String> listenerNames, final RollCycles rollCycle) {
        this.queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle).syncMode(syncPolicy.mode()).build();
        this.syncPolicy = syncPolicy;
        this.listenerNames = listenerNames;
    }

    private byte[] listenerName(final int id) {
        if (id < 0) {
            return ZERO_CHAIN;
        }
        if (id >= nameCache.length) {
            nameCache = java.util.Arrays.copyOf(nameCache, Math.max(id + 1, nameCache.length * 2));
        }
        byte[] name = nameCache[id];
        if (name == null) {
            final String s = listenerNames.apply(id);
            if (s == null) {
                return ZERO_CHAIN;
            }
            name = s.getBytes(StandardCharsets.UTF_8);
            nameCache[id] = name;
        }
        return name;
    }

    static ChronicleQueue open(final Path dir, final SyncPolicy syncPolicy, final boolean readOnly) {
        return SingleChronicleQueueBuilder.binary(dir)
            .rollCycle(RollCycles.FAST_DAILY)
            .syncMode(syncPolicy.mode())
            .readOnly(readOnly)
            .build();
    }

    /** Appends the event's raw bytes and metadata; returns its journal position. No allocation. */
    public long append(final TelemetryEvent e, final boolean rejected, final int maxRawBytes) {
        if (appender == null) {
            appender = queue.createAppender();
        }
        final int rawLength = Math.min(e.rawLength(), maxRawBytes);
        try (DocumentContext dc = appender.writingDocument()) {
            final Bytes<?> b = dc.wire().bytes();
            b.writeShort((short) RawRecordDescriptor.VERSION);
            b.writeShort((short) (rejected ? RawRecordDescriptor.FLAG_REJECTED : 0));
            b.writeInt(e.format);
            b.writeLong(e.receivedNanos);
            b.writeLong(e.timestampNanos);
            b.writeInt(e.listenerId);
            b.writeInt(e.peerPort);
            b.writeByte((byte) e.peerAddressLength);
            b.write(e.peerAddress, 0, 16);
            b.writeByte((byte) e.tlp);
            b.writeShort((short) e.rejectReason);
            b.writeInt(e.sourceFile);
            b.writeLong(e.sourceLine);
            b.write(ZERO_CHAIN, 0, ZERO_CHAIN.length);
            final byte[] name = listenerName(e.listenerId);
            final int nameLength = name == ZERO_CHAIN ? 0 : name.length;
            b.writeShort((short) nameLength);
            b.write(name, 0, nameLength);
            b.writeInt(rawLength);
            b.write(e.raw(), 0, rawLength);
        }
        return appender.lastIndexAppended();
    }

    /** Flushes per the sync policy (end of batch, journal thread). */
    public void endOfBatch() {
        if (appender != null && syncPolicy != SyncPolicy.NONE) {
            appender.sync();
        }
    }

    /** The queue's directory. */
    public Path dir() {
        return queue.file().toPath();
    }

    /** Closes the appender; call on the appending thread (worker shutdown). */
    public void closeAppender() {
        if (appender != null) {
            appender.close();
            appender = null;
        }
    }

    /** Closes the queue (after the appending thread has stopped). */
    @Override
    public void close() {
        queue.close();
    }
}
