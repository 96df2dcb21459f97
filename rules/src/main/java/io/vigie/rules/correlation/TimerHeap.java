package io.vigie.rules.correlation;

import java.util.Arrays;

/**
 * A binary min-heap of (deadline, reference, timer id) in three parallel primitive arrays: the idle-key expiry
 * timers of one {@link CorrelationEngine}. Owned by the rule-worker thread. Cancelling is lazy (the owner checks the
 * id of a popped timer against the one it holds), so memory is 24 bytes per live timer whatever the spread of the
 * deadlines; a timer wheel with a per-tick allocation would size every tick for the busiest one (a burst of new keys
 * in one tick). No allocation except doubling growth (counted).
 */
final class TimerHeap {
    private long[] deadlines;
    private long[] refs;
    private long[] ids;
    private int size;
    private long growths;

    TimerHeap(final int initialCapacity) {
        final int n = Math.max(16, initialCapacity);
        deadlines = new long[n];
        refs = new long[n];
        ids = new long[n];
    }

    int size() {
        return size;
    }

    /** Deadline of the earliest timer; {@link Long#MAX_VALUE} when empty. */
    long minDeadline() {
        return size == 0 ? Long.MAX_VALUE : deadlines[0];
    }

    long minRef() {
        return refs[0];
    }

    long minId() {
        return ids[0];
    }

    long growths() {
        return growths;
    }

    void clear() {
        size = 0;
    }

    void push(final long deadline, final long ref, final long id) {
        if (size == deadlines.length) {
            final int n = deadlines.length * 2;
            deadlines = Arrays.copyOf(deadlines, n);
            refs = Arrays.copyOf(refs, n);
            ids = Arrays.copyOf(ids, n);
            growths++;
        }
        int i = size++;
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            if (deadlines[parent] <= deadline) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        deadlines[i] = deadline;
        refs[i] = ref;
        ids[i] = id;
    }

    /** Removes the earliest timer (read it first with the {@code min*} accessors). */
    void pop() {
        final int last = --size;
        if (last == 0) {
            return;
        }
        final long d = deadlines[last];
        final long r = refs[last];
        final long id = ids[last];
        int i = 0;
        final int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < last && deadlines[child + 1] < deadlines[child]) {
                child++;
            }
            if (d <= deadlines[child]) {
                break;
            }
            move(child, i);
            i = child;
        }
        deadlines[i] = d;
        refs[i] = r;
        ids[i] = id;
    }

    private void move(final int from, final int to) {
        deadlines[to] = deadlines[from];
        refs[to] = refs[from];
        ids[to] = ids[from];
    }
}
