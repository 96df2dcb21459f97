package io.vigie.bench.jmh.journal;

import io.vigie.engine.event.Fields;
import io.vigie.engine.journal.RawJournal;
import io.vigie.engine.journal.SyncPolicy;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The raw-journal append every accepted event pays on the journal worker: one {@link RawJournal#append} of a
 * 130-byte RFC 5424 frame with its metadata into a real Chronicle Queue in a temporary directory (sync none, the
 * default). Throughput = records/s on the journal thread; {@code -prof gc} should show ~0 B/op. With
 * {@code touchAhead} the page faults of the file's fresh pages are taken by the toucher thread (on the other core);
 * with {@code writeBehindMb} it also writes the file back that far behind and drops those pages, so that fresh pages
 * come from just-freed memory ({@code WriteBehind}). {@code writeBehindMb} means nothing without the toucher.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class RawJournalBenchmark {
    private static final byte[] FRAME = ("<34>1 2026-12-03T07:41:02.123Z host-01 sshd 4242 - - Failed password for "
        + "invalid user admin from 203.0.113.7 port 52144 ssh2").getBytes(StandardCharsets.US_ASCII);

    /** Raw frame bytes per record (the frame is cut or repeated to this length). */
    @Param({"130"})
    public int frameBytes;

    /** Where the queue lives: a temporary directory, or /dev/shm to take the disk out of the figure. */
    @Param({"tmp"})
    public String where;

    /** With the page toucher (the engine's default for the raw journal) or without. */
    @Param({"true", "false"})
    public boolean touchAhead;

    /**
     * With the toucher: MiB behind the appender at which pages are written back and dropped (the engine's default,
     * {@code engine.journal_write_behind_mb}), or 0 to leave them to the kernel.
     */
    @Param({"256", "0"})
    public int writeBehindMb;

    private Path dir;
    private RawJournal journal;
    private TelemetryEvent event;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = "shm".equals(where) ? Files.createTempDirectory(Path.of("/dev/shm"), "vigie-journal-bench")
            : Files.createTempDirectory("vigie-journal-bench");
        final byte[] frame = new byte[frameBytes];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = FRAME[i % FRAME.length];
        }
        journal = new RawJournal(dir, SyncPolicy.NONE, id -> "syslog");
        if (touchAhead) {
            journal.touchAhead("bench-journal-touch", (long) writeBehindMb << 20);
        }
        event = new TelemetryEvent();
        event.reset();
        event.setRaw(frame, 0, frame.length);
        event.format = EventFormat.RFC5424;
        event.listenerId = 0;
        event.receivedNanos = System.currentTimeMillis() * 1_000_000L;
        event.addRawField(Fields.MESSAGE, 0, frame.length);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        journal.closeAppender();
        journal.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long append() {
        return journal.append(event, false, Integer.MAX_VALUE);
    }
}
