package io.vigie.rules.compile;

import java.util.List;

/** An immutable set of compiled rules; swapped whole on reload. */
public final class RuleSet {
    public List<CompiledRule> rules() {
        throw new UnsupportedOperationException("stub");
    }

    public int size() {
        return rules().size();
    }
}
