package io.vigie.engine.journal;

import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every field of a raw record reads back as written, in the compact layout version 2 (live and replayed frames,
 * IPv4 and IPv6 peers, rejected frames), and records of layout version 1 written before it still read back.
 */
class RawRecordLayoutTest {
    @TempDir
    Path dir;

    private static TelemetryEvent event(final String raw, final int peerLength, final int file, final long line) {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        final byte[] b = raw.getBytes(StandardCharsets.UTF_8);
        e.setRaw(b, 0, b.length);
        e.format = EventFormat.CEF;
        e.tlp = 3;
        e.rejectReason = 0;
        e.peerPort = 65_000;
        e.receivedNanos = 1_764_000_000_123_456_789L;
        e.timestampNanos = 1_763_999_999_000_000_001L;
        e.listenerId = 1;
        e.peerAddressLength = peerLength;
        for (int i = 0; i < peerLength; i++) {
            e.peerAddress[i] = (byte) (0xC0 + i);
        }
        e.sourceFile = file;
        e.sourceLine = line;
        return e;
    }

    private static void assertSame(final TelemetryEvent w, final TelemetryEvent r, final String what) {
        assertEquals(w.format, r.format, what);
        assertEquals(w.tlp, r.tlp, what);
        assertEquals(w.rejectReason, r.rejectReason, what);
        assertEquals(w.peerPort, r.peerPort, what);
        assertEquals(w.receivedNanos, r.receivedNanos, what);
        assertEquals(w.timestampNanos, r.timestampNanos, what);
        assertEquals(w.listenerId, r.listenerId, what);
        assertEquals(w.peerAddressLength, r.peerAddressLength, what);
        assertArrayEquals(Arrays.copyOf(w.peerAddress, w.peerAddressLength),
            Arrays.copyOf(r.peerAddress, r.peerAddressLength), what);
        assertEquals(w.sourceFile, r.sourceFile, what);
        assertEquals(w.sourceLine, r.sourceLine, what);
        assertArrayEquals(Arrays.copyOf(w.raw(), w.rawLength()), Arrays.copyOf(r.raw(), r.rawLength()), what);
    }

    @Test
    void shouldReadBackEveryFieldOfTheCompactLayout() {
        final TelemetryEvent[] written = {
            event("<13>1 - host app - - - live over IPv4", 4, -1, 0),
            event("CEF:0|v|p|1|sig|name|5|src=2001:db8::1", 16, -1, 0),
            event("Mar 30 16:01:36 host sshd[1]: replayed", 0, 3, 1_234_567_890_123L),
            event("", 4, -1, 0),
            event("<13>relp frame, its transaction number as line", 4, -1, 42),
        };
        written[3].rejectReason = 7;
        written[3].timestampNanos = TelemetryEvent.NO_TIME;
        try (RawJournal journal = new RawJournal(dir, SyncPolicy.NONE, id -> id == 1 ? "édge-listener" : null)) {
            for (int i = 0; i < written.length; i++) {
                journal.append(written[i], i == 3, Integer.MAX_VALUE);
            }
            journal.closeAppender();
        }
        try (RawJournalReader reader = new RawJournalReader(dir)) {
            final TelemetryEvent e = new TelemetryEvent();
            for (int i = 0; i < written.length; i++) {
                assertTrue(reader.next(e), "record " + i);
                assertSame(written[i], e, "record " + i);
                assertEquals("édge-listener", reader.listenerName());
                assertEquals(i == 3, reader.rejected(), "record " + i);
            }
            assertFalse(reader.next(e));
        }
    }

    @Test
    void shouldWriteFarFewerMetadataBytesThanLayoutOne() {
        try (RawJournal journal = new RawJournal(dir, SyncPolicy.NONE, id -> "syslog")) {
            journal.append(event("x", 4, -1, 0), false, Integer.MAX_VALUE);
            journal.closeAppender();
        }
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY).build();
             net.openhft.chronicle.queue.ExcerptTailer t = q.createTailer();
             DocumentContext dc = t.readingDocument()) {
            assertTrue(dc.isPresent());
            // 29 fixed + 4 peer + 2 + "syslog" + 4 length + 1 raw byte (layout 1: 96 + 2 + 6 + 4 + 1 = 109).
            assertEquals(46, dc.wire().bytes().readRemaining());
        }
    }

    /** A record laid out by the version 1 writer (the layout of journals written before version 2). */
    @Test
    void shouldStillReadLayoutOneRecords() {
        final TelemetryEvent w = event("<34>Oct 11 22:14:15 mymachine su: old record", 16, 2, 42);
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY).build()) {
            final ExcerptAppender a = q.createAppender();
            try (DocumentContext dc = a.writingDocument()) {
                final Bytes<?> b = dc.wire().bytes();
                b.writeShort((short) 1);
                b.writeShort((short) RawRecordDescriptor.FLAG_REJECTED);
                b.writeInt(w.format);
                b.writeLong(w.receivedNanos);
                b.writeLong(w.timestampNanos);
                b.writeInt(w.listenerId);
                b.writeInt(w.peerPort);
                b.writeByte((byte) w.peerAddressLength);
                b.write(w.peerAddress, 0, 16);
                b.writeByte((byte) w.tlp);
                b.writeShort((short) w.rejectReason);
                b.writeInt(w.sourceFile);
                b.writeLong(w.sourceLine);
                b.write(new byte[RawRecordDescriptor.CHAIN_BYTES]);
                final byte[] name = "syslog".getBytes(StandardCharsets.UTF_8);
                b.writeShort((short) name.length);
                b.write(name);
                b.writeInt(w.rawLength());
                b.write(w.raw(), 0, w.rawLength());
            }
            a.close();
        }
        try (RawJournalReader reader = new RawJournalReader(dir)) {
            final TelemetryEvent e = new TelemetryEvent();
            assertTrue(reader.next(e));
            assertSame(w, e, "layout 1");
            assertEquals("syslog", reader.listenerName());
            assertTrue(reader.rejected());
            assertFalse(reader.next(e));
        }
    }
}
