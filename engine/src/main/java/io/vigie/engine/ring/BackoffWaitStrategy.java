package io.vigie.engine.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * The engine's default ring wait strategy: spin briefly, yield a few times, then park with a sleep that doubles
 * from {@code minSleepNanos} up to {@code maxSleepNanos} until the awaited sequence is published. Publishers never
 * signal (no lock, no syscall on the publish path).
 *
 * <p>Why not Disruptor's {@code SleepingWaitStrategy}: it parks for 100 ns at a time, which the kernel rounds up to
 * its timer slack (~50 µs), so an idle consumer wakes ~20,000 times a second; on a virtual machine each wake-up is a
 * timer exit. Measured on a 2-vCPU VM: three idle consumers burnt ~45% of a core, mostly in the kernel, and under
 * load the wake-ups stole the cores the decoder and journal need. Here an idle consumer wakes ~1,000 times a
 * second ({@code maxSleepNanos} = 1 ms), and a busy one never parks. The cost is latency after idleness: the first
 * event after a quiet spell waits at most {@code maxSleepNanos} (1 ms by default) before its consumer sees it.
 *
 * <p>Given its ring ({@link #publishedBy}), the strategy waits until the awaited slot is <em>published</em>, not only
 * claimed. A multi-producer ring's cursor moves when a slot is claimed; a publisher that decodes a whole read into
 * claimed slots before publishing them together would otherwise make the first consumer return at once, find the
 * slot unpublished, and call again: a busy spin that never backs off, stealing the core the publisher needs.
 */
public final class BackoffWaitStrategy implements WaitStrategy {
    private static final int SPINS = 200;
    private static final int YIELDS = 20;

    private final long minSleepNanos;
    private final long maxSleepNanos;
    /** The ring whose publication is awaited, or null (then only the dependent sequence is). */
    private RingBuffer<?> ring;

    /** Parks from 10 µs doubling up to 1 ms. */
    public BackoffWaitStrategy() {
        this(10_000, 1_000_000);
    }

    /**
     * @param minSleepNanos first park, after the spins and yields
     * @param maxSleepNanos longest park (bounds the delay of the first event after idleness)
     */
    public BackoffWaitStrategy(final long minSleepNanos, final long maxSleepNanos) {
        if (minSleepNanos <= 0 || maxSleepNanos < minSleepNanos) {
            throw new IllegalArgumentException("need 0 < minSleepNanos <= maxSleepNanos");
        }
        this.minSleepNanos = minSleepNanos;
        this.maxSleepNanos = maxSleepNanos;
    }

    /**
     * Also waits for the slot itself to be published on this ring (call once, before the consumers start). For a
     * consumer gated on another consumer the slot is always published already: the check costs one load.
     */
    public void publishedBy(final RingBuffer<?> publishedRing) {
        this.ring = publishedRing;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
                        final SequenceBarrier barrier) throws AlertException {
        long available;
        int tries = 0;
        long sleep = minSleepNanos;
        final RingBuffer<?> r = ring;
        while ((available = dependentSequence.get()) < sequence || (r != null && !r.isAvailable(sequence))) {
            barrier.checkAlert();
            if (tries < SPINS) {
                tries++;
                Thread.onSpinWait();
            } else if (tries < SPINS + YIELDS) {
                tries++;
                yieldCore();
            } else {
                LockSupport.parkNanos(sleep);
                sleep = Math.min(sleep << 1, maxSleepNanos);
            }
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking() {
        // Consumers poll: nothing to wake.
    }

    /** The yield phase of the back-off, on purpose: a short wait that still lets a runnable thread have this core. */
    @SuppressWarnings("ThreadPriorityCheck")
    private static void yieldCore() {
        Thread.yield();
    }
}
