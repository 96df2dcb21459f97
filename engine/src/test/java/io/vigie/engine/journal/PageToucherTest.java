package io.vigie.engine.journal;

import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page toucher races the appender on the same file by design: whatever the interleaving, every record must read
 * back byte for byte, and the toucher must really have run ahead.
 */
class PageToucherTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void recordsReadBackExactlyWhileTheToucherRunsAhead() {
        final int records = 60_000;
        final SplittableRandom random = new SplittableRandom(7);
        final byte[][] sent = new byte[records][];
        long touched;
        try (RawJournal journal = new RawJournal(dir, SyncPolicy.NONE, id -> "syslog").touchAhead("test-touch")) {
            final TelemetryEvent e = new TelemetryEvent();
            for (int i = 0; i < records; i++) {
                // Sizes from 1 byte to 3 pages, so records start and end anywhere in a page; no zero bytes, so a
                // stray zero written by the toucher would show.
                final byte[] raw = new byte[1 + random.nextInt(i % 100 == 0 ? 12_000 : 400)];
                for (int j = 0; j < raw.length; j++) {
                    raw[j] = (byte) (1 + random.nextInt(255));
                }
                sent[i] = raw;
                e.reset();
                e.setRaw(raw, 0, raw.length);
                e.listenerId = 0;
                e.receivedNanos = i;
                journal.append(e, false, Integer.MAX_VALUE);
            }
            touched = journal.pagesTouchedAhead();
            journal.closeAppender();
        }
        assertTrue(touched > 0, "the toucher faulted pages in ahead of the appender");
        try (RawJournalReader reader = new RawJournalReader(dir)) {
            final TelemetryEvent e = new TelemetryEvent();
            for (int i = 0; i < records; i++) {
                assertTrue(reader.next(e), "record " + i);
                assertEquals(i, e.receivedNanos);
                assertArrayEquals(sent[i], Arrays.copyOf(e.raw(), e.rawLength()), "record " + i);
            }
            assertFalse(reader.next(e), "no record past the last one");
        }
    }
}
