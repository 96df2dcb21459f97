package io.vigie.rules.eval;

import io.vigie.engine.detect.Detector;
import io.vigie.engine.detect.DetectorFactory;
import io.vigie.rules.compile.RuleSet;
import io.vigie.rules.correlation.CorrelationHook;

import java.util.function.IntFunction;

/** Creates the Sigma detector of each rule worker; holds the current rule set for hot swaps. */
public final class SigmaDetectorFactory implements DetectorFactory {
    public SigmaDetectorFactory(final RuleSet rules, final String soc) {
    }

    /** Swaps the rule set; workers pick it up at their next batch boundary. */
    public void swap(final RuleSet rules) {
        throw new UnsupportedOperationException("stub");
    }

    /** Sets the per-worker correlation hook factory (before the engine starts). */
    public void correlationHooks(final IntFunction<CorrelationHook> hooks) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public Detector create(final int ordinal, final int workers) {
        throw new UnsupportedOperationException("stub");
    }
}
