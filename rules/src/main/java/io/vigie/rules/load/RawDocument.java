package io.vigie.rules.load;

import java.util.Map;

/** One YAML document of a rule file, as loaded (for correlation and filter documents compiled elsewhere). */
public final class RawDocument {
    private final String source;
    private final Map<String, Object> yaml;

    public RawDocument(final String source, final Map<String, Object> yaml) {
        this.source = source;
        this.yaml = yaml;
    }

    /** File path and document number, e.g. {@code rules/x.yml#2}. */
    public String source() {
        return source;
    }

    public Map<String, Object> yaml() {
        return yaml;
    }
}
