package io.vigie.ingest.file;

import com.lmax.disruptor.RingBuffer;
import io.vigie.engine.ring.SourceFiles;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.FrameDecoder;
import io.vigie.ingest.publish.RingPublisher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Replays files (one event per line, {@code -} = stdin) into the ring, merged in event time, without loss.
 *
 * <p>Each file streams through a reused line buffer (LF-terminated, CR stripped, lines over
 * {@value #MAX_LINE_BYTES} bytes published as {@code FRAME_TOO_LONG} rejects). Empty lines are skipped but counted
 * in line numbers, which are 1-based and stamped on the events with the file index from {@link SourceFiles}.
 * With several files the source keeps one look-ahead line per file, decoded into a scratch event by that file's own
 * decoder to read its time (a line without one takes its predecessor's), and always publishes the earliest
 * (a k-way merge; ties go to the earlier file). Publishing blocks when the ring is full. Runs on the caller's
 * thread.
 */
public final class FileReplaySource {
    /** Longest line kept whole. */
    public static final int MAX_LINE_BYTES = 1024 * 1024;
    /** TLP given to replayed events when none is set (red: unlabelled is most restrictive). */
    public static final int DEFAULT_TLP = 4;

    private final RingBuffer<TelemetryEvent> ring;
    private final ListenerCounters counters;
    private final Supplier<FrameDecoder> decoders;
    private final int tlp;
    private final AtomicLong lines = new AtomicLong();

    /**
     * @param ring     the engine's event ring
     * @param counters counters of the replay input
     * @param decoders creates decoders (one for publishing, one per file for look-ahead when merging)
     */
    public FileReplaySource(final RingBuffer<TelemetryEvent> ring, final ListenerCounters counters,
                            final Supplier<FrameDecoder> decoders) {
        this(ring, counters, decoders, DEFAULT_TLP);
    }

    /** As the three-argument constructor, with the TLP ordinal stamped on events. */
    public FileReplaySource(final RingBuffer<TelemetryEvent> ring, final ListenerCounters counters,
                            final Supplier<FrameDecoder> decoders, final int tlp) {
        this.ring = ring;
        this.counters = counters;
        this.decoders = decoders;
        this.tlp = tlp;
    }

    /** Replays the files; returns when every line is published. */
    public void replay(final List<Path> files) throws IOException {
        final long startNanos = System.currentTimeMillis() * 1_000_000L;
        final RingPublisher publisher = new RingPublisher(ring, counters, decoders.get(), null,
            RingPublisher.Policy.BLOCK, tlp);
        // One receive time for the whole replay, so that decoding (year inference) is the same in look-ahead.
        publisher.receivedNanos(startNanos);
        final List<Source> sources = new ArrayList<>(files.size());
        try {
            for (final Path file : files) {
                sources.add(open(file, files.size() > 1, startNanos));
            }
            if (sources.size() == 1) {
                final Source s = sources.get(0);
                while (s.reader.next()) {
                    publish(publisher, s);
                }
                return;
            }
            for (final Source s : sources) {
                s.advance();
            }
            while (true) {
                Source earliest = null;
                for (final Source s : sources) {
                    if (s.ready && (earliest == null || s.time < earliest.time)) {
                        earliest = s;
                    }
                }
                if (earliest == null) {
                    return;
                }
                publish(publisher, earliest);
                earliest.advance();
            }
        } finally {
            for (final Source s : sources) {
                s.reader.close();
            }
        }
    }

    private void publish(final RingPublisher publisher, final Source s) {
        final LineReader r = s.reader;
        if (r.length() == 0) {
            return;
        }
        if (r.truncated()) {
            publisher.publishRejected(r.line(), 0, r.length(), RejectReason.FRAME_TOO_LONG, s.fileIndex,
                r.lineNumber());
        } else {
            publisher.publish(r.line(), 0, r.length(), s.fileIndex, r.lineNumber());
        }
        lines.incrementAndGet();
    }

    private Source open(final Path file, final boolean merging, final long startNanos) throws IOException {
        final boolean stdin = "-".equals(file.toString());
        final InputStream in = stdin ? System.in : Files.newInputStream(file);
        final int index = stdin ? SourceFiles.register("-") : SourceFiles.register(file);
        return new Source(new LineReader(in, MAX_LINE_BYTES), index, merging ? decoders.get() : null, startNanos);
    }

    /** Lines published so far. */
    public long lines() {
        return lines.get();
    }

    /** One input file and its look-ahead line (the reader's current line). */
    private static final class Source {
        final LineReader reader;
        final int fileIndex;
        final FrameDecoder decoder;
        final TelemetryEvent scratch = new TelemetryEvent();
        final long receivedNanos;
        long time = Long.MIN_VALUE;
        boolean ready;

        Source(final LineReader reader, final int fileIndex, final FrameDecoder decoder, final long receivedNanos) {
            this.reader = reader;
            this.fileIndex = fileIndex;
            this.decoder = decoder;
            this.receivedNanos = receivedNanos;
        }

        /** Reads the next non-empty line and its event time; {@code ready} false at end of file. */
        void advance() throws IOException {
            while (reader.next()) {
                if (reader.length() == 0) {
                    continue;
                }
                scratch.reset();
                scratch.setRaw(reader.line(), 0, reader.length());
                scratch.receivedNanos = receivedNanos;
                try {
                    decoder.decode(scratch);
                } catch (RuntimeException e) {
                    // The publishing decoder will reject it; here it only lacks a time.
                    scratch.timestampNanos = TelemetryEvent.NO_TIME;
                }
                if (scratch.timestampNanos != TelemetryEvent.NO_TIME) {
                    time = scratch.timestampNanos;
                }
                ready = true;
                return;
            }
            ready = false;
        }
    }
}
