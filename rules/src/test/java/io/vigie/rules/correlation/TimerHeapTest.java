package io.vigie.rules.correlation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(30)
class TimerHeapTest {
    @Test
    void shouldPopInDeadlineOrderThroughGrowth() {
        final TimerHeap h = new TimerHeap(4);
        final SplittableRandom r = new SplittableRandom(7);
        final List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            // Many equal deadlines (a burst of keys in one tick) and a spread of others.
            final long d = i % 3 == 0 ? 1_000 : r.nextLong(1_000_000);
            h.push(d, i, i + 1);
            expected.add(d);
        }
        expected.sort(null);
        assertEquals(10_000, h.size());
        for (final long d : expected) {
            assertEquals(d, h.minDeadline());
            assertEquals(h.minRef() + 1, h.minId());
            h.pop();
        }
        assertEquals(0, h.size());
        assertEquals(Long.MAX_VALUE, h.minDeadline());
    }
}
