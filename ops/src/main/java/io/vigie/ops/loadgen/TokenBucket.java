package io.vigie.ops.loadgen;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A token bucket pacing a sender at {@code rate} tokens per second with bursts of at most {@code burst} tokens.
 * Tokens accrue continuously from the clock; a sender takes one per line. Single-threaded.
 */
public final class TokenBucket {
    private final double nanosPerToken;
    private final double burst;
    private final LongSupplier clock;
    private double tokens;
    private long last;

    /**
     * @param ratePerSecond tokens added per second (&gt; 0)
     * @param burst         bucket capacity (&ge; 1); the bucket starts full
     * @param clock         monotonic nanosecond clock ({@code System::nanoTime})
     */
    public TokenBucket(final double ratePerSecond, final double burst, final LongSupplier clock) {
        if (!(ratePerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
        }
        this.nanosPerToken = 1e9 / ratePerSecond;
        this.burst = burst;
        this.clock = clock;
        this.tokens = burst;
        this.last = clock.getAsLong();
    }

    /** Takes a token if one is there: returns 0; otherwise takes nothing and returns the nanoseconds to wait. */
    public long tryAcquire() {
        final long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / nanosPerToken);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) * nanosPerToken));
    }

    /**
     * Takes up to {@code max} whole tokens at once (one clock read for a batch of lines); returns how many were
     * taken, 0 when none is there ({@link #waitNanos()} then says how long until one is).
     */
    public int take(final int max) {
        return take(1, max);
    }

    /**
     * Takes between {@code min} and {@code max} whole tokens, or none when fewer than {@code min} are there (then
     * {@link #waitNanos(int) waitNanos(min)} says how long until they are). {@code min} is capped at the burst.
     */
    public int take(final int min, final int max) {
        final long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / nanosPerToken);
        last = now;
        final double whole = Math.floor(tokens);
        if (whole < Math.min(min, Math.floor(burst))) {
            return 0;
        }
        final int n = (int) Math.min(max, whole);
        tokens -= n;
        return Math.max(0, n);
    }

    /** Nanoseconds until a whole token is there as of the last {@link #take} or {@link #tryAcquire} (0 if one is). */
    public long waitNanos() {
        return waitNanos(1);
    }

    /** Nanoseconds until {@code n} whole tokens (at most the burst) are there, as of the last take (0 if they are). */
    public long waitNanos(final int n) {
        final double need = Math.min(n, Math.floor(burst));
        return tokens >= need ? 0 : Math.max(1, (long) Math.ceil((need - tokens) * nanosPerToken));
    }

    /** Takes a token, parking the thread until one is there. */
    public void acquire() {
        long wait;
        while ((wait = tryAcquire()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
