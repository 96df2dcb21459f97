package io.vigie.rules.correlation;

import io.vigie.engine.alert.Tlp;
import io.vigie.rules.compile.CompiledRule;
import io.vigie.rules.compile.RuleSet;

import java.util.ArrayList;
import java.util.List;

/**
 * What the correlation compiler needs to know about a compiled Sigma detection rule: its index in the rule set and
 * its metadata. Immutable.
 */
public final class BaseRule {
    private final int index;
    private final String id;
    private final String name;
    private final String title;
    private final String level;
    private final String author;
    private final List<String> tags;
    private final Tlp tlp;

    /** A base rule descriptor; {@code id}, {@code name}, {@code level}, {@code author} and {@code tlp} may be null. */
    public BaseRule(final int index, final String id, final String name, final String title, final String level,
                    final String author, final List<String> tags, final Tlp tlp) {
        this.index = index;
        this.id = id;
        this.name = name;
        this.title = title;
        this.level = level;
        this.author = author;
        this.tags = tags == null ? List.of() : List.copyOf(tags);
        this.tlp = tlp;
    }

    /** Descriptors of every rule of a compiled rule set. */
    public static List<BaseRule> of(final RuleSet set) {
        final List<BaseRule> out = new ArrayList<>();
        for (final CompiledRule r : set.rules()) {
            out.add(new BaseRule(r.index(), r.id(), r.name(), r.title(), r.level(), r.author(), r.tags(), r.tlp()));
        }
        return out;
    }

    public int index() {
        return index;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String title() {
        return title;
    }

    public String level() {
        return level;
    }

    public String author() {
        return author;
    }

    public List<String> tags() {
        return tags;
    }

    public Tlp tlp() {
        return tlp;
    }

    /** True when a correlation reference ({@code rules:} entry) names this rule by id or name. */
    public boolean isReferencedBy(final String reference) {
        return reference != null && (reference.equals(id) || reference.equals(name));
    }
}
