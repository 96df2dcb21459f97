package io.vigie.rules.load;

/** The load outcome of one rule document. */
public final class RuleStatus {
    /** Outcome kinds. */
    public enum Kind { OK, UNSUPPORTED, INVALID }

    private final String source;
    private final String id;
    private final String title;
    private final Kind kind;
    private final String reason;

    public RuleStatus(final String source, final String id, final String title, final Kind kind, final String reason) {
        this.source = source;
        this.id = id;
        this.title = title;
        this.kind = kind;
        this.reason = reason;
    }

    /** File path, plus {@code #N} (document number, 1-based) for multi-document files. */
    public String source() {
        return source;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public Kind kind() {
        return kind;
    }

    /** Why the rule is unsupported or invalid (null when OK). */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return source + ": " + kind.name().toLowerCase(java.util.Locale.ROOT) + (reason == null ? "" : ": " + reason);
    }
}
