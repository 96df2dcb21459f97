package io.vigie.rules.compile;

import java.util.List;

/**
 * A compiled Sigma global filter (Sigma filters specification v2.1): the rules it tunes (by id or name) and the
 * condition whose matches those rules must no longer report ({@code rule and not filter}, as pySigma applies it).
 */
public final class CompiledFilter {
    private final String source;
    private final List<String> rules;
    final Matchers.Node condition;

    CompiledFilter(final String source, final List<String> rules, final Matchers.Node condition) {
        this.source = source;
        this.rules = List.copyOf(rules);
        this.condition = condition;
    }

    public String source() {
        return source;
    }

    /** Ids or names of the rules this filter applies to. */
    public List<String> rules() {
        return rules;
    }
}
