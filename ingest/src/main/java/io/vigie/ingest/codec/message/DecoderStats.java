package io.vigie.ingest.codec.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Process-wide counters of message decoding: events decoded per decoder name, and events no decoder recognised per
 * program name ({@code process.name}; {@code -} when the event had none). Counting is lock-free and allocation-free;
 * a program name is copied once, on first sight, and the table is capped at {@link #MAX_PROGRAMS} names, after which
 * new names are counted under {@code other} (so hostile input cannot grow memory).
 */
public final class DecoderStats {
    /** Cap on distinct program names kept for the undecoded counters. */
    public static final int MAX_PROGRAMS = 1000;
    /** Bucket name for programs past the cap. */
    public static final String OTHER = "other";
    /** Bucket name for events without a program name. */
    public static final String NO_PROGRAM = "-";

    private static final int MAX_DECODERS = 256;
    private static final int TABLE = 2048;
    private static final int OTHER_INDEX = 0;
    private static final int NONE_INDEX = 1;

    private static final Object LOCK = new Object();
    private static final AtomicLongArray DECODED = new AtomicLongArray(MAX_DECODERS);
    private static final String[] DECODER_NAMES = new String[MAX_DECODERS];
    private static int decoderCount;

    private static final AtomicReferenceArray<byte[]> KEYS = new AtomicReferenceArray<>(TABLE);
    private static final int[] KEY_INDEX = new int[TABLE];
    private static final String[] PROGRAM_NAMES = new String[MAX_PROGRAMS + 2];
    private static final AtomicLongArray UNDECODED = new AtomicLongArray(MAX_PROGRAMS + 2);
    private static int programCount = 2;

    static {
        PROGRAM_NAMES[OTHER_INDEX] = OTHER;
        PROGRAM_NAMES[NONE_INDEX] = NO_PROGRAM;
    }

    private DecoderStats() {
    }

    /** Registers a decoder name (startup); returns its counter index. The same name gives the same index. */
    static int register(final String name) {
        synchronized (LOCK) {
            for (int i = 0; i < decoderCount; i++) {
                if (DECODER_NAMES[i].equals(name)) {
                    return i;
                }
            }
            if (decoderCount == MAX_DECODERS) {
                return MAX_DECODERS - 1;
            }
            DECODER_NAMES[decoderCount] = name;
            return decoderCount++;
        }
    }

    /** Counts one event decoded by the decoder of that index. */
    static void decoded(final int decoderIndex) {
        DECODED.incrementAndGet(decoderIndex);
    }

    /** Counts one undecoded event of the program {@code b[off, off+len)} (len 0: no program). */
    static void undecoded(final byte[] b, final int off, final int len) {
        UNDECODED.incrementAndGet(len <= 0 ? NONE_INDEX : programIndex(b, off, len));
    }

    private static int hash(final byte[] b, final int off, final int len) {
        int h = 0x811C9DC5;
        for (int i = off; i < off + len; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }

    private static int find(final byte[] b, final int off, final int len, final int h) {
        for (int i = h & (TABLE - 1); ; i = (i + 1) & (TABLE - 1)) {
            final byte[] k = KEYS.get(i);
            if (k == null) {
                return -1;
            }
            if (k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
                return KEY_INDEX[i];
            }
        }
    }

    private static int programIndex(final byte[] b, final int off, final int len0) {
        final int len = Math.min(len0, 64);
        final int h = hash(b, off, len);
        final int found = find(b, off, len, h);
        if (found >= 0) {
            return found;
        }
        synchronized (LOCK) {
            final int again = find(b, off, len, h);
            if (again >= 0) {
                return again;
            }
            if (programCount >= MAX_PROGRAMS + 2) {
                return OTHER_INDEX;
            }
            final int idx = programCount++;
            PROGRAM_NAMES[idx] = new String(b, off, len, StandardCharsets.UTF_8);
            int slot = h & (TABLE - 1);
            while (KEYS.get(slot) != null) {
                slot = (slot + 1) & (TABLE - 1);
            }
            KEY_INDEX[slot] = idx;
            // the volatile store of the key publishes KEY_INDEX[slot] and the name to lock-free readers
            KEYS.set(slot, Arrays.copyOfRange(b, off, off + len));
            return idx;
        }
    }

    /** Events decoded per decoder name, for metrics and tests (allocates; off the event path). */
    public static Map<String, Long> decodedSnapshot() {
        final Map<String, Long> m = new LinkedHashMap<>();
        synchronized (LOCK) {
            for (int i = 0; i < decoderCount; i++) {
                final long v = DECODED.get(i);
                if (v != 0) {
                    m.merge(DECODER_NAMES[i], v, Long::sum);
                }
            }
        }
        return m;
    }

    /** Undecoded events per program name ({@code other} past the cap, {@code -} without program); allocates. */
    public static Map<String, Long> undecodedSnapshot() {
        final Map<String, Long> m = new LinkedHashMap<>();
        synchronized (LOCK) {
            for (int i = 0; i < programCount; i++) {
                final long v = UNDECODED.get(i);
                if (v != 0) {
                    m.put(PROGRAM_NAMES[i], v);
                }
            }
        }
        return m;
    }
}
