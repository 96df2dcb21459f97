package io.vigie.ops.scale;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.detect.AlertSink;
import io.vigie.engine.detect.Detector;
import io.vigie.engine.detect.DetectorFactory;
import io.vigie.engine.ring.TelemetryEvent;

/**
 * Wraps a {@link DetectorFactory} so that events re-read to rebuild correlation state (published by a Kafka input
 * under its rebuild listener, see {@code KafkaSource.rebuildListenerName}) update the detectors' state but raise no
 * alert: the partition's previous owner already emitted those. Alerts raised by live events pass unchanged.
 *
 * <p>One wrapper detector per rule worker, confined to its thread; no allocation per event.
 */
public final class RebuildSuppression implements DetectorFactory {
    private final DetectorFactory inner;
    private final int rebuildListenerId;

    /**
     * @param inner             the detection to wrap
     * @param rebuildListenerId the id of the rebuild listener's counters ({@code counters.listener(name).id()})
     */
    public RebuildSuppression(final DetectorFactory inner, final int rebuildListenerId) {
        this.inner = inner;
        this.rebuildListenerId = rebuildListenerId;
    }

    @Override
    public Detector create(final int ordinal, final int workers) {
        return new Suppressing(inner.create(ordinal, workers), rebuildListenerId);
    }

    /** Passes events through; drops the alerts emitted while a rebuild event is being evaluated. */
    private static final class Suppressing implements Detector, AlertSink {
        private final Detector detector;
        private final int rebuildListenerId;
        private AlertSink downstream;
        private boolean rebuilding;
        private long suppressed;

        Suppressing(final Detector detector, final int rebuildListenerId) {
            this.detector = detector;
            this.rebuildListenerId = rebuildListenerId;
        }

        @Override
        public void onEvent(final TelemetryEvent event, final AlertSink sink) {
            downstream = sink;
            rebuilding = event.listenerId == rebuildListenerId;
            detector.onEvent(event, this);
            rebuilding = false;
        }

        @Override
        public void onBatchEnd(final long nowNanos, final AlertSink sink) {
            detector.onBatchEnd(nowNanos, sink);
        }

        @Override
        public void onStart() {
            detector.onStart();
        }

        @Override
        public void emit(final Alert alert) {
            if (rebuilding) {
                suppressed++;
                return;
            }
            downstream.emit(alert);
        }
    }
}
