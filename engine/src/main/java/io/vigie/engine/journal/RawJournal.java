package io.vigie.engine.journal;

import io.vigie.engine.ring.TelemetryEvent;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Appends raw records ({@link RawRecordDescriptor}) to a Chronicle Queue: the raw journal of accepted events, or the
 * quarantine of rejected frames. The appender is confined to the thread that calls {@link #append} (the raw-journal
 * worker); open the journal there.
 */
public final class RawJournal implements AutoCloseable {
    private static final byte[] NO_NAME = new byte[0];
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ChronicleQueue queue;
    private final SyncPolicy syncPolicy;
    private final java.util.function.IntFunction<String> listenerNames;
    private byte[][] nameCache = new byte[8][];
    private ExcerptAppender appender;
    /** Faults pages in ahead of the appender (raw journal only), or null. */
    private PageToucher toucher;
    private int toucherCycle = Integer.MIN_VALUE;
    /** Record header scratch (appending thread only). */
    private byte[] header = new byte[RawRecordDescriptor.V2_FIXED_BYTES + 16 + 12 + 2 + 64 + 4];

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
            return NO_NAME;
        }
        if (id >= nameCache.length) {
            nameCache = java.util.Arrays.copyOf(nameCache, Math.max(id + 1, nameCache.length * 2));
        }
        byte[] name = nameCache[id];
        if (name == null) {
            final String s = listenerNames.apply(id);
            if (s == null) {
                return NO_NAME;
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

    /**
     * Appends the event's raw bytes and metadata (layout version 2 of {@link RawRecordDescriptor}); returns its
     * journal position. No allocation. The header (fixed part, listener name, raw length) is laid out in a scratch
     * array and copied in one write, then the raw bytes in a second: two bounds-checked copies into the mapped file
     * instead of one per field.
     */
    public long append(final TelemetryEvent e, final boolean rejected, final int maxRawBytes) {
        if (appender == null) {
            appender = queue.createAppender();
        }
        final int rawLength = Math.min(e.rawLength(), maxRawBytes);
        final byte[] name = listenerName(e.listenerId);
        final int nameLength = name.length;
        final int peerLength = Math.min(e.peerAddressLength, 16);
        // Replay provenance, or a RELP transaction number (kept as sourceLine with no file): written when present.
        final boolean source = e.sourceFile >= 0 || e.sourceLine != 0;
        final int headerLength = RawRecordDescriptor.V2_FIXED_BYTES + peerLength + (source ? 12 : 0) + 2
            + nameLength + 4;
        if (header.length < headerLength) {
            header = new byte[headerLength];
        }
        final byte[] h = header;
        h[0] = (byte) RawRecordDescriptor.VERSION;
        h[1] = (byte) ((rejected ? RawRecordDescriptor.FLAG_REJECTED : 0)
            | (source ? RawRecordDescriptor.FLAG_SOURCE : 0));
        h[2] = (byte) e.format;
        h[3] = (byte) e.tlp;
        SHORT.set(h, 4, (short) e.rejectReason);
        SHORT.set(h, 6, (short) e.peerPort);
        LONG.set(h, 8, e.receivedNanos);
        LONG.set(h, 16, e.timestampNanos);
        INT.set(h, 24, e.listenerId);
        h[28] = (byte) peerLength;
        System.arraycopy(e.peerAddress, 0, h, RawRecordDescriptor.V2_FIXED_BYTES, peerLength);
        int p = RawRecordDescriptor.V2_FIXED_BYTES + peerLength;
        if (source) {
            INT.set(h, p, e.sourceFile);
            LONG.set(h, p + 4, e.sourceLine);
            p += 12;
        }
        SHORT.set(h, p, (short) nameLength);
        System.arraycopy(name, 0, h, p + 2, nameLength);
        INT.set(h, p + 2 + nameLength, rawLength);
        final long end;
        try (DocumentContext dc = appender.writingDocument()) {
            final Bytes<?> b = dc.wire().bytes();
            b.write(h, 0, headerLength);
            b.write(e.raw(), 0, rawLength);
            end = b.writePosition();
        }
        if (toucher != null) {
            final int cycle = appender.cycle();
            if (cycle != toucherCycle) {
                toucherCycle = cycle;
                toucher.file(appender.currentFile());
            }
            toucher.advance(end);
        }
        return appender.lastIndexAppended();
    }

    /**
     * Starts a {@link PageToucher} thread that faults the journal file's next pages in ahead of the appender
     * (worth it where the journal is hot: the raw journal, not the quarantine). Call before the first append.
     */
    public RawJournal touchAhead(final String threadName) {
        return touchAhead(threadName, WriteBehind.LAG);
    }

    /**
     * As above, writing pages back and dropping them from the page cache {@code writeBehindLag} bytes behind the
     * appender ({@link WriteBehind}); 0 leaves them to the kernel.
     */
    public RawJournal touchAhead(final String threadName, final long writeBehindLag) {
        if (toucher == null) {
            toucher = new PageToucher(threadName, writeBehindLag);
        }
        return this;
    }

    /** Pages faulted in ahead by the toucher (0 without one). */
    public long pagesTouchedAhead() {
        return toucher == null ? 0 : toucher.touchedPages();
    }

    /** Journal bytes written back and dropped from the page cache behind the appender (0 without a toucher). */
    public long bytesWrittenBehind() {
        return toucher == null ? 0 : toucher.writtenBehindBytes();
    }

    /** Write-behind calls the kernel refused (0 without a toucher). */
    long writeBehindFailures() {
        return toucher == null ? 0 : toucher.writeBehindFailures();
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
        if (toucher != null) {
            toucher.close();
            toucher = null;
        }
        if (appender != null) {
            appender.close();
            appender = null;
        }
    }

    /** Closes the queue (after the appending thread has stopped). */
    @Override
    public void close() {
        if (toucher != null) {
            toucher.close();
            toucher = null;
        }
        queue.close();
    }
}
