package io.vigie.rules.eval;

import io.vigie.engine.detect.Detector;
import io.vigie.engine.detect.DetectorFactory;
import io.vigie.rules.compile.RuleSet;
import io.vigie.rules.correlation.CorrelationHook;
import io.vigie.rules.correlation.CorrelationSet;
import io.vigie.rules.ioc.IndicatorSet;
import io.vigie.rules.ioc.IocMatcher;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Creates the Sigma detector of each rule worker; holds the current rule set for hot swaps. A swap publishes one
 * immutable {@link Generation} (Sigma rules plus, optionally, the correlation set compiled against them) through one
 * volatile reference; each worker adopts both together at its next batch boundary, so no worker ever evaluates new
 * Sigma rules with old correlations or the reverse.
 */
public final class SigmaDetectorFactory implements DetectorFactory {
    /**
     * What the workers run: a Sigma rule set, and the correlation set compiled against it (null: the workers keep
     * their current correlation set, re-bound to the new rule indexes). Immutable.
     */
    public static final class Generation {
        final long number;
        final RuleSet rules;
        final CorrelationSet correlations;

        Generation(final long number, final RuleSet rules, final CorrelationSet correlations) {
            this.number = number;
            this.rules = rules;
            this.correlations = correlations;
        }

        /** 0 for the initial set, then +1 per swap. */
        public long number() {
            return number;
        }

        public RuleSet rules() {
            return rules;
        }

        /** The correlation set to adopt, or null to keep the current one. */
        public CorrelationSet correlations() {
            return correlations;
        }
    }

    private static final AtomicReference<IndicatorSet> NO_INDICATORS = new AtomicReference<>(IndicatorSet.EMPTY);

    private final String soc;
    private final List<SigmaDetector> detectors = new CopyOnWriteArrayList<>();
    private volatile Generation generation;
    private volatile IntFunction<CorrelationHook> hooks = ordinal -> CorrelationHook.NONE;
    private volatile AtomicReference<IndicatorSet> indicators = NO_INDICATORS;
    private volatile String iocLevel = "high";

    /** A factory for rule workers of SOC node {@code soc}, starting with {@code rules}. */
    public SigmaDetectorFactory(final RuleSet rules, final String soc) {
        this.generation = new Generation(0, Objects.requireNonNull(rules, "rules"), null);
        this.soc = soc;
    }

    /** Swaps the Sigma rule set (correlations kept, re-bound); workers pick it up at their next batch boundary. */
    public void swap(final RuleSet newRules) {
        swap(newRules, null);
    }

    /**
     * Swaps the Sigma rule set and the correlation set compiled against it, atomically for each worker: a worker
     * adopts both at its next batch boundary (unchanged correlations keep their windows). Any thread.
     *
     * @param newCorrelations the correlation set, or null to keep the workers' current one
     * @return the generation number of the new set
     */
    public synchronized long swap(final RuleSet newRules, final CorrelationSet newCorrelations) {
        final Generation g = new Generation(generation.number + 1, Objects.requireNonNull(newRules, "rules"),
            newCorrelations);
        generation = g;
        return g.number;
    }

    /** Sets the per-worker correlation hook factory (before the engine starts); the default wants nothing. */
    public void correlationHooks(final IntFunction<CorrelationHook> newHooks) {
        this.hooks = Objects.requireNonNull(newHooks, "hooks");
    }

    /**
     * Sets the indicator set every worker's {@link io.vigie.rules.ioc.IocMatcher} reads (before the engine
     * starts); swap the set inside the reference at any time (an {@code IndicatorWatcher} does).
     */
    public void indicators(final AtomicReference<IndicatorSet> sets, final String level) {
        this.indicators = Objects.requireNonNull(sets, "sets");
        this.iocLevel = level == null ? "high" : level;
    }

    /** The current rule set. */
    public RuleSet ruleSet() {
        return generation.rules;
    }

    /** The current generation (what workers adopt at their next batch boundary). */
    public Generation generation() {
        return generation;
    }

    /**
     * The lowest generation number adopted by the workers created so far (each adopts at its next batch boundary,
     * so an idle worker lags until it sees an event); -1 before any worker exists.
     */
    public long adoptedGeneration() {
        long min = Long.MAX_VALUE;
        for (final SigmaDetector d : detectors) {
            min = Math.min(min, d.adoptedGeneration());
        }
        return min == Long.MAX_VALUE ? -1 : min;
    }

    String soc() {
        return soc;
    }

    AtomicReference<IndicatorSet> indicatorSets() {
        return indicators;
    }

    String iocLevel() {
        return iocLevel;
    }

    /** The IoC matchers of the detectors created so far (one per rule worker), for the metrics page. */
    public List<IocMatcher> iocMatchers() {
        final List<IocMatcher> out = new java.util.ArrayList<>(detectors.size());
        for (final SigmaDetector d : detectors) {
            out.add(d.ioc());
        }
        return out;
    }

    @Override
    public Detector create(final int ordinal, final int workers) {
        final CorrelationHook hook = hooks.apply(ordinal);
        final SigmaDetector d = new SigmaDetector(this, ordinal, workers, hook == null ? CorrelationHook.NONE : hook);
        detectors.add(d);
        return d;
    }
}
