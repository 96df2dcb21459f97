package io.vigie.bench.jmh;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.publish.RingPublisher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Ring publish → handle: one publishing thread copies a 120-byte frame into a slot and runs a trivial decoder
 * (one field), one handler thread reads it. Measures the ring hand-off cost that every event pays.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RingPublishBenchmark {
    private static final byte[] FRAME = ("<34>1 2026-12-03T07:41:02.123Z host-01 sshd 4242 - - Failed password for "
        + "invalid user admin from 203.0.113.7 port 52144 ssh2").getBytes(StandardCharsets.US_ASCII);

    private RingBuffer<TelemetryEvent> ring;
    private BatchEventProcessor<TelemetryEvent> processor;
    private Thread thread;
    private RingPublisher publisher;

    /** A handler that reads one field, so the slot is really consumed. */
    static final class Reader implements EventHandler<TelemetryEvent> {
        long sum;

        @Override
        public void onEvent(final TelemetryEvent event, final long sequence, final boolean endOfBatch) {
            sum += event.valueLength(0);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        ring = RingBuffer.createMultiProducer(TelemetryEvent::new, 16_384, new YieldingWaitStrategy());
        processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), new Reader());
        ring.addGatingSequences(processor.getSequence());
        thread = new Thread(processor, "bench-handler");
        thread.start();
        final ListenerCounters counters = new EngineCounters().listener("bench");
        publisher = new RingPublisher(ring, counters,
            e -> e.addRawField(Fields.MESSAGE, 0, e.rawLength()), null, RingPublisher.Policy.BLOCK, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        processor.halt();
        thread.join();
    }

    @Benchmark
    public boolean publish() {
        return publisher.publish(FRAME, 0, FRAME.length, -1, 0);
    }
}
