package io.vigie.ops.cli;

/** A command failed for a reason the user can fix; printed as {@code vigie: <message>} with an exit code. */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(final int exitCode, final String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
