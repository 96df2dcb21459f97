package io.vigie.rules.correlation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Correlation engine settings. Plain data, read at compile and bind time (never on the event path). */
public final class CorrelationConfig {
    /** What to do with an event older than (watermark - timespan). */
    public enum LatePolicy { APPLY, DROP }

    /** Bounded out-of-orderness: watermark = max event time seen minus this (nanoseconds, default 5 s). */
    public long outOfOrderNanos = TimeUnit.SECONDS.toNanos(5);
    /** Late events are always counted; applied to the window or dropped per this policy. */
    public LatePolicy latePolicy = LatePolicy.APPLY;
    /** Default cap on group keys per correlation rule; past it the oldest-touched key is evicted (counted). */
    public int maxKeys = 100_000;
    /** Default cap on values (timestamps, distinct values, numbers) per group key window; past it the oldest goes. */
    public int maxValues = 256;
    /** Per-rule overrides of {@link #maxKeys}, by correlation id or name. */
    public Map<String, Integer> maxKeysByRule = new LinkedHashMap<>();
    /** Per-rule overrides of {@link #maxValues}, by correlation id or name. */
    public Map<String, Integer> maxValuesByRule = new LinkedHashMap<>();
    /**
     * Hot window state (KiB, one rule on one worker) from which a rule's matches are queued and applied in groups
     * whose memory loads overlap (see {@code CorrelationEngine.onMatchInBatch}); below it they are applied at once.
     * The default (4 MiB) is where the pipeline started to pay on the 1 MiB-L2, 32 MiB-L3 CI machine; a host with a
     * larger or quieter cache may want more. 0 pipelines every rule.
     */
    public int pipelineMinKb = 4096;
    /** Evidence references kept per alert (the first N contributing events, plus the triggering one). */
    public int maxEvidence = 100;

    /** The key cap of a rule. */
    public int maxKeys(final String id, final String name) {
        return lookup(maxKeysByRule, id, name, maxKeys);
    }

    /** The value cap of a rule. */
    public int maxValues(final String id, final String name) {
        return lookup(maxValuesByRule, id, name, maxValues);
    }

    private static int lookup(final Map<String, Integer> m, final String id, final String name, final int dflt) {
        if (id != null && m.containsKey(id)) {
            return m.get(id);
        }
        if (name != null && m.containsKey(name)) {
            return m.get(name);
        }
        return dflt;
    }
}
