package io.vigie.ops.feed.taxii;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.journal.AlertTailer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The alerts a TAXII server can serve: a bounded in-memory index of the alert journal, filled by one background
 * thread that tails it (a reader: it consumes nothing). Each entry keeps the alert, its journal position (the stable
 * id behind TAXII {@code next} cursors) and its TAXII date added: the alert's {@code time}, forced strictly increasing
 * in journal order (by at least one microsecond) so that {@code added_after} and journal order agree. Past
 * {@code maxEntries} the oldest entries are dropped (no longer served). Readers get immutable snapshots.
 */
public final class AlertIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertIndex.class);

    /** One indexed alert. Its STIX objects are computed once, on first use. */
    public static final class Entry {
        final long position;
        final long addedMicros;
        final Alert alert;
        volatile List<Map<String, Object>> objects;

        Entry(final long position, final long addedMicros, final Alert alert) {
            this.position = position;
            this.addedMicros = addedMicros;
            this.alert = alert;
        }

        /** Journal position. */
        public long position() {
            return position;
        }

        /** TAXII date added, epoch microseconds. */
        public long addedMicros() {
            return addedMicros;
        }
    }

    private final Path dir;
    private final int maxEntries;
    private final long pollMillis;
    private final Object lock = new Object();
    private Entry[] entries = new Entry[0];
    private final List<Entry> pending = new ArrayList<>();
    private long lastAddedMicros = Long.MIN_VALUE;
    private volatile long skipped;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param alertJournalDir the alert journal ({@code <data_dir>/alerts})
     * @param maxEntries      most alerts kept (oldest dropped first)
     * @param pollMillis      sleep when the journal has nothing new
     */
    public AlertIndex(final Path alertJournalDir, final int maxEntries, final long pollMillis) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("max entries must be positive: " + maxEntries);
        }
        this.dir = alertJournalDir;
        this.maxEntries = maxEntries;
        this.pollMillis = Math.max(1, pollMillis);
    }

    /** Starts the tailing thread (idempotent). */
    public synchronized AlertIndex start() {
        if (thread == null) {
            running = true;
            thread = new Thread(this::run, "vigie-taxii-index");
            thread.setDaemon(true);
            thread.start();
        }
        return this;
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // single writer: this thread; volatile for readers
    private void run() {
        AlertTailer tailer = null;
        try {
            while (running) {
                if (tailer == null) {
                    if (!Files.isDirectory(dir)) {
                        sleep();
                        continue;
                    }
                    tailer = new AlertTailer(dir);
                }
                final byte[] json = tailer.next();
                if (json == null) {
                    publish();
                    sleep();
                    continue;
                }
                final Alert a = AlertJsonReader.read(json);
                if (a == null) {
                    skipped++;
                    continue;
                }
                a.position = tailer.lastIndex();
                final long micros = Math.floorDiv(a.timeNanos, 1000L);
                lastAddedMicros = lastAddedMicros == Long.MIN_VALUE ? micros : Math.max(micros, lastAddedMicros + 1);
                pending.add(new Entry(a.position, lastAddedMicros, a));
                if (pending.size() >= 1024) {
                    publish();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("taxii alert index stopped, dir={}, error={}", dir, e.toString());
        } finally {
            if (tailer != null) {
                tailer.close();
            }
        }
    }

    private void publish() {
        if (pending.isEmpty()) {
            return;
        }
        synchronized (lock) {
            final int total = entries.length + pending.size();
            final int drop = Math.max(0, total - maxEntries);
            final Entry[] next = new Entry[total - drop];
            int n = 0;
            for (int i = drop; i < entries.length; i++) {
                next[n++] = entries[i];
            }
            for (int i = Math.max(0, drop - entries.length); i < pending.size(); i++) {
                next[n++] = pending.get(i);
            }
            entries = next;
        }
        pending.clear();
    }

    private void sleep() {
        try {
            Thread.sleep(pollMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** The indexed alerts in journal order (an immutable snapshot: do not modify). */
    public Entry[] snapshot() {
        synchronized (lock) {
            return entries;
        }
    }

    /** Number of alerts indexed now. */
    public int size() {
        return snapshot().length;
    }

    /** Journal records that were not alert JSON (skipped). */
    public long skipped() {
        return skipped;
    }

    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            // No interrupt: Chronicle Queue does not like interrupted readers; the loop sees the flag within a poll.
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }
}
