package io.vigie.engine.ring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replay provenance: the input files of a replay, by index, so an event carries a small int
 * ({@link TelemetryEvent#sourceFile}) and an alert can name its evidence as {@code "<file basename>:<line>"}.
 */
public final class SourceFiles {
    private static final List<String> NAMES = new ArrayList<>();

    private SourceFiles() {
    }

    /** Registers a file and returns its index. */
    public static synchronized int register(final Path file) {
        final Path name = file.getFileName();
        NAMES.add(name == null ? file.toString() : name.toString());
        return NAMES.size() - 1;
    }

    /** Registers a display name (e.g. {@code -} for stdin) and returns its index. */
    public static synchronized int register(final String name) {
        NAMES.add(name);
        return NAMES.size() - 1;
    }

    /** The basename of a file index, or null. */
    public static synchronized String name(final int index) {
        return index >= 0 && index < NAMES.size() ? NAMES.get(index) : null;
    }

    /**
     * The evidence reference of an event: {@code "<file>:<line>"} for replayed events, the raw-journal position
     * otherwise. Allocates (alert path only).
     */
    public static String evidence(final TelemetryEvent event) {
        final String file = event.sourceFile >= 0 ? name(event.sourceFile) : null;
        if (file != null) {
            return file + ":" + event.sourceLine;
        }
        return Long.toString(event.seq);
    }
}
