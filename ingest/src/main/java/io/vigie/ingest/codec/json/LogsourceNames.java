package io.vigie.ingest.codec.json;

import io.vigie.engine.event.Logsources;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Maps logsource names read from events to {@link Logsources} ids without allocating in the steady state: a small
 * per-decoder cache, filled on first sight of a name. Registration is bounded process-wide ({@link #MAX_REGISTERED})
 * because the registry never shrinks and names come from the wire; past the bound, unknown names map to
 * {@link Logsources#UNKNOWN}. Confined to its decoder's thread.
 */
final class LogsourceNames {
    /** Names longer than this are not logsources. */
    static final int MAX_NAME_BYTES = 64;
    /** Process-wide cap on names registered from event data. */
    static final int MAX_REGISTERED = 1024;

    private static final AtomicInteger REGISTERED = new AtomicInteger();
    private static final int SLOTS = 64;

    private final byte[][] names = new byte[SLOTS][];
    private final int[] ids = new int[SLOTS];
    private int next;

    int id(final byte[] b, final int offset, final int length) {
        if (length == 0 || length > MAX_NAME_BYTES) {
            return Logsources.UNKNOWN;
        }
        for (int i = 0; i < SLOTS; i++) {
            final byte[] n = names[i];
            if (n != null && n.length == length && Arrays.equals(n, 0, length, b, offset, offset + length)) {
                return ids[i];
            }
        }
        if (REGISTERED.get() >= MAX_REGISTERED) {
            return Logsources.UNKNOWN;
        }
        REGISTERED.incrementAndGet();
        final int id = Logsources.id(new String(b, offset, length, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
        final int slot = next;
        next = (next + 1) % SLOTS;
        names[slot] = Arrays.copyOfRange(b, offset, offset + length);
        ids[slot] = id;
        return id;
    }
}
