package io.vigie.engine.status;

import java.util.Locale;

/** Why an event was dropped (no capacity), as opposed to rejected (bad input). */
public enum DropReason {
    /** The ring had no free slot and the listener's policy is drop (UDP always). */
    RING_FULL,
    /** The kernel dropped datagrams before Vigie could read them (socket receive-queue overflow). */
    KERNEL,
    /** The engine was shutting down. */
    SHUTDOWN,
    /** The connection limit was reached and the frame was refused. */
    CONNECTION_LIMIT;

    private static final DropReason[] VALUES = values();
    private final String label = name().toLowerCase(Locale.ROOT);

    /** Prometheus / CLI label. */
    public String label() {
        return label;
    }

    /** Number of reasons. */
    public static int count() {
        return VALUES.length;
    }

    /** The reason for an ordinal. */
    public static DropReason of(final int ordinal) {
        return VALUES[ordinal];
    }
}
