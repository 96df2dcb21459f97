package io.vigie.engine.detect;

import io.vigie.engine.ring.TelemetryEvent;

/**
 * What a rule worker runs on each event it owns. One instance per worker thread (created by a
 * {@link DetectorFactory}), so an implementation may keep mutable scratch state without locks.
 *
 * <p>Event path: {@link #onEvent} must not allocate in the steady state, block, log or throw for bad data.
 */
public interface Detector {
    /**
     * Sees every accepted, journaled event (every worker sees every event); evaluates the part this worker owns
     * (see {@link DetectorFactory#create}) and emits alerts through the sink. The event is not changed before the
     * next {@link #onBatchEnd} returns (a worker's ring slots are not reused within its batch), so a detector may
     * finish its work on it, emitting to the sink given here, up to then.
     */
    void onEvent(TelemetryEvent event, AlertSink sink);

    /**
     * Called at the end of each ring batch with the worker's clock reading (epoch nanos): flush, expire windows,
     * pick up a reloaded rule set.
     */
    default void onBatchEnd(long nowNanos, AlertSink sink) {
    }

    /** Called once on the worker thread before the first event. */
    default void onStart() {
    }
}
