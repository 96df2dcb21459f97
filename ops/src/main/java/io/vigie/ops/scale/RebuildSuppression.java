package io.vigie.ops.scale;

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

    /**
     * Passes events through; drops the alerts of rebuild events. Each kind of event gets its own sink, because the
     * detector may emit an event's alerts after {@link #onEvent} returns (up to the batch end, to the sink it was
     * given with that event).
     */
    private static final class Suppressing implements Detector {
        private final Detector detector;
        private final int rebuildListenerId;
        private AlertSink downstream;
        private long suppressed;
        private final AlertSink live = alert -> downstream.emit(alert);
        private final AlertSink muted = alert -> suppressed++;

        Suppressing(final Detector detector, final int rebuildListenerId) {
            this.detector = detector;
            this.rebuildListenerId = rebuildListenerId;
        }

        @Override
        public void onEvent(final TelemetryEvent event, final AlertSink sink) {
            downstream = sink;
            detector.onEvent(event, event.listenerId == rebuildListenerId ? muted : live);
        }

        @Override
        public void onBatchEnd(final long nowNanos, final AlertSink sink) {
            downstream = sink;
            detector.onBatchEnd(nowNanos, sink);
        }

        @Override
        public void onStart() {
            detector.onStart();
        }
    }
}
