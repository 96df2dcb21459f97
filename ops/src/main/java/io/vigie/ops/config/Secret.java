package io.vigie.ops.config;

/**
 * A secret (key, token, password) read from a file or an environment variable when the configuration is loaded.
 * Its {@link #toString()} names only where it came from, never the value, so it is safe to log.
 */
public final class Secret {
    private final String source;
    private final String value;

    Secret(final String source, final String value) {
        this.source = source;
        this.value = value;
    }

    /** The secret value (do not log it). */
    public String value() {
        return value;
    }

    /** Where it came from, e.g. {@code file /etc/vigie/token} or {@code env VIGIE_TOKEN}. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "***(" + source + ")";
    }
}
