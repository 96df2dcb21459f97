package io.vigie.rules.load;

import io.vigie.rules.compile.RuleSet;

import java.util.List;

/** What loading rule files gave: the compiled set, one status per document, and the correlation documents. */
public final class RuleLoadResult {
    public RuleSet ruleSet() {
        throw new UnsupportedOperationException("stub");
    }

    public List<RuleStatus> statuses() {
        throw new UnsupportedOperationException("stub");
    }

    /** Documents with a {@code correlation:} section, for the correlation compiler. */
    public List<RawDocument> correlations() {
        throw new UnsupportedOperationException("stub");
    }
}
