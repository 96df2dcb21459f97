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

    @Test
    void rejectsInvertedSleepBounds() {
        assertThrows(IllegalArgumentException.class, () -> new BackoffWaitStrategy(1_000, 10));
        assertThrows(IllegalArgumentException.class, () -> new BackoffWaitStrategy(0, 10));
    }
}
