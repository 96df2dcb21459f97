package io.vigie.engine.internal;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.detect.AlertSink;
import io.vigie.engine.detect.Detector;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.StageLatencies;

/**
 * A rule worker: runs its {@link Detector} on every accepted event, after the raw-journal worker has assigned its
 * {@code seq}. The detector decides what its worker owns (stateless rules by {@code seq % workers}, keyed state by
 * the hash of its key), so that each window has exactly one writer. Reads the clock once per batch.
 * Owned by its own thread; the detector's state is single-writer.
 */
public final class DetectionWorker implements EventHandler<TelemetryEvent>, AlertSink {
    private final Detector detector;
    private final RingBuffer<AlertWorker.AlertSlot> alertRing;
    private final StageLatencies latencies;

    public DetectionWorker(final Detector detector,
                           final RingBuffer<AlertWorker.AlertSlot> alertRing, final EngineCounters counters) {
        this.detector = detector;
        this.alertRing = alertRing;
        this.latencies = counters.latencies();
    }

    @Override
    public void onStart() {
        detector.onStart();
    }

    @Override
    public void onEvent(final TelemetryEvent event, final long sequence, final boolean endOfBatch) {
        if (event.rejectReason == 0) {
            detector.onEvent(event, this);
        }
        if (endOfBatch) {
            detector.onBatchEnd(System.currentTimeMillis() * 1_000_000L, this);
            if (event.receivedMonoNanos != 0) {
                latencies.record(StageLatencies.DETECT, System.nanoTime() - event.receivedMonoNanos);
            }
        }
    }

    @Override
    public void emit(final Alert alert) {
        AlertWorker.publish(alertRing, alert);
    }
}
