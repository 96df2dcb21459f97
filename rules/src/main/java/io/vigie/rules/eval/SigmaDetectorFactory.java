package io.vigie.rules.eval;

import io.vigie.engine.detect.Detector;
import io.vigie.engine.detect.DetectorFactory;
import io.vigie.rules.compile.RuleSet;
import io.vigie.rules.correlation.CorrelationHook;

import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Creates the Sigma detector of each rule worker; holds the current rule set for hot swaps. The set is published
 * through one volatile reference; each worker picks it up at its next batch boundary.
 */
public final class SigmaDetectorFactory implements DetectorFactory {
    private final String soc;
    private volatile RuleSet rules;
    private volatile IntFunction<CorrelationHook> hooks = ordinal -> CorrelationHook.NONE;

    /** A factory for rule workers of SOC node {@code soc}, starting with {@code rules}. */
    public SigmaDetectorFactory(final RuleSet rules, final String soc) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.soc = soc;
    }

    /** Swaps the rule set; workers pick it up at their next batch boundary. */
    public void swap(final RuleSet newRules) {
        this.rules = Objects.requireNonNull(newRules, "rules");
    }

    /** Sets the per-worker correlation hook factory (before the engine starts); the default wants nothing. */
    public void correlationHooks(final IntFunction<CorrelationHook> newHooks) {
        this.hooks = Objects.requireNonNull(newHooks, "hooks");
    }

    /** The current rule set. */
    public RuleSet ruleSet() {
        return rules;
    }

    String soc() {
        return soc;
    }

    @Override
    public Detector create(final int ordinal, final int workers) {
        final CorrelationHook hook = hooks.apply(ordinal);
        return new SigmaDetector(this, ordinal, workers, hook == null ? CorrelationHook.NONE : hook);
    }
}
