package io.vigie.rules.compile;

import io.vigie.engine.alert.Tlp;
import io.vigie.engine.ring.TelemetryEvent;

import java.util.List;

/** A Sigma detection rule compiled to matchers. Immutable, shared by all rule workers. */
public final class CompiledRule {
    public int index() {
        throw new UnsupportedOperationException("stub");
    }

    public String id() {
        throw new UnsupportedOperationException("stub");
    }

    public String name() {
        throw new UnsupportedOperationException("stub");
    }

    public String title() {
        throw new UnsupportedOperationException("stub");
    }

    /** Sigma level. */
    public String level() {
        throw new UnsupportedOperationException("stub");
    }

    public String author() {
        throw new UnsupportedOperationException("stub");
    }

    public List<String> tags() {
        throw new UnsupportedOperationException("stub");
    }

    /** TLP from {@code tlp.*} tags, or null. */
    public Tlp tlp() {
        throw new UnsupportedOperationException("stub");
    }

    /** True when the rule's logsource applies to the event and its detection matches. Event path. */
    public boolean matches(final TelemetryEvent event) {
        throw new UnsupportedOperationException("stub");
    }
}
