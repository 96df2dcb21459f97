package io.vigie.rules.correlation;

import io.vigie.engine.detect.AlertSink;
import io.vigie.engine.ring.TelemetryEvent;

/**
 * How the stateless Sigma detector hands matches of correlation base rules to the correlation engine, one instance
 * per rule worker (single writer of its state partition).
 *
 * <p>Ownership: with N workers every worker sees every event. A stateless rule is evaluated by the worker that owns
 * the event's ring sequence; a rule this hook {@link #wants} is evaluated only by the worker that {@link #owns} the
 * event's state partition for it (hash of the correlation's group-key values read from the event, modulo N; aliases
 * make the key the same whichever base rule matched), so each window has one writer. When one base rule feeds
 * correlations with different group-by fields, more than one worker may own the event (each updates only its own
 * partitions).
 *
 * <p>Implemented by {@link CorrelationEngine}; see its Javadoc for event time, watermark and emission policy.
 */
public interface CorrelationHook {
    /** A hook that wants nothing (no correlation rules loaded). */
    CorrelationHook NONE = new CorrelationHook() {
        @Override
        public boolean wants(final int ruleIndex, final String ruleId, final String ruleName) {
            return false;
        }

        @Override
        public boolean owns(final int ruleIndex, final TelemetryEvent event, final int ordinal, final int workers) {
            return false;
        }

        @Override
        public void onMatch(final int ruleIndex, final TelemetryEvent event, final AlertSink sink) {
        }

        @Override
        public boolean suppressesAlert(final int ruleIndex) {
            return false;
        }
    };

    /**
     * True when some correlation rule refers to this base rule (by id or name). Called once per compiled rule when a
     * rule set is bound to a worker (off the event path), so the hook can record the rule's index.
     */
    boolean wants(int ruleIndex, String ruleId, String ruleName);

    /** True when this worker owns the state partition of (rule, event's group key). Event path: no allocation. */
    boolean owns(int ruleIndex, TelemetryEvent event, int ordinal, int workers);

    /** A base rule matched an owned event. {@code ruleIndex} is the rule's index in the compiled rule set. */
    void onMatch(int ruleIndex, TelemetryEvent event, AlertSink sink);

    /**
     * {@link #onMatch}, which the hook may apply later in the same batch (by the next {@link #onBatchEnd}, in arrival
     * order, with the same result): the caller guarantees that the event is not changed before then, as a rule
     * worker's ring slots are not. Event path: no allocation.
     */
    default void onMatchInBatch(int ruleIndex, TelemetryEvent event, AlertSink sink) {
        onMatch(ruleIndex, event, sink);
    }

    /** True when the base rule's own alert must not be emitted (every referring correlation has generate: false). */
    boolean suppressesAlert(int ruleIndex);

    /**
     * End of a ring batch: adopt an offered correlation set, expire idle windows up to the watermark. {@code nowNanos}
     * (epoch nanos, the worker's clock read once per batch) only stamps alert times; no decision depends on it.
     */
    default void onBatchEnd(long nowNanos, AlertSink sink) {
    }

    /**
     * A new Sigma rule set is being bound on the worker thread at a batch boundary (rule indexes change): adopt
     * {@code next} (null keeps the current correlation set; window state of unchanged rules is kept), forget every
     * base-rule binding; {@link #wants} follows for each rule of the new set. Off the event path.
     */
    default void rebinding(CorrelationSet next) {
    }
}
