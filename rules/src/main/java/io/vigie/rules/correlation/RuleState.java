package io.vigie.rules.correlation;

import java.util.Arrays;

/**
 * Window state of one correlation rule on one worker: group keys in a primitive open-addressing table (linear
 * probing, backward-shift deletion), one compact hot record per key slot (all a matching event reads or writes,
 * besides the window entries of non-ring rules), and cold per-slot arrays read when an alert is emitted, a key is
 * removed or re-indexed, a timer is set or fires, an event is late, or a value-count window changes.
 *
 * <p><b>Misses per event.</b> A short key (at most {@link #INLINE_KEY} encoded bytes: any IPv4 text) lives in the
 * record itself, so an exact event_count event touches the table slot, then only its record, whose lines are all
 * addressed from the slot alone (no pointer to follow: no slab, no head index read before the window), so they
 * miss in parallel: two dependent misses in all (table, record).
 *
 * <pre>
 *   table[i]: (key hash &amp; ~slotMask) | (slot + 1), 0 = empty, slotMask = the bits of maxKeys: a probe compares
 *             the hash bits above the slot bits (a tag; 15 bits at the default 100k keys) without touching records
 *
 *   hot record of a slot, hot[ORIGIN + slot * stride ..] (constants below include ORIGIN):
 *   +0 META   | count (32-63) | USED 26, REFERENCED 25, ACTIVE 24 | tlpMax (16-23) | TIMED 15 | keyLen (0-14) |
 *   +1..+3 KEY| keyLen &lt;= INLINE_KEY: the key bytes, little-endian, zero past keyLen; else +1 = slab offset   |
 *   +4 MAX    | newest event time of the group (nanos)                                                      |
 *   +5 INC_COUNT, +6 INC_LAST, +7 INC_LAST_EMIT: the open incident's count, last seen and last emission      |
 *   other rules (stride 9):                                                                                 |
 *   +8 METRIC | bits of the last metric (double)                                                            |
 *   ring rules (exact event_count, capacity &lt;= MAX_RING; width = capacity rounded up to 8; stride 8 + 2 * width):
 *   +8 ..     | the window's event times, a circular buffer of width positions: count (META 32-63) times in  |
 *             | ascending order from position head (META 27-31), wrapping; dropping the oldest moves head    |
 *   seqAt ..  | the seq at each position (the line(s) after the times; sources in ringSource[slot * width +  |
 *             | position], allocated on the rule's first event read from a file), read only for evidence    |
 *             | the metric is not stored: lastMetric() counts the times at or after MAX - timespan           |
 *   cold:     keyHashes[slot] (table rebuild, removal), timerIds[slot] (TIMED says whether one is armed)      |
 *
 *   At 10k keys and capacity 7 a ring record is 24 longs = 3 lines; the array is then over 2 MB, humongous under
 *   G1 and region-aligned, so with ORIGIN each record is exactly 3 cache lines (META+key+incident, times, seqs).
 *
 *   other rules, entry j of a slot, in entries[slot][j * STRIDE ..]:
 *   +--------------+--------------------------------+-----------+--------------------------------+
 *   | time (nanos) | aux: value hash | double bits  | raw seq   | (sourceFile + 1) &lt;&lt; 40 | line |
 *   |              |      | rule position           |           |                                |
 *   +--------------+--------------------------------+-----------+--------------------------------+
 *
 *   group key encoding (inline or in slab[keyOff .. +keyLen]): per group-by field, u16 big-endian length
 *   (0xFFFF = absent) + bytes
 *
 *   value_count only: per slot an index of its distinct values, valueIndex[slot][h &amp; mask] = entry + 1 (linear
 *   probing on the value hash, at most half full), and the window count kept incrementally (see metric fields)
 * </pre>
 *
 * <p><b>Key cap.</b> When {@code maxKeys} keys are live, {@link #victim} picks the key to evict with CLOCK: a hand
 * sweeps the slots in order, clearing the REFERENCED bit that every event but a key's first sets, and evicts the
 * first key not touched since the hand last passed it (or, for a new key, since it was added). So a flood of keys
 * seen once evicts them in turn (FIFO), while a key that keeps seeing events survives every sweep; the cost is one
 * bit in the hot record instead of an LRU list's four random writes per event, and the hand's amortized O(1) steps.
 *
 * <p>Owned by the rule-worker thread. Slot arrays grow by doubling up to the key cap and are then reused; growth is
 * rare and counted in {@link #growths}.
 */
final class RuleState {
    static final int STRIDE = 4;
    static final long NO_TIMER = -1;
    static final int HOT = 8;
    /**
     * Longs before record 0 in {@link #hot}: 16-byte array header + 6 longs = 64 bytes, so records of a multiple of 8
     * longs start on a cache line when the array does (G1 starts a humongous array, one of half a region or more, on
     * a region boundary; smaller arrays are only 8-byte aligned, which costs one line more per record at worst).
     */
    static final int ORIGIN = 6;
    static final int META = ORIGIN;
    /** Key words: the key bytes inline when at most {@link #INLINE_KEY} long, else the slab offset (first word). */
    static final int KEY = ORIGIN + 1;
    static final int MAX = ORIGIN + 4;
    static final int INC_COUNT = ORIGIN + 5;
    static final int INC_LAST = ORIGIN + 6;
    static final int INC_LAST_EMIT = ORIGIN + 7;
    /** Other rules only: bits of the last metric (double). Ring rules derive it from the ring. */
    static final int METRIC = ORIGIN + 8;
    /** Longest key kept inline in the hot record (3 words: any IPv4 text with its u16 length). */
    static final int INLINE_KEY = 24;
    /** First window time of a ring record (exact event_count): {@code capacity} times follow. */
    static final int RING = ORIGIN + 8;
    /** Most window times kept inline in the hot record (the ring); larger windows use entry arrays. */
    static final int MAX_RING = 16;
    static final long KEY_LEN_MASK = 0x7FFF;
    /** The slot has a live expiry timer (its id in {@link #timerIds}). */
    static final long TIMED = 1L << 15;
    static final int TLP_SHIFT = 16;
    static final long TLP_MASK = 0xFFL << TLP_SHIFT;
    static final long ACTIVE = 1L << 24;
    static final long REFERENCED = 1L << 25;
    static final long USED = 1L << 26;
    /** Ring rules: the position of the oldest window time (bits 27-31 of META, below the count). */
    static final int HEAD_SHIFT = 27;
    static final long HEAD_MASK = 0x1FL << HEAD_SHIFT;
    static final int COUNT_SHIFT = 32;
    static final long COUNT_MASK = 0xFFFF_FFFF_0000_0000L;
    private static final long LOW_MASK = 0xFFFF_FFFFL;
    private static final int INITIAL_SLOTS = 64;
    private static final int INITIAL_ENTRIES = 4;
    private static final long LINE_MASK = (1L << 40) - 1;

    CorrelationRule rule;
    /** Ring rules: whether the condition holds for each possible count 0..capacity (the condition precomputed). */
    boolean[] holdsAt;
    final int capacity;
    final int maxKeys;
    final boolean valueCount;
    /** Exact event_count with a small threshold: window times inline in the hot record, sorted (see class doc). */
    final boolean ring;
    /** Longs per hot record: {@link #HOT}, plus {@link #capacity} ring times when {@link #ring}. */
    final int stride;
    /** Ring rules: offset in a record of the seqs of the ring positions (the line(s) after the times). */
    final int seqAt;
    /** Ring rules: positions in a record's circular buffer (capacity rounded up to a power of two, 8 or 16). */
    final int ringWidth;
    /** {@link #ringWidth} - 1. */
    final int ringMask;
    boolean restarted;
    /** The hot records reached the engine's match-pipeline threshold (set once by the engine, never cleared). */
    boolean pipelined;

    // key index
    int[] table;
    int mask;
    /** Low bits of a table entry holding slot + 1; the other bits hold the same bits of the key hash (a tag). */
    final int slotMask;
    int size;
    int allocated;
    byte[] slab;
    /** Per slot: the key hash (read when the key table is rebuilt or a key removed). */
    int[] keyHashes;
    /** Per slot: the id of the group's expiry timer, or {@link #NO_TIMER} (then TIMED is clear). */
    long[] timerIds;
    /** Scratch for {@link #keyArray} of an inline key. */
    private final byte[] keyOut = new byte[INLINE_KEY];
    private int slabUsed;
    private int slabLive;
    private int[] freeNext;
    private int freeHead = -1;
    private int hand;
    // hot records
    long[] hot;
    // cold, per slot
    /**
     * Ring rules: packed source of ring position p of a slot at [slot * ringWidth + p]; null (all "no file") until
     * needed.
     */
    long[] ringSource;
    /** Other rules only (null for ring rules): window entries, and when a value was last evicted. */
    long[][] entries;
    int[] late;
    long[] valueEvictedAt;
    String[] incidentId;
    long[] incEmitted;
    long[] incFirst;
    // value_count only: distinct-value index and incremental window count
    int[][] valueIndex;
    /** Entries older than {@link #valueFrom} (not in the window any more). */
    int[] valueBelow;
    /** Lower bound of the times of the entries at or after {@link #valueFrom}. */
    long[] valueLow;
    /** The window start the two above refer to. */
    long[] valueFrom;

    long lastKeyEvictionAt = Long.MIN_VALUE;
    long keyEvictions;
    long valueEvictions;
    long saturated;
    long lateEvents;
    long lateDropped;
    long skippedNoValue;
    long growths;

    RuleState(final CorrelationRule rule) {
        this.capacity = rule.slotCapacity;
        this.maxKeys = rule.maxKeys;
        this.valueCount = rule.type == CorrelationType.VALUE_COUNT;
        this.ring = rule.type == CorrelationType.EVENT_COUNT && rule.bucketNanos == 0 && capacity <= MAX_RING;
        final int lines = (capacity + 7) & ~7;
        this.stride = ring ? HOT + 2 * lines : HOT + 1;
        this.seqAt = RING + lines;
        this.ringWidth = ring ? lines : 0;
        this.ringMask = ring ? lines - 1 : 0;
        rebindRule(rule);
        final int slots = Math.min(INITIAL_SLOTS, maxKeys);
        slotMask = -1 >>> Integer.numberOfLeadingZeros(maxKeys);
        table = new int[tableSizeFor(slots)];
        mask = table.length - 1;
        slab = new byte[slots * 32];
        resize(slots);
    }

    /** Adopts a (compatible) rule: a reload may change the condition, not the layout. */
    void rebindRule(final CorrelationRule r) {
        rule = r;
        if (ring) {
            final boolean[] h = new boolean[capacity + 1];
            for (int m = 0; m <= capacity; m++) {
                h[m] = r.condition != null ? r.condition.test(m) : m >= r.references.size();
            }
            holdsAt = h;
        }
    }

    /** Allocates {@link #ringSource} on the rule's first event with a source file (rare, counted). */
    long[] ringSource() {
        if (ringSource == null) {
            ringSource = new long[allocated * ringWidth];
            growths++;
        }
        return ringSource;
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
        hot = Arrays.copyOf(hot == null ? new long[0] : hot, ORIGIN + slots * stride);
        if (ring && ringSource != null) {
            ringSource = Arrays.copyOf(ringSource, slots * ringWidth);
        }
        freeNext = Arrays.copyOf(freeNext == null ? new int[0] : freeNext, slots);
        keyHashes = Arrays.copyOf(keyHashes == null ? new int[0] : keyHashes, slots);
        timerIds = Arrays.copyOf(timerIds == null ? new long[0] : timerIds, slots);
        if (!ring) {
            entries = Arrays.copyOf(entries == null ? new long[0][] : entries, slots);
            valueEvictedAt = Arrays.copyOf(valueEvictedAt == null ? new long[0] : valueEvictedAt, slots);
        }
        late = Arrays.copyOf(late == null ? new int[0] : late, slots);
        incidentId = Arrays.copyOf(incidentId == null ? new String[0] : incidentId, slots);
        incEmitted = Arrays.copyOf(incEmitted == null ? new long[0] : incEmitted, slots);
        incFirst = Arrays.copyOf(incFirst == null ? new long[0] : incFirst, slots);
        if (valueCount) {
            valueIndex = Arrays.copyOf(valueIndex == null ? new int[0][] : valueIndex, slots);
            valueBelow = Arrays.copyOf(valueBelow == null ? new int[0] : valueBelow, slots);
            valueLow = Arrays.copyOf(valueLow == null ? new long[0] : valueLow, slots);
            valueFrom = Arrays.copyOf(valueFrom == null ? new long[0] : valueFrom, slots);
        }
        for (int i = slots - 1; i >= old; i--) {
            timerIds[i] = NO_TIMER;
            freeNext[i] = freeHead;
            freeHead = i;
        }
        allocated = slots;
        if (table.length < slots * 2) {
            table = new int[tableSizeFor(slots)];
            mask = table.length - 1;
            for (int s = 0; s < slots; s++) {
                if (used(s)) {
                    insertIndex(s);
                }
            }
        }
    }

    // --- hot record accessors (off the per-event path the engine reads hot[] directly) --------------------------

    boolean used(final int s) {
        return (hot[s * stride + META] & USED) != 0;
    }

    int keyLen(final int s) {
        return (int) (hot[s * stride + META] & KEY_LEN_MASK);
    }

    /** Slab offset of a key longer than {@link #INLINE_KEY}. */
    int keyOff(final int s) {
        return (int) (hot[s * stride + KEY] & LOW_MASK);
    }

    int keyHash(final int s) {
        return keyHashes[s];
    }

    /** The array holding a slot's key bytes from {@link #keyOffset}: the slab, or a scratch copy of an inline key. */
    byte[] keyArray(final int s) {
        final int len = keyLen(s);
        if (len > INLINE_KEY) {
            return slab;
        }
        final int h = s * stride + KEY;
        for (int i = 0; i < len; i++) {
            keyOut[i] = (byte) (hot[h + (i >>> 3)] >>> ((i & 7) << 3));
        }
        return keyOut;
    }

    /** Offset of a slot's key bytes in {@link #keyArray}. */
    int keyOffset(final int s) {
        return keyLen(s) > INLINE_KEY ? keyOff(s) : 0;
    }

    /** Little-endian word {@code k} of key bytes b[0, len), zero past len. */
    static long keyWord(final byte[] b, final int len, final int k) {
        long w = 0;
        for (int i = Math.min(len, (k + 1) << 3) - 1; i >= k << 3; i--) {
            w = (w << 8) | (b[i] & 0xFF);
        }
        return w;
    }

    int count(final int s) {
        return (int) (hot[s * stride + META] >>> COUNT_SHIFT);
    }

    void count(final int s, final int n) {
        final int m = s * stride + META;
        hot[m] = (hot[m] & LOW_MASK) | ((long) n << COUNT_SHIFT);
    }

    boolean active(final int s) {
        return (hot[s * stride + META] & ACTIVE) != 0;
    }

    void active(final int s, final boolean on) {
        final int m = s * stride + META;
        hot[m] = on ? hot[m] | ACTIVE : hot[m] & ~ACTIVE;
    }

    int tlpMax(final int s) {
        return (int) ((hot[s * stride + META] & TLP_MASK) >>> TLP_SHIFT);
    }

    long maxTime(final int s) {
        return hot[s * stride + MAX];
    }

    long timerId(final int s) {
        return timerIds[s];
    }

    void timerId(final int s, final long id) {
        timerIds[s] = id;
        final int m = s * stride + META;
        hot[m] = id != NO_TIMER ? hot[m] | TIMED : hot[m] & ~TIMED;
    }

    /**
     * The metric of the slot's last event. Ring rules derive it (the ring has not changed since): the times at or
     * after the newest time minus the timespan.
     */
    double lastMetric(final int s) {
        final int h = s * stride;
        if (!ring) {
            return Double.longBitsToDouble(hot[h + METRIC]);
        }
        final long from = hot[h + MAX] - rule.timespanNanos;
        final long meta = hot[h + META];
        final int n = (int) (meta >>> COUNT_SHIFT);
        int k = 0;
        for (int j = 0; j < n; j++) {
            if (hot[ringTime(h, meta, j)] >= from) {
                k++;
            }
        }
        return k;
    }

    /** Ring rules: index in {@link #hot} of window time j (0 = oldest) of the record at h, whose META is meta. */
    int ringTime(final int h, final long meta, final int j) {
        return h + RING + ringPosition(meta, j);
    }

    /** Ring rules: the circular position of window time j (0 = oldest) given the record's META. */
    int ringPosition(final long meta, final int j) {
        return ((int) (meta >>> HEAD_SHIFT) + j) & ringMask;
    }

    // --- keys ---------------------------------------------------------------------------------------------------

    /** The slot holding this key, or -1. No allocation. */
    int find(final byte[] key, final int len, final int hash) {
        final int tag = hash & ~slotMask;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            final int v = table[i];
            if (v == 0) {
                return -1;
            }
            if ((v & ~slotMask) == tag) {
                final int s = (v & slotMask) - 1;
                if (keyLen(s) == len && sameKey(s, key, len)) {
                    return s;
                }
            }
        }
    }

    private boolean sameKey(final int s, final byte[] key, final int len) {
        if (len > INLINE_KEY) {
            final int off = keyOff(s);
            return Arrays.equals(slab, off, off + len, key, 0, len);
        }
        final int h = s * stride + KEY;
        return hot[h] == keyWord(key, len, 0) && hot[h + 1] == keyWord(key, len, 1)
            && hot[h + 2] == keyWord(key, len, 2);
    }

    /** Adds a key (the caller made room when {@link #size} reached {@link #maxKeys}); returns its slot. */
    int add(final byte[] key, final int len, final int hash) {
        if (freeHead < 0) {
            resize(Math.min(maxKeys, Math.max(allocated * 2, 1)));
            growths++;
        }
        final int s = freeHead;
        freeHead = freeNext[s];
        final int h = s * stride;
        if (len > INLINE_KEY) {
            if (slabUsed + len > slab.length) {
                compactSlab(len);
            }
            System.arraycopy(key, 0, slab, slabUsed, len);
            hot[h + KEY] = slabUsed;
            hot[h + KEY + 1] = 0;
            hot[h + KEY + 2] = 0;
            slabUsed += len;
            slabLive += len;
        } else {
            hot[h + KEY] = keyWord(key, len, 0);
            hot[h + KEY + 1] = keyWord(key, len, 1);
            hot[h + KEY + 2] = keyWord(key, len, 2);
        }
        hot[h + META] = USED | len;
        keyHashes[s] = hash;
        hot[h + MAX] = Long.MIN_VALUE;
        timerIds[s] = NO_TIMER;
        hot[h + INC_COUNT] = 0;
        hot[h + INC_LAST] = 0;
        hot[h + INC_LAST_EMIT] = 0;
        if (!ring) {
            hot[h + METRIC] = 0;
        }
        insertIndex(s);
        size++;
        late[s] = 0;
        incidentId[s] = null;
        if (!ring) {
            valueEvictedAt[s] = Long.MIN_VALUE;
            if (entries[s] == null) {
                entries[s] = new long[Math.min(capacity, INITIAL_ENTRIES) * STRIDE];
            }
        }
        if (valueCount) {
            final int[] index = valueIndex[s];
            if (index != null) {
                Arrays.fill(index, 0);
            }
            valueBelow[s] = 0;
            valueLow[s] = Long.MAX_VALUE;
            valueFrom[s] = Long.MIN_VALUE;
        }
        if (rule.type == CorrelationType.TEMPORAL_ORDERED) {
            for (int k = 0; k < capacity; k++) {
                final int o = k * STRIDE;
                ensureEntries(s, k + 1);
                entries[s][o] = Long.MIN_VALUE;
                entries[s][o + 1] = k;
            }
            count(s, capacity);
        }
        return s;
    }

    private void compactSlab(final int need) {
        final int newLength = slabLive + need > slab.length / 2 ? Math.max(slab.length * 2, slabLive + need)
            : slab.length;
        final byte[] dst = new byte[newLength];
        int p = 0;
        for (int s = 0; s < allocated; s++) {
            final int len = keyLen(s);
            if (used(s) && len > INLINE_KEY) {
                System.arraycopy(slab, keyOff(s), dst, p, len);
                hot[s * stride + KEY] = p;
                p += len;
            }
        }
        slab = dst;
        slabUsed = p;
        growths++;
    }

    private void insertIndex(final int s) {
        final int hash = keyHash(s);
        int i = hash & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = (hash & ~slotMask) | (s + 1);
    }

    /** The key to evict at the key cap (CLOCK, see the class comment), or -1 when empty. */
    int victim() {
        if (size == 0) {
            return -1;
        }
        while (true) {
            final int s = hand;
            hand = s + 1 == allocated ? 0 : s + 1;
            final int m = s * stride + META;
            final long meta = hot[m];
            if ((meta & USED) == 0) {
                continue;
            }
            if ((meta & REFERENCED) != 0) {
                hot[m] = meta & ~REFERENCED;
            } else {
                return s;
            }
        }
    }

    /** Removes a key and frees its slot (its entry array is kept for reuse). */
    void remove(final int s) {
        final int hash = keyHash(s);
        int i = hash & mask;
        while ((table[i] & slotMask) != s + 1) {
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
            final int ideal = keyHash((v & slotMask) - 1) & mask;
            final boolean movable = i <= j ? (ideal <= i || ideal > j) : (ideal <= i && ideal > j);
            if (movable) {
                table[i] = v;
                i = j;
            }
        }
        table[i] = 0;
        if (keyLen(s) > INLINE_KEY) {
            slabLive -= keyLen(s);
        }
        hot[s * stride + META] = 0;
        timerIds[s] = NO_TIMER;
        incidentId[s] = null;
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

    // --- value_count: index of distinct values per slot ------------------------------------------------------------

    private static int valueHome(final long aux, final int indexMask) {
        return (int) (aux ^ (aux >>> 32)) & indexMask;
    }

    /** The entry holding this value hash in a value_count slot, or -1. */
    int findValue(final int s, final long aux) {
        final int[] index = valueIndex[s];
        if (index == null) {
            return -1;
        }
        final long[] e = entries[s];
        final int m = index.length - 1;
        for (int i = valueHome(aux, m); ; i = (i + 1) & m) {
            final int v = index[i];
            if (v == 0) {
                return -1;
            }
            if (e[(v - 1) * STRIDE + 1] == aux) {
                return v - 1;
            }
        }
    }

    /** Indexes entry j (already written) of a value_count slot holding {@code n} entries in all. */
    void indexValue(final int s, final int j, final int n) {
        int[] index = valueIndex[s];
        if (index == null || n * 2 > index.length) {
            int length = index == null ? 16 : index.length * 2;
            while (length < n * 2) {
                length <<= 1;
            }
            index = new int[length];
            valueIndex[s] = index;
            growths++;
            final long[] e = entries[s];
            for (int k = 0; k < n; k++) {
                if (k != j) {
                    place(index, e[k * STRIDE + 1], k);
                }
            }
        }
        place(index, entries[s][j * STRIDE + 1], j);
    }

    private static void place(final int[] index, final long aux, final int j) {
        final int m = index.length - 1;
        int i = valueHome(aux, m);
        while (index[i] != 0) {
            i = (i + 1) & m;
        }
        index[i] = j + 1;
    }

    /** Unindexes entry j of a value_count slot; then renumbers entry {@code moved} (if not -1) to j. */
    void unindexValue(final int s, final int j, final int moved) {
        final int[] index = valueIndex[s];
        final long[] e = entries[s];
        final int m = index.length - 1;
        int i = valueHome(e[j * STRIDE + 1], m);
        while (index[i] != j + 1) {
            i = (i + 1) & m;
        }
        int k = i;
        while (true) {
            k = (k + 1) & m;
            final int v = index[k];
            if (v == 0) {
                break;
            }
            final int ideal = valueHome(e[(v - 1) * STRIDE + 1], m);
            final boolean movable = i <= k ? (ideal <= i || ideal > k) : (ideal <= i && ideal > k);
            if (movable) {
                index[i] = v;
                i = k;
            }
        }
        index[i] = 0;
        if (moved >= 0) {
            int p = valueHome(e[moved * STRIDE + 1], m);
            while (index[p] != moved + 1) {
                p = (p + 1) & m;
            }
            index[p] = j + 1;
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
