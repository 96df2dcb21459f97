package io.vigie.rules.ioc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An open-addressing map from byte-string keys to int values, keys stored back to back in one slab. Filled at build
 * time, then read-only: {@link #get} does not allocate and is safe from any thread once published.
 *
 * <pre>
 *   table[i]   = (32-bit key hash) &lt;&lt; 32 | (entry + 1), 0 = empty; linear probing, at most half full
 *   entries[3e .. 3e + 2] = slab offset, key length, value of entry e
 * </pre>
 *
 * A lookup that misses (most event values miss every indicator) reads one table line: the hash in the slot rejects
 * a different key without touching the entry or the slab. The hash reads the key eight bytes at a time.
 */
final class ByteKeyMap {
    static final int MISSING = -1;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long MUL = 0xff51afd7ed558ccdL;

    private long[] table = new long[16];
    private int mask = 15;
    private int size;
    private int[] entries = new int[3 * 8];
    private byte[] slab = new byte[256];
    private int slabUsed;

    int size() {
        return size;
    }

    /** Adds a key; an existing key keeps its first value. Build time only. */
    void put(final byte[] key, final int off, final int len, final int value) {
        final int h = hash(key, off, len);
        if (find(key, off, len, h) >= 0) {
            return;
        }
        if ((size + 1) * 2 > table.length) {
            rehash(table.length * 2);
        }
        if (3 * size == entries.length) {
            entries = Arrays.copyOf(entries, entries.length * 2);
        }
        if (slabUsed + len > slab.length) {
            slab = Arrays.copyOf(slab, Math.max(slab.length * 2, slabUsed + len));
        }
        System.arraycopy(key, off, slab, slabUsed, len);
        final int e = size++;
        entries[3 * e] = slabUsed;
        entries[3 * e + 1] = len;
        entries[3 * e + 2] = value;
        slabUsed += len;
        insert(((long) h << 32) | (e + 1));
    }

    /** The value of a key, or {@link #MISSING}. No allocation. */
    int get(final byte[] key, final int off, final int len) {
        final int e = find(key, off, len, hash(key, off, len));
        return e < 0 ? MISSING : entries[3 * e + 2];
    }

    private int find(final byte[] key, final int off, final int len, final int h) {
        final long[] t = table;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            final long v = t[i];
            if (v == 0) {
                return -1;
            }
            if ((int) (v >>> 32) == h) {
                final int e = (int) v - 1;
                final int at = entries[3 * e];
                if (entries[3 * e + 1] == len && Arrays.equals(slab, at, at + len, key, off, off + len)) {
                    return e;
                }
            }
        }
    }

    private void insert(final long slot) {
        int i = (int) (slot >>> 32) & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = slot;
    }

    private void rehash(final int n) {
        final long[] old = table;
        table = new long[n];
        mask = n - 1;
        for (final long slot : old) {
            if (slot != 0) {
                insert(slot);
            }
        }
    }

    /** A 32-bit hash of the bytes, eight at a time (the same for equal bytes wherever they sit). */
    static int hash(final byte[] b, final int off, final int len) {
        long h = SEED ^ len;
        int i = off;
        final int end = off + len;
        for (; i + 8 <= end; i += 8) {
            h = Long.rotateLeft((h ^ (long) LONGS.get(b, i)) * MUL, 29);
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
            tail |= (b[i] & 0xFFL) << shift;
        }
        h = (h ^ tail) * MUL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }
}
