package io.vigie.ops.server;

import io.vigie.engine.status.EngineCounters;
import io.vigie.rules.RuleConfig;
import io.vigie.rules.load.RuleLoadResult;
import io.vigie.rules.load.RuleSetLoader;
import io.vigie.rules.load.RuleStatus;

import java.nio.file.Path;
import java.util.List;

/** Loads rules the same way for {@code serve}, {@code replay} and {@code rules check}, and counts the outcomes. */
public final class RuleLoading {
    /** Gauge names of the rule load states ({@code vigie_rules_loaded{state=...}}). */
    public static final String GAUGE_OK = "rules_loaded{state=\"ok\"}";
    public static final String GAUGE_UNSUPPORTED = "rules_loaded{state=\"unsupported\"}";
    public static final String GAUGE_INVALID = "rules_loaded{state=\"invalid\"}";

    private RuleLoading() {
    }

    /** Loads rules from paths, or the bundled pack when {@code paths} is empty. */
    public static RuleLoadResult load(final List<Path> paths, final RuleConfig config) {
        return paths.isEmpty() ? RuleSetLoader.loadBundled(config) : RuleSetLoader.load(paths, config);
    }

    /** Counts of {@code [ok, unsupported, invalid]} statuses. */
    public static long[] counts(final List<RuleStatus> statuses) {
        final long[] n = new long[3];
        for (final RuleStatus s : statuses) {
            n[s.kind().ordinal()]++;
        }
        return n;
    }

    /** Publishes the counts as the {@code rules_loaded} gauges. */
    public static void publish(final EngineCounters counters, final long[] counts) {
        counters.gauge(GAUGE_OK).set(counts[0]);
        counters.gauge(GAUGE_UNSUPPORTED).set(counts[1]);
        counters.gauge(GAUGE_INVALID).set(counts[2]);
    }
}
