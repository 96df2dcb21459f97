package io.vigie.rules.correlation;

import io.vigie.rules.load.RuleStatus;

import java.util.List;

/**
 * An immutable set of compiled correlation rules plus the load status of every correlation document. Built off the
 * event path by {@link CorrelationCompiler}; a worker's {@link CorrelationEngine} adopts a new one at a batch boundary.
 */
public final class CorrelationSet {
    /** No correlations. */
    public static final CorrelationSet EMPTY = new CorrelationSet(List.of(), List.of(), new CorrelationConfig());

    private final List<CorrelationRule> rules;
    private final List<RuleStatus> statuses;
    private final CorrelationConfig config;
    private final boolean[] suppressed;

    CorrelationSet(final List<CorrelationRule> rules, final List<RuleStatus> statuses,
                   final CorrelationConfig config) {
        this.rules = List.copyOf(rules);
        this.statuses = List.copyOf(statuses);
        this.config = config;
        this.suppressed = new boolean[rules.size()];
        final boolean[] referenced = new boolean[rules.size()];
        final boolean[] generated = new boolean[rules.size()];
        for (final CorrelationRule r : rules) {
            for (final int inner : r.innerCorrelations) {
                if (inner >= 0) {
                    referenced[inner] = true;
                    generated[inner] |= r.generate;
                }
            }
        }
        for (int i = 0; i < suppressed.length; i++) {
            suppressed[i] = referenced[i] && !generated[i];
        }
    }

    /** The compiled rules (only those whose status is OK), by index. */
    public List<CorrelationRule> rules() {
        return rules;
    }

    /** One status per correlation document, in document order. */
    public List<RuleStatus> statuses() {
        return statuses;
    }

    /** Settings the set was compiled with. */
    public CorrelationConfig config() {
        return config;
    }

    /** True when a correlation is only the inner part of others that all have {@code generate: false}. */
    public boolean suppressed(final int correlationIndex) {
        return suppressed[correlationIndex];
    }

    public int size() {
        return rules.size();
    }
}
