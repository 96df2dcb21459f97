package io.vigie.engine.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/**
 * Appends alerts (their JSON line, UTF-8) to the alert journal. A record is {@code [u16 version][i32 length][bytes]}.
 * Confined to the alert thread; positions are the feeds' resume points (SSE ids).
 */
public final class AlertAppender implements AutoCloseable {
    /** Record layout version. */
    public static final int VERSION = 1;

    private final ChronicleQueue queue;
    private final SyncPolicy syncPolicy;
    private ExcerptAppender appender;

    public AlertAppender(final Path dir, final SyncPolicy syncPolicy) {
        this.queue = RawJournal.open(dir, syncPolicy, false);
        this.syncPolicy = syncPolicy;
    }

    /** Appends one alert's JSON; returns its position. */
    public long append(final byte[] json) {
        if (appender == null) {
            appender = queue.createAppender();
        }
        try (DocumentContext dc = appender.writingDocument()) {
            final Bytes<?> b = dc.wire().bytes();
            b.writeShort((short) VERSION);
            b.writeInt(json.length);
            b.write(json);
        }
        return appender.lastIndexAppended();
    }

    /** Flushes per the sync policy. */
    public void endOfBatch() {
        if (appender != null && syncPolicy != SyncPolicy.NONE) {
            appender.sync();
        }
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
