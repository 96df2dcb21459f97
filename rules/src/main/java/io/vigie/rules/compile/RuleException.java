package io.vigie.rules.compile;

/** Why a rule document could not be compiled: unsupported (valid Sigma we do not handle) or invalid. */
public final class RuleException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean unsupported;

    RuleException(final boolean unsupported, final String reason) {
        super(reason, null, false, false);
        this.unsupported = unsupported;
    }

    static RuleException unsupported(final String reason) {
        return new RuleException(true, reason);
    }

    static RuleException invalid(final String reason) {
        return new RuleException(false, reason);
    }

    /** True for valid Sigma that this engine does not support; false for an invalid rule. */
    public boolean unsupported() {
        return unsupported;
    }
}
