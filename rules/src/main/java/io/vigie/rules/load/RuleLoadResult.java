package io.vigie.rules.load;

import io.vigie.rules.compile.RuleSet;

import java.util.List;

/** What loading rule files gave: the compiled set, one status per document, and the correlation documents. */
public final class RuleLoadResult {
    private final RuleSet ruleSet;
    private final List<RuleStatus> statuses;
    private final List<RawDocument> correlations;

    /** A result (lists are copied). */
    public RuleLoadResult(final RuleSet ruleSet, final List<RuleStatus> statuses,
                          final List<RawDocument> correlations) {
        this.ruleSet = ruleSet;
        this.statuses = List.copyOf(statuses);
        this.correlations = List.copyOf(correlations);
    }

    /** The compiled detection rules (status OK), indexed in load order. */
    public RuleSet ruleSet() {
        return ruleSet;
    }

    /** One status per detection or filter document (correlation documents get none). */
    public List<RuleStatus> statuses() {
        return statuses;
    }

    /** Documents with a {@code correlation:} section, for the correlation compiler. */
    public List<RawDocument> correlations() {
        return correlations;
    }

    /** Number of statuses of a kind. */
    public int count(final RuleStatus.Kind kind) {
        int n = 0;
        for (final RuleStatus s : statuses) {
            if (s.kind() == kind) {
                n++;
            }
        }
        return n;
    }
}
