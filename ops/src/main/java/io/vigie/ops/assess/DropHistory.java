package io.vigie.ops.assess;

import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;

/**
 * A time-indexed ring of the engine's total drop count, one sample per second, so that the assessor can tell whether
 * any input was dropped between an alert's first event and now. Written by one sampler (a scheduled thread calling
 * {@link #sample}); read by the alert thread. Methods are synchronized: both sides are rare (1/s and per alert).
 */
final class DropHistory {
    private final long[] seconds;
    private final long[] totals;
    private final boolean[] used;
    private long newest = Long.MIN_VALUE;
    private int size;

    DropHistory(final int capacitySeconds) {
        this.seconds = new long[capacitySeconds];
        this.totals = new long[capacitySeconds];
        this.used = new boolean[capacitySeconds];
    }

    /** Total dropped events over all listeners. */
    static long total(final EngineCounters counters) {
        long sum = 0;
        for (final ListenerCounters c : counters.listeners()) {
            sum += c.dropped();
        }
        return sum;
    }

    /** Records the total at an epoch second (later seconds only; a repeated second keeps the larger total). */
    synchronized void sample(final long epochSecond, final long total) {
        if (size > 0 && epochSecond <= newest) {
            if (epochSecond == newest) {
                final int i = slot(epochSecond);
                totals[i] = Math.max(totals[i], total);
            }
            return;
        }
        final int i = slot(epochSecond);
        seconds[i] = epochSecond;
        totals[i] = total;
        used[i] = true;
        newest = epochSecond;
        size = Math.min(size + 1, seconds.length);
    }

    /**
     * The total at or just before an epoch second: the newest sample not after it, or the oldest sample kept when the
     * second is older than the history ({@code -1} when there are no samples at all).
     */
    synchronized long totalAt(final long epochSecond) {
        if (size == 0) {
            return -1;
        }
        long bestSecond = Long.MIN_VALUE;
        long bestTotal = -1;
        long oldestSecond = Long.MAX_VALUE;
        long oldestTotal = -1;
        for (int i = 0; i < seconds.length; i++) {
            if (!used[i]) {
                continue;
            }
            if (seconds[i] < oldestSecond) {
                oldestSecond = seconds[i];
                oldestTotal = totals[i];
            }
            if (seconds[i] <= epochSecond && seconds[i] > bestSecond) {
                bestSecond = seconds[i];
                bestTotal = totals[i];
            }
        }
        return bestTotal >= 0 ? bestTotal : oldestTotal;
    }

    /** Oldest epoch second in the history, or {@code Long.MAX_VALUE} when empty. */
    synchronized long oldestSecond() {
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < seconds.length; i++) {
            if (used[i]) {
                oldest = Math.min(oldest, seconds[i]);
            }
        }
        return oldest;
    }

    private int slot(final long epochSecond) {
        return (int) Math.floorMod(epochSecond, (long) seconds.length);
    }
}
