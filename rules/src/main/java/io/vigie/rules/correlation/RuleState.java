package io.vigie.rules.correlation;

import java.util.Arrays;

/**
 * Window state of one correlation rule on one worker: group keys in a primitive open-addressing table (linear
 * probing, backward-shift deletion) whose key bytes live in one slab, an LRU list over key slots for eviction at the
 * key cap, and per key slot a bag of window entries and the incident (alert) status.
 *
 * <pre>
 *   entry j of a slot, in entries[slot][j * STRIDE ..]:
 *   +--------------+--------------------------------+-----------+--------------------------------+
 *   | time (nanos) | aux: value hash | double bits  | raw seq   | (sourceFile + 1) &lt;&lt; 40 | line |
 *   |              |      | rule position           |           |                                |
 *   +--------------+--------------------------------+-----------+--------------------------------+
 *
 *   group key bytes in slab[keyOff[slot] .. +keyLen[slot]]: per group-by field, u16 length (0xFFFF = absent) + bytes
 * </pre>
 *
 * <p>Owned by the rule-worker thread. Slot arrays grow by doubling up to the key cap and are then reused; growth is
 * rare and counted in {@link #growths}.
 */
final class RuleState {
    static final int STRIDE = 4;
    static final long NO_TIMER = -1;
    private static final int INITIAL_SLOTS = 64;
    private static final int INITIAL_ENTRIES = 4;
    private static final long LINE_MASK = (1L << 40) - 1;

    CorrelationRule rule;
    final int capacity;
    final int maxKeys;
    boolean restarted;

    // key index
    private int[] table;
    private int mask;
    int size;
    int allocated;
    int[] slotHash;
    int[] keyOff;
    int[] keyLen;
    byte[] slab;
    private int slabUsed;
    private int slabLive;
    // LRU: head = oldest touched
    private int[] prev;
    private int[] next;
    private int lruHead = -1;
    private int lruTail = -1;
    private int[] freeNext;
    private int freeHead = -1;
    // windows
    long[][] entries;
    int[] count;
    long[] maxTime;
    int[] late;
    long[] valueEvictedAt;
    int[] tlpMax;
    long[] timerId;
    // incidents
    boolean[] active;
    String[] incidentId;
    long[] incCount;
    long[] incEmitted;
    long[] incFirst;
    long[] incLast;
    long[] incLastEmit;
    double[] lastMetric;

    long lastKeyEvictionAt = Long.MIN_VALUE;
    long keyEvictions;
    long valueEvictions;
    long saturated;
    long lateEvents;
    long lateDropped;
    long skippedNoValue;
    long growths;

    RuleState(final CorrelationRule rule) {
        this.rule = rule;
        this.capacity = rule.slotCapacity;
        this.maxKeys = rule.maxKeys;
        final int slots = Math.min(INITIAL_SLOTS, maxKeys);
        table = new int[tableSizeFor(slots)];
        mask = table.length - 1;
        slab = new byte[slots * 32];
        resize(slots);
    }

    private static int tableSizeFor(final int slots) {
        int n = 16;
        while (n < slots * 2) {
            n <<= 1;
        }
        return n;
    }

    private void resize(final int slots) {
        final int old = allocated;
        slotHash = Arrays.copyOf(slotHash == null ? new int[0] : slotHash, slots);
        keyOff = Arrays.copyOf(keyOff == null ? new int[0] : keyOff, slots);
        keyLen = Arrays.copyOf(keyLen == null ? new int[0] : keyLen, slots);
        prev = Arrays.copyOf(prev == null ? new int[0] : prev, slots);
        next = Arrays.copyOf(next == null ? new int[0] : next, slots);
        freeNext = Arrays.copyOf(freeNext == null ? new int[0] : freeNext, slots);
        entries = Arrays.copyOf(entries == null ? new long[0][] : entries, slots);
        count = Arrays.copyOf(count == null ? new int[0] : count, slots);
        maxTime = Arrays.copyOf(maxTime == null ? new long[0] : maxTime, slots);
        late = Arrays.copyOf(late == null ? new int[0] : late, slots);
        valueEvictedAt = Arrays.copyOf(valueEvictedAt == null ? new long[0] : valueEvictedAt, slots);
        tlpMax = Arrays.copyOf(tlpMax == null ? new int[0] : tlpMax, slots);
        timerId = Arrays.copyOf(timerId == null ? new long[0] : timerId, slots);
        active = Arrays.copyOf(active == null ? new boolean[0] : active, slots);
        incidentId = Arrays.copyOf(incidentId == null ? new String[0] : incidentId, slots);
        incCount = Arrays.copyOf(incCount == null ? new long[0] : incCount, slots);
        incEmitted = Arrays.copyOf(incEmitted == null ? new long[0] : incEmitted, slots);
        incFirst = Arrays.copyOf(incFirst == null ? new long[0] : incFirst, slots);
        incLast = Arrays.copyOf(incLast == null ? new long[0] : incLast, slots);
        incLastEmit = Arrays.copyOf(incLastEmit == null ? new long[0] : incLastEmit, slots);
        lastMetric = Arrays.copyOf(lastMetric == null ? new double[0] : lastMetric, slots);
        for (int i = slots - 1; i >= old; i--) {
            keyLen[i] = -1;
            timerId[i] = NO_TIMER;
            freeNext[i] = freeHead;
            freeHead = i;
        }
        allocated = slots;
        if (table.length < slots * 2) {
            table = new int[tableSizeFor(slots)];
            mask = table.length - 1;
            for (int s = 0; s < slots; s++) {
                if (keyLen[s] >= 0) {
                    insertIndex(s);
                }
            }
        }
    }

    /** The slot holding this key, or -1. No allocation. */
    int find(final byte[] key, final int len, final int hash) {
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            final int v = table[i];
            if (v == 0) {
                return -1;
            }
            final int s = v - 1;
            if (slotHash[s] == hash && keyLen[s] == len
                && Arrays.equals(slab, keyOff[s], keyOff[s] + len, key, 0, len)) {
                return s;
            }
        }
    }

    /** Adds a key (the caller made room when {@link #size} reached {@link #maxKeys}); returns its slot. */
    int add(final byte[] key, final int len, final int hash) {
        if (freeHead < 0) {
            resize(Math.min(maxKeys, Math.max(allocated * 2, 1)));
            growths++;
        }
        final int s = freeHead;
        freeHead = freeNext[s];
        if (slabUsed + len > slab.length) {
            compactSlab(len);
        }
        System.arraycopy(key, 0, slab, slabUsed, len);
        keyOff[s] = slabUsed;
        keyLen[s] = len;
        slabUsed += len;
        slabLive += len;
        slotHash[s] = hash;
        insertIndex(s);
        size++;
        // LRU append at tail (newest)
        prev[s] = lruTail;
        next[s] = -1;
        if (lruTail >= 0) {
            next[lruTail] = s;
        } else {
            lruHead = s;
        }
        lruTail = s;
        count[s] = 0;
        maxTime[s] = Long.MIN_VALUE;
        late[s] = 0;
        valueEvictedAt[s] = Long.MIN_VALUE;
        tlpMax[s] = 0;
        timerId[s] = NO_TIMER;
        active[s] = false;
        incidentId[s] = null;
        if (entries[s] == null) {
            entries[s] = new long[Math.min(capacity, INITIAL_ENTRIES) * STRIDE];
        }
        if (rule.type == CorrelationType.TEMPORAL_ORDERED) {
            for (int k = 0; k < capacity; k++) {
                final int o = k * STRIDE;
                ensureEntries(s, k + 1);
                entries[s][o] = Long.MIN_VALUE;
                entries[s][o + 1] = k;
            }
            count[s] = capacity;
        }
        return s;
    }

    private void compactSlab(final int need) {
        final int newLength = slabLive + need > slab.length / 2 ? Math.max(slab.length * 2, slabLive + need)
            : slab.length;
        final byte[] dst = new byte[newLength];
        int p = 0;
        for (int s = 0; s < allocated; s++) {
            if (keyLen[s] >= 0) {
                System.arraycopy(slab, keyOff[s], dst, p, keyLen[s]);
                keyOff[s] = p;
                p += keyLen[s];
            }
        }
        slab = dst;
        slabUsed = p;
        growths++;
    }

    private void insertIndex(final int s) {
        int i = slotHash[s] & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = s + 1;
    }

    /** Marks a slot as most recently touched. */
    void touch(final int s) {
        if (s == lruTail) {
            return;
        }
        unlink(s);
        prev[s] = lruTail;
        next[s] = -1;
        next[lruTail] = s;
        lruTail = s;
    }

    private void unlink(final int s) {
        final int p = prev[s];
        final int n = next[s];
        if (p >= 0) {
            next[p] = n;
        } else {
            lruHead = n;
        }
        if (n >= 0) {
            prev[n] = p;
        } else {
            lruTail = p;
        }
    }

    /** The oldest-touched slot, or -1 when empty. */
    int oldest() {
        return lruHead;
    }

    /** Removes a key and frees its slot (its entry array is kept for reuse). */
    void remove(final int s) {
        int i = slotHash[s] & mask;
        while (table[i] != s + 1) {
            i = (i + 1) & mask;
        }
        // backward-shift deletion keeps probe sequences intact without tombstones
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            final int v = table[j];
            if (v == 0) {
                break;
            }
            final int ideal = slotHash[v - 1] & mask;
            final boolean movable = i <= j ? (ideal <= i || ideal > j) : (ideal <= i && ideal > j);
            if (movable) {
                table[i] = v;
                i = j;
            }
        }
        table[i] = 0;
        unlink(s);
        slabLive -= keyLen[s];
        keyLen[s] = -1;
        active[s] = false;
        incidentId[s] = null;
        timerId[s] = NO_TIMER;
        count[s] = 0;
        freeNext[s] = freeHead;
        freeHead = s;
        size--;
    }

    /** Makes room for {@code n} entries in a slot (bounded by {@link #capacity}). */
    void ensureEntries(final int s, final int n) {
        if (entries[s].length < n * STRIDE) {
            entries[s] = Arrays.copyOf(entries[s], Math.min(capacity, Math.max(n, entries[s].length / STRIDE * 2))
                * STRIDE);
            growths++;
        }
    }

    static long packSource(final int sourceFile, final long sourceLine) {
        return ((long) (sourceFile + 1) << 40) | (sourceLine & LINE_MASK);
    }

    static int sourceFile(final long packed) {
        return (int) (packed >>> 40) - 1;
    }

    static long sourceLine(final long packed) {
        return packed & LINE_MASK;
    }
}
