package io.vigie.rules.load;

import io.vigie.rules.RuleConfig;

import java.nio.file.Path;
import java.util.List;

/** Loads Sigma rule files (single and multi-document YAML; directories recursively). */
public final class RuleSetLoader {
    private RuleSetLoader() {
    }

    /** Loads and compiles rules from files and directories; never throws for a bad rule (see statuses). */
    public static RuleLoadResult load(final List<Path> paths, final RuleConfig config) {
        throw new UnsupportedOperationException("stub");
    }

    /** Loads the bundled rule pack from the classpath. */
    public static RuleLoadResult loadBundled(final RuleConfig config) {
        throw new UnsupportedOperationException("stub");
    }
}
