package io.vigie.ingest.transport.kafka;

import java.util.Arrays;

/**
 * The records of one partition published but not yet committed, as (ring sequence, offset) pairs in publish order
 * (both increasing). Confined to the source's thread; grows rarely (bounded by the ring size plus one poll).
 */
final class PendingOffsets {
    private long[] sequences = new long[1024];
    private long[] offsets = new long[1024];
    private int head;
    private int size;

    void add(final long sequence, final long offset) {
        if (size == sequences.length) {
            grow();
        }
        final int i = (head + size) & (sequences.length - 1);
        sequences[i] = sequence;
        offsets[i] = offset;
        size++;
    }

    /**
     * Removes every record whose sequence is at or below {@code persisted}; returns the highest offset removed, or
     * -1 when none was.
     */
    long removePersisted(final long persisted) {
        long last = -1;
        final int mask = sequences.length - 1;
        while (size > 0 && sequences[head] <= persisted) {
            last = offsets[head];
            head = (head + 1) & mask;
            size--;
        }
        return last;
    }

    /** Ring sequence of the newest record, or -1 when empty. */
    long lastSequence() {
        return size == 0 ? -1 : sequences[(head + size - 1) & (sequences.length - 1)];
    }

    int size() {
        return size;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    private void grow() {
        final int n = sequences.length;
        final long[] s = new long[n * 2];
        final long[] o = new long[n * 2];
        for (int k = 0; k < n; k++) {
            s[k] = sequences[(head + k) & (n - 1)];
            o[k] = offsets[(head + k) & (n - 1)];
        }
        sequences = s;
        offsets = o;
        head = 0;
        Arrays.fill(s, n, n * 2, 0L);
    }
}
