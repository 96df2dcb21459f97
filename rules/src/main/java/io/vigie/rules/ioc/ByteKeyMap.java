package io.vigie.rules.ioc;

import java.util.Arrays;

/**
 * An open-addressing map from byte-string keys to int values, keys stored back to back in one slab. Filled at build
 * time, then read-only: {@link #get} does not allocate and is safe from any thread once published.
 */
final class ByteKeyMap {
    static final int MISSING = -1;

    private int[] table = new int[16];
    private int mask = 15;
    private int size;
    private int[] hashes = new int[8];
    private int[] offsets = new int[8];
    private int[] lengths = new int[8];
    private int[] values = new int[8];
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
        if (size == values.length) {
            final int n = size * 2;
            hashes = Arrays.copyOf(hashes, n);
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
            values = Arrays.copyOf(values, n);
        }
        if (slabUsed + len > slab.length) {
            slab = Arrays.copyOf(slab, Math.max(slab.length * 2, slabUsed + len));
        }
        System.arraycopy(key, off, slab, slabUsed, len);
        final int e = size++;
        hashes[e] = h;
        offsets[e] = slabUsed;
        lengths[e] = len;
        values[e] = value;
        slabUsed += len;
        insert(e);
    }

    /** The value of a key, or {@link #MISSING}. No allocation. */
    int get(final byte[] key, final int off, final int len) {
        final int e = find(key, off, len, hash(key, off, len));
        return e < 0 ? MISSING : values[e];
    }

    private int find(final byte[] key, final int off, final int len, final int h) {
        for (int i = h & mask; ; i = (i + 1) & mask) {
            final int v = table[i];
            if (v == 0) {
                return -1;
            }
            final int e = v - 1;
            if (hashes[e] == h && lengths[e] == len
                && Arrays.equals(slab, offsets[e], offsets[e] + len, key, off, off + len)) {
                return e;
            }
        }
    }

    private void insert(final int e) {
        int i = hashes[e] & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = e + 1;
    }

    private void rehash(final int n) {
        table = new int[n];
        mask = n - 1;
        for (int e = 0; e < size; e++) {
            insert(e);
        }
    }

    static int hash(final byte[] b, final int off, final int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = off, end = off + len; i < end; i++) {
            h = (h ^ (b[i] & 0xFF)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) (h ^ (h >>> 32));
    }
}
