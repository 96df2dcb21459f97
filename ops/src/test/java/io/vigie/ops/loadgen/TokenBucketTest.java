package io.vigie.ops.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(10)
class TokenBucketTest {
    @Test
    void shouldAllowBurstThenPaceAtRate() {
        final AtomicLong now = new AtomicLong(1_000);
        final TokenBucket b = new TokenBucket(10, 2, now::get);
        assertEquals(0, b.tryAcquire());
        assertEquals(0, b.tryAcquire());
        assertEquals(100_000_000L, b.tryAcquire());
        now.addAndGet(50_000_000L);
        assertEquals(50_000_000L, b.tryAcquire());
        now.addAndGet(50_000_000L);
        assertEquals(0, b.tryAcquire());
        now.addAndGet(10_000_000_000L);
        assertEquals(0, b.tryAcquire());
        assertEquals(0, b.tryAcquire());
        assertEquals(100_000_000L, b.tryAcquire(), "capacity caps the tokens saved while idle");
    }

    @Test
    void shouldTakeBatchesOfAtLeastTheMinimum() {
        final AtomicLong now = new AtomicLong(1_000);
        final TokenBucket b = new TokenBucket(1_000, 100, now::get);
        assertEquals(64, b.take(10, 64), "the burst is there at the start");
        assertEquals(36, b.take(10, 64));
        now.addAndGet(5_000_000L);
        assertEquals(0, b.take(10, 64), "5 tokens, fewer than the minimum");
        assertEquals(5_000_000L, b.waitNanos(10));
        now.addAndGet(5_000_000L);
        assertEquals(10, b.take(10, 64));
        assertEquals(0, b.take(1_000, 64), "a minimum above the burst is capped at it");
        now.addAndGet(1_000_000_000L);
        assertEquals(64, b.take(1_000, 64));
    }

    @Test
    void shouldRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, System::nanoTime));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0.5, System::nanoTime));
    }
}
