package io.vigie.ingest.codec.cef;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Open-addressing map from short byte strings (1 to {@link #MAX_KEY_BYTES} bytes) to a 56-bit value, for names that
 * repeat from frame to frame (CEF extension keys, custom-field labels). A key is read as four little-endian words,
 * zero past its end, so a lookup is a multiply-xor hash and up to four long compares: no hashing byte by byte, no
 * array compare, no allocation. Fills up to three quarters of its slots, then {@link #put} refuses (hostile unique
 * keys cannot grow it; the caller then takes its general path). 40 bytes per slot.
 *
 * <pre>
 *   slot (5 longs): | meta: value << 8 | key length | word 0 | word 1 | word 2 | word 3 |
 * </pre>
 *
 * <p>Owned by one decoder thread. {@link #find} remembers the key's words and free slot for the next {@link #put}.
 */
final class ShortKeyCache {
    /** Longest cacheable key. */
    static final int MAX_KEY_BYTES = 32;
    /** Returned by {@link #find} for an absent key. */
    static final long MISSING = -1;

    private static final int STRIDE = 5;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);

    private final long[] table;
    private final int mask;
    private final int limit;
    private int size;

    // The key looked up last, kept for put().
    private long w0;
    private long w1;
    private long w2;
    private long w3;
    private int length;
    private int freeSlot = -1;

    /** @param slots a power of two; at most three quarters of them are filled */
    ShortKeyCache(final int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        table = new long[slots * STRIDE];
        mask = slots - 1;
        limit = slots / 4 * 3;
    }

    /**
     * The value of {@code src[offset, offset + length)}, or {@link #MISSING} (then {@link #put} may store it).
     * A key longer than {@link #MAX_KEY_BYTES} (or empty) is always missing and never stored.
     */
    long find(final byte[] src, final int offset, final int length) {
        freeSlot = -1;
        if (length > MAX_KEY_BYTES || length <= 0) {
            return MISSING;
        }
        final long a = word(src, offset, length);
        final long b = length > 8 ? word(src, offset + 8, length - 8) : 0;
        final long c = length > 16 ? word(src, offset + 16, length - 16) : 0;
        final long d = length > 24 ? word(src, offset + 24, length - 24) : 0;
        // Independent products (no multiply chain); the top bits pick the slot.
        final long h = (a + length) * 0x9E3779B97F4A7C15L ^ b * 0xC2B2AE3D27D4EB4FL
            ^ (c ^ Long.rotateLeft(d, 29)) * 0x165667B19E3779F9L;
        final long[] t = table;
        for (int s = (int) (h >>> 40) & mask; ; s = (s + 1) & mask) {
            final int i = s * STRIDE;
            final long meta = t[i];
            if (meta == 0) {
                w0 = a;
                w1 = b;
                w2 = c;
                w3 = d;
                this.length = length;
                freeSlot = i;
                return MISSING;
            }
            if ((int) (meta & 0xFF) == length && t[i + 1] == a && t[i + 2] == b && t[i + 3] == c
                && t[i + 4] == d) {
                return meta >>> 8;
            }
        }
    }

    /**
     * Stores {@code value} (0 to 2^56 - 1) for the key of the last {@link #find} that returned {@link #MISSING}.
     * Returns false when the key is not cacheable or the cache is full.
     */
    boolean put(final long value) {
        if (freeSlot < 0 || size >= limit) {
            return false;
        }
        final int i = freeSlot;
        table[i] = value << 8 | length;
        table[i + 1] = w0;
        table[i + 2] = w1;
        table[i + 3] = w2;
        table[i + 4] = w3;
        size++;
        freeSlot = -1;
        return true;
    }

    /** Up to 8 bytes at {@code offset} (fewer when {@code remaining < 8}) as a little-endian word, zero-padded. */
    static long word(final byte[] src, final int offset, final int remaining) {
        if (remaining >= Long.BYTES) {
            return (long) LONGS.get(src, offset);
        }
        if (offset + Long.BYTES <= src.length) {
            return (long) LONGS.get(src, offset) & (-1L >>> ((Long.BYTES - remaining) * Byte.SIZE));
        }
        long v = 0;
        for (int i = remaining - 1; i >= 0; i--) {
            v = (v << Byte.SIZE) | (src[offset + i] & 0xFF);
        }
        return v;
    }
}
