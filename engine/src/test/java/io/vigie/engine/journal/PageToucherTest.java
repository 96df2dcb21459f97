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
        final long touched;
        try (RawJournal journal = new RawJournal(dir, SyncPolicy.NONE, id -> "syslog").touchAhead("test-touch")) {
            final TelemetryEvent e = new TelemetryEvent();
            for (int i = 0; i < records; i++) {
                // Sizes from 1 byte to 3 pages, so records start and end anywhere in a page; no zero bytes, so a
                // stray zero written by the toucher would show.
                sent[i] = appendRandom(journal, e, random, 1 + random.nextInt(i % 100 == 0 ? 12_000 : 400), i);
            }
            touched = journal.pagesTouchedAhead();
            journal.closeAppender();
        }
        assertTrue(touched > 0, "the toucher faulted pages in ahead of the appender");
        assertReadsBack(sent);
    }

    /**
     * Write-behind drops pages behind the appender while it appends: every record must still read back byte for byte
     * (the records dropped from the page cache come back from disk), and the drops must really have happened.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void recordsReadBackExactlyAfterTheirPagesWereWrittenBehindAndDropped() {
        org.junit.jupiter.api.Assumptions.assumeTrue(WriteBehind.available(), "Linux only");
        final int records = 12_000;
        final SplittableRandom random = new SplittableRandom(11);
        final byte[][] sent = new byte[records][];
        final long behind;
        final long failures;
        try (RawJournal journal = new RawJournal(dir, SyncPolicy.NONE, id -> "syslog")
            .touchAhead("test-touch", WriteBehind.STEP)) {
            final TelemetryEvent e = new TelemetryEvent();
            for (int i = 0; i < records; i++) {
                sent[i] = appendRandom(journal, e, random, 1000 + random.nextInt(7_000), i);
            }
            // ~54 MB written: the toucher's thread catches up with the last position within a few milliseconds.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (journal.bytesWrittenBehind() < 2 * WriteBehind.STEP && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            behind = journal.bytesWrittenBehind();
            failures = journal.writeBehindFailures();
            journal.closeAppender();
        }
        assertTrue(behind >= 2 * WriteBehind.STEP, "written behind and dropped: " + behind + " bytes");
        assertEquals(0, failures, "no write-behind call refused by the kernel");
        assertReadsBack(sent);
    }

    /** Appends a record of {@code length} random bytes, none of them zero, stamped {@code n}; returns its bytes. */
    private static byte[] appendRandom(final RawJournal journal, final TelemetryEvent e, final SplittableRandom random,
                                       final int length, final long n) {
        final byte[] raw = new byte[length];
        for (int j = 0; j < raw.length; j++) {
            raw[j] = (byte) (1 + random.nextInt(255));
        }
        e.reset();
        e.setRaw(raw, 0, raw.length);
        e.listenerId = 0;
        e.receivedNanos = n;
        journal.append(e, false, Integer.MAX_VALUE);
        return raw;
    }

    /** Every record reads back in order, byte for byte, stamped with its number; none after the last. */
    private void assertReadsBack(final byte[][] sent) {
        try (RawJournalReader reader = new RawJournalReader(dir)) {
            final TelemetryEvent e = new TelemetryEvent();
            for (int i = 0; i < sent.length; i++) {
                assertTrue(reader.next(e), "record " + i);
                assertEquals(i, e.receivedNanos);
                assertArrayEquals(sent[i], Arrays.copyOf(e.raw(), e.rawLength()), "record " + i);
            }
            assertFalse(reader.next(e), "no record past the last one");
        }
    }
}
