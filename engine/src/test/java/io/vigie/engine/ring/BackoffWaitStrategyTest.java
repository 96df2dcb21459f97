package io.vigie.engine.ring;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.RingBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A consumer parked by the backoff still sees every event published later, and a halt wakes it. */
class BackoffWaitStrategyTest {
    static final class Slot {
        long value;
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void parkedConsumerSeesLaterEventsAndHaltStopsIt() throws InterruptedException {
        final RingBuffer<Slot> ring = RingBuffer.createMultiProducer(Slot::new, 64, new BackoffWaitStrategy());
        final AtomicLong sum = new AtomicLong();
        final AtomicLong seen = new AtomicLong();
        final BatchEventProcessor<Slot> processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(),
            (slot, sequence, endOfBatch) -> {
                sum.addAndGet(slot.value);
                seen.incrementAndGet();
            });
        ring.addGatingSequences(processor.getSequence());
        final Thread thread = new Thread(processor, "backoff-test");
        thread.start();
        long expected = 0;
        for (int burst = 0; burst < 5; burst++) {
            // Let the consumer run out of spins and yields and park at its longest sleep before each burst.
            Thread.sleep(20);
            for (int i = 1; i <= 200; i++) {
                final long v = burst * 1000L + i;
                ring.publishEvent((slot, seq) -> slot.value = v);
                expected += v;
            }
        }
        while (seen.get() < 1000) {
            Thread.sleep(1);
        }
        assertEquals(1000, seen.get());
        assertEquals(expected, sum.get());
        processor.halt();
        thread.join(5_000);
        assertFalse(thread.isAlive(), "a halted consumer leaves its park and stops");
    }

    /**
     * A publisher may claim slots (moving a multi-producer ring's cursor) and publish them later. The consumer must
     * wait for the publication, parked: not return at once and be called again in a loop (a busy spin that would
     * burn the core the publisher needs). Then it sees every slot once they are published.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void consumerParksUntilClaimedSlotsArePublished() throws InterruptedException {
        final BackoffWaitStrategy strategy = new BackoffWaitStrategy();
        final RingBuffer<Slot> ring = RingBuffer.createMultiProducer(Slot::new, 64, strategy);
        strategy.publishedBy(ring);
        final AtomicLong seen = new AtomicLong();
        final BatchEventProcessor<Slot> processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(),
            (slot, sequence, endOfBatch) -> seen.incrementAndGet());
        ring.addGatingSequences(processor.getSequence());
        final Thread thread = new Thread(processor, "backoff-claimed");
        thread.start();
        final long lo = ring.next(10) - 9;
        final java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        final long cpu0 = mx.getThreadCpuTime(thread.getId());
        final long wall0 = System.nanoTime();
        Thread.sleep(300);
        final long cpu = mx.getThreadCpuTime(thread.getId()) - cpu0;
        final long wall = System.nanoTime() - wall0;
        assertEquals(0, seen.get(), "nothing is published yet");
        assertTrue(cpu < wall / 2, "the consumer parked instead of spinning: cpu " + cpu + " ns over " + wall + " ns");
        ring.publish(lo, lo + 9);
        while (seen.get() < 10) {
            Thread.sleep(1);
        }
        assertEquals(10, seen.get());
        processor.halt();
        thread.join(5_000);
        assertFalse(thread.isAlive());
    }

    @Test
    void rejectsInvertedSleepBounds() {
        assertThrows(IllegalArgumentException.class, () -> new BackoffWaitStrategy(1_000, 10));
        assertThrows(IllegalArgumentException.class, () -> new BackoffWaitStrategy(0, 10));
    }
}
