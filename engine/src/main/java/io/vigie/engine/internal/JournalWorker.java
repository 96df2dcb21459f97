package io.vigie.engine.internal;

import com.lmax.disruptor.EventHandler;
import io.vigie.engine.journal.RawJournal;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.engine.status.StageLatencies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The raw-journal worker: the single writer of the raw journal and the quarantine. Appends every accepted event and
 * sets its {@code seq}; writes every rejected frame to the quarantine; counts persisted and rejected per listener,
 * publishing the counts at the end of each batch (after the sync policy has run, so "persisted" never runs ahead of
 * what the policy promises). Rule workers are gated on this worker.
 */
public final class JournalWorker implements EventHandler<TelemetryEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(JournalWorker.class);
    private static final long QUARANTINE_CHECK_NS = 10_000_000_000L;

    private final RawJournal journal;
    private final RawJournal quarantine;
    private final EngineCounters counters;
    private final StageLatencies latencies;
    private final int quarantineMaxRecordBytes;
    private final long quarantineMaxBytes;
    private final Path quarantineDir;
    private long[] pendingPersisted = new long[8];
    private int[] pendingRejected = new int[8 * RejectReason.count()];
    private boolean pending;
    private long nextQuarantineCheckNs;
    private boolean quarantineWritten;

    public JournalWorker(final RawJournal journal, final RawJournal quarantine, final EngineCounters counters,
                         final int quarantineMaxRecordBytes, final long quarantineMaxBytes, final Path quarantineDir) {
        this.journal = journal;
        this.quarantine = quarantine;
        this.counters = counters;
        this.latencies = counters.latencies();
        this.quarantineMaxRecordBytes = quarantineMaxRecordBytes;
        this.quarantineMaxBytes = quarantineMaxBytes;
        this.quarantineDir = quarantineDir;
    }

    @Override
    public void onEvent(final TelemetryEvent event, final long sequence, final boolean endOfBatch) {
        final int listener = Math.max(0, event.listenerId);
        if (listener >= pendingPersisted.length) {
            grow(listener);
        }
        if (event.rejectReason != 0) {
            quarantine.append(event, true, quarantineMaxRecordBytes);
            quarantineWritten = true;
            pendingRejected[listener * RejectReason.count() + Math.min(event.rejectReason, RejectReason.count() - 1)]++;
            counters.onQuarantined();
        } else {
            event.seq = journal.append(event, false, Integer.MAX_VALUE);
            pendingPersisted[listener]++;
        }
        pending = true;
        if (endOfBatch) {
            flush();
            if (event.receivedMonoNanos != 0) {
                latencies.record(StageLatencies.PERSIST, System.nanoTime() - event.receivedMonoNanos);
            }
        }
    }

    private void flush() {
        if (!pending) {
            return;
        }
        journal.endOfBatch();
        if (quarantineWritten) {
            quarantine.endOfBatch();
        }
        final int reasons = RejectReason.count();
        for (int l = 0; l < pendingPersisted.length; l++) {
            final ListenerCounters c = counters.listener(l);
            if (c == null) {
                continue;
            }
            if (pendingPersisted[l] != 0) {
                c.onPersisted(pendingPersisted[l]);
                pendingPersisted[l] = 0;
            }
            for (int r = 0; r < reasons; r++) {
                if (pendingRejected[l * reasons + r] != 0) {
                    c.onRejected(RejectReason.of(r), pendingRejected[l * reasons + r]);
                    pendingRejected[l * reasons + r] = 0;
                }
            }
        }
        pending = false;
        if (quarantineWritten) {
            final long now = System.nanoTime();
            if (now - nextQuarantineCheckNs > 0) {
                nextQuarantineCheckNs = now + QUARANTINE_CHECK_NS;
                boundQuarantine();
            }
            quarantineWritten = false;
        }
    }

    private void grow(final int listener) {
        final int n = Math.max(listener + 1, pendingPersisted.length * 2);
        pendingPersisted = java.util.Arrays.copyOf(pendingPersisted, n);
        pendingRejected = java.util.Arrays.copyOf(pendingRejected, n * RejectReason.count());
    }

    /** Deletes the oldest quarantine cycle files while the directory is over its bound (never the newest). */
    private void boundQuarantine() {
        try (Stream<Path> files = Files.list(quarantineDir)) {
            final List<Path> cycles = files.filter(p -> p.toString().endsWith(".cq4"))
                .sorted(Comparator.comparing(Path::toString)).collect(Collectors.toList());
            long total = 0;
            for (final Path p : cycles) {
                total += Files.size(p);
            }
            for (int i = 0; i < cycles.size() - 1 && total > quarantineMaxBytes; i++) {
                total -= Files.size(cycles.get(i));
                Files.deleteIfExists(cycles.get(i));
                LOG.warn("quarantine over its bound, deleted oldest file, file={}, maxBytes={}", cycles.get(i),
                    quarantineMaxBytes);
            }
        } catch (IOException e) {
            LOG.warn("quarantine bound check failed, dir={}, error={}", quarantineDir, e.toString());
        }
    }

    @Override
    public void onShutdown() {
        flush();
        journal.closeAppender();
        quarantine.closeAppender();
    }
}
