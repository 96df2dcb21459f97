package io.vigie.engine.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Files;
import java.nio.file.Path;

/** Reads alerts back from the alert journal (a reader; it consumes nothing). Confined to one thread. */
public final class AlertTailer implements AutoCloseable {
    private final ChronicleQueue queue;
    private final ExcerptTailer tailer;
    private long lastIndex = -1;

    public AlertTailer(final Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no alert journal at " + dir);
        }
        this.queue = RawJournal.open(dir, SyncPolicy.NONE, false);
        this.tailer = queue.createTailer();
    }

    /** Moves to a position; false when absent. */
    public boolean moveTo(final long index) {
        return tailer.moveToIndex(index);
    }

    /** Next alert's JSON bytes, or null when none now. */
    public byte[] next() {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            lastIndex = dc.index();
            final Bytes<?> b = dc.wire().bytes();
            b.readShort();
            final int length = b.readInt();
            final byte[] json = new byte[length];
            b.read(json, 0, length);
            return json;
        }
    }

    /** Position of the last alert read. */
    public long lastIndex() {
        return lastIndex;
    }

    @Override
    public void close() {
        tailer.close();
        queue.close();
    }
}
