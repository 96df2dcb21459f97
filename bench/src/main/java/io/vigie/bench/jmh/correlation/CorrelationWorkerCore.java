package io.vigie.bench.jmh.correlation;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.BlockingWaitStrategy;
import io.vigie.engine.detect.Detector;
import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.eval.SigmaDetectorFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event_count workload of {@link CorrelationBenchmark} as production runs it: a producer thread fills the slots
 * of a Disruptor ring of {@link TelemetryEvent}s (as the IO thread's decoder does, batches of 16 published together)
 * and a rule worker thread, a {@link BatchEventProcessor}, hands each event to the engine ({@code owns}, then
 * {@code onMatchInBatch}; {@code onBatchEnd} at each end of batch, as {@code SigmaDetector} does). The figure is the
 * worker thread's CPU time per event: what one worker core spends, with the slot reads from the other core included
 * and the slot refill left to the producer's core, where it runs in production. The producer is faster than the
 * worker (a refill is ~10-17 ns), so the ring stays full and the worker never waits; its wall time is printed too.
 *
 * <p>With a fourth argument {@code sigma}, the worker is the production detector instead: each event also carries
 * {@code event.action: ssh_failed} and the linux/sshd logsource, and a {@code SigmaDetector} evaluates the base rule
 * on it and feeds its matches to the engine, as a rule worker does. That reads the event's fields first, as in
 * production, so what the correlation then adds is its own part.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.vigie.bench.jmh.correlation.CorrelationWorkerCore [keys]
 * [events per round] [ring size] [sigma]} (defaults 10000, 4000000, 16384: the engine's default ring). 3 warm-up
 * rounds, then 10 measured; needs two free cores.
 */
public final class CorrelationWorkerCore {
    private static final int WARMUP_ROUNDS = 3;
    private static final int ROUNDS = 10;
    private static final int PUBLISH_BATCH = 16;
    private static final byte[] SSH_FAILED = "ssh_failed".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private CorrelationWorkerCore() {
    }

    /** The rule worker: the engine driven as a detection worker drives it. */
    private static final class Worker implements EventHandler<TelemetryEvent> {
        final CorrelationBenchmark.EventCount s;
        /** The Sigma detector feeding the engine, or null: the engine is driven directly. */
        final Detector detector;
        final AtomicLong done = new AtomicLong();
        long events;

        Worker(final CorrelationBenchmark.EventCount s, final Detector detector) {
            this.s = s;
            this.detector = detector;
        }

        @Override
        public void onEvent(final TelemetryEvent e, final long sequence, final boolean endOfBatch) {
            if (detector != null) {
                detector.onEvent(e, s.sink);
            } else if (s.engine.owns(s.singleRule, e, 0, 1)) {
                s.engine.onMatchInBatch(s.singleRule, e, s.sink);
            }
            events++;
            if (endOfBatch) {
                if (detector != null) {
                    detector.onBatchEnd(0, s.sink);
                } else {
                    s.engine.onBatchEnd(0, s.sink);
                }
                done.lazySet(events);
            }
        }
    }

    /** Entry point; prints per round the worker's CPU ns and wall ns per event. */
    public static void main(final String[] args) throws InterruptedException {
        final int keys = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 4_000_000;
        final int ringSize = args.length > 2 ? Integer.parseInt(args[2]) : 16_384;
        final boolean sigma = args.length > 3 && "sigma".equals(args[3]);
        final CorrelationBenchmark.EventCount s = new CorrelationBenchmark.EventCount();
        s.keys = keys;
        s.eventsPerSecond = 100_000;
        s.setUp();
        final RingBuffer<TelemetryEvent> ring = RingBuffer.createSingleProducer(TelemetryEvent::new, ringSize,
            new BlockingWaitStrategy());
        Detector detector = null;
        if (sigma) {
            final SigmaDetectorFactory factory = new SigmaDetectorFactory(s.bound.rules.ruleSet(), "bench");
            factory.correlationHooks(i -> s.engine);
            detector = factory.create(0, 1);
            detector.onStart();
        }
        final Worker worker = new Worker(s, detector);
        final BatchEventProcessor<TelemetryEvent> processor =
            new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), worker);
        ring.addGatingSequences(processor.getSequence());
        final Thread workerThread = new Thread(processor, "bench-worker");
        workerThread.start();
        final Thread producer = new Thread(() -> produce(s, ring, (long) perRound * (WARMUP_ROUNDS + ROUNDS), sigma),
            "bench-producer");
        producer.start();

        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final double[] cpu = new double[ROUNDS];
        final double[] wall = new double[ROUNDS];
        long target = 0;
        for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
            final long cpu0 = mx.getThreadCpuTime(workerThread.getId());
            final long wall0 = System.nanoTime();
            final long from = worker.done.get();
            target += perRound;
            while (worker.done.get() < target) {
                Thread.sleep(1);
            }
            final long n = worker.done.get() - from;
            final double cpuNs = (mx.getThreadCpuTime(workerThread.getId()) - cpu0) / (double) n;
            final double wallNs = (System.nanoTime() - wall0) / (double) n;
            if (round >= WARMUP_ROUNDS) {
                cpu[round - WARMUP_ROUNDS] = cpuNs;
                wall[round - WARMUP_ROUNDS] = wallNs;
                System.out.printf(Locale.ROOT,
                    "keys=%d ring=%d round=%d workerCpuNsPerEvent=%.1f wallNsPerEvent=%.1f%n", keys, ringSize,
                    round - WARMUP_ROUNDS, cpuNs, wallNs);
            }
        }
        producer.join();
        processor.halt();
        workerThread.join();
        Arrays.sort(cpu);
        Arrays.sort(wall);
        System.out.printf(Locale.ROOT, "# median worker CPU %.1f ns/event (%.1f M events/s per worker core), wall %.1f "
            + "ns/event; alerts=%d; pipelined=%d%n", (cpu[ROUNDS / 2 - 1] + cpu[ROUNDS / 2]) / 2,
            2000 / (cpu[ROUNDS / 2 - 1] + cpu[ROUNDS / 2]), (wall[ROUNDS / 2 - 1] + wall[ROUNDS / 2]) / 2,
            s.sink.alerts, s.engine.pipelinedMatches());
    }

    /** The producer: refills slots from the stream as a decoder would, publishing batches of 16. */
    private static void produce(final CorrelationBenchmark.EventCount s, final RingBuffer<TelemetryEvent> ring,
                                final long total, final boolean sigma) {
        long left = total;
        while (left > 0) {
            final int n = (int) Math.min(PUBLISH_BATCH, left);
            final long hi = ring.next(n);
            final long lo = hi - n + 1;
            for (long seq = lo; seq <= hi; seq++) {
                final TelemetryEvent e = ring.get(seq);
                s.fillInto(e);
                if (sigma) {
                    e.addField(Fields.EVENT_ACTION, SSH_FAILED, 0, SSH_FAILED.length);
                    e.logProduct = Logsources.LINUX;
                    e.logService = Logsources.SSHD;
                }
            }
            ring.publish(lo, hi);
            left -= n;
        }
    }
}
