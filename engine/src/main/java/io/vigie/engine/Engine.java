package io.vigie.engine;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.detect.AlertEnricher;
import io.vigie.engine.detect.DetectorFactory;
import io.vigie.engine.internal.AlertWorker;
import io.vigie.engine.internal.DetectionWorker;
import io.vigie.engine.internal.EngineExceptionHandler;
import io.vigie.engine.internal.JournalWorker;
import io.vigie.engine.journal.AlertAppender;
import io.vigie.engine.journal.RawJournal;
import io.vigie.engine.journal.SyncPolicy;
import io.vigie.engine.ring.BackoffWaitStrategy;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The engine core: the event ring, the raw-journal worker, the rule workers, the alert ring and the alert-journal
 * worker, and the counters.
 *
 * <pre>
 *  publishers (listener threads) ──► event ring (MPSC slots) ──► journal worker ──► rule worker 0..N-1
 *                                                              (raw journal,        (Detector per worker,
 *                                                               quarantine, seq)     events owned by seq % N)
 *                                                                                         │ alerts
 *                                                                                         ▼
 *                                                           alert ring (MPSC) ──► alert worker (alert journal)
 * </pre>
 * Ingest publishes into {@link #ring()} with the listener's counters from {@link #counters()}; everything downstream
 * is owned by the engine's threads.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** Engine settings; every field has a default. */
    public static final class Configuration {
        /** Where the journals live: {@code raw/}, {@code quarantine/}, {@code alerts/}. */
        public Path dataDir = Path.of("data");
        /** Event ring slots (power of two). */
        public int ringSize = 16_384;
        /** Number of rule workers. */
        public int workers = 1;
        /** Journal sync policy (see {@link SyncPolicy}). */
        public SyncPolicy syncPolicy = SyncPolicy.NONE;
        /**
         * Ring wait strategy: backoff (default, {@link BackoffWaitStrategy}), sleeping, blocking, yielding, busy-spin.
         */
        public String waitStrategy = "backoff";
        /**
         * Bytes behind the raw journal's appender at which written pages are written back and leave the page cache
         * (see {@code WriteBehind}); 0 = left to the kernel.
         */
        public long journalWriteBehindBytes = 256L << 20;
        /** SOC node id, stamped on alerts. */
        public String soc = "vigie";
        /** Rule workers' detectors; null runs no detection. */
        public DetectorFactory detectorFactory;
        /** Largest raw record kept in the quarantine (rejected frames are truncated to it). */
        public int quarantineMaxRecordBytes = 65_536;
        /** Quarantine size bound: the oldest files are deleted past it. */
        public long quarantineMaxBytes = 256L * 1024 * 1024;
        /** Alert ring slots (power of two). */
        public int alertRingSize = 4096;
        /** Runs on each alert just before it is serialised and journaled (assessment); null = none. */
        public AlertEnricher alertEnricher;

        /** Fills defaults and checks ranges. */
        public Configuration validate() {
            if (Integer.bitCount(ringSize) != 1) {
                throw new IllegalArgumentException("ring size must be a power of two: " + ringSize);
            }
            if (workers < 1 || workers > 64) {
                throw new IllegalArgumentException("workers must be within 1..64: " + workers);
            }
            return this;
        }
    }

    private final Configuration config;
    private final EngineCounters counters;
    private final RingBuffer<TelemetryEvent> ring;
    private final RingBuffer<AlertWorker.AlertSlot> alertRing;
    private final List<BatchEventProcessor<?>> processors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Consumer<Alert>> alertListeners = new CopyOnWriteArrayList<>();
    private final RawJournal journal;
    private final RawJournal quarantine;
    private final AlertAppender alertAppender;
    private final Sequence[] terminalSequences;
    private final Sequence alertSequence;
    private final Sequence journalSequence;
    private volatile boolean started;

    /** Builds the rings and opens the journals; {@link #start()} starts the threads. */
    public Engine(final Configuration configuration, final EngineCounters counters) {
        this.config = configuration.validate();
        this.counters = counters;
        try {
            Files.createDirectories(config.dataDir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create data directory " + config.dataDir + ": " + e.getMessage(),
                e);
        }
        this.journal = new RawJournal(config.dataDir.resolve("raw"), config.syncPolicy, this::listenerName)
            .touchAhead("vigie-journal-touch", config.journalWriteBehindBytes);
        this.quarantine = new RawJournal(config.dataDir.resolve("quarantine"), config.syncPolicy, this::listenerName,
            net.openhft.chronicle.queue.RollCycles.FIVE_MINUTELY);
        this.alertAppender = new AlertAppender(config.dataDir.resolve("alerts"), config.syncPolicy);

        final EngineExceptionHandler exceptions = new EngineExceptionHandler(counters);
        final WaitStrategy eventWait = waitStrategy(config.waitStrategy);
        this.ring = RingBuffer.createMultiProducer(TelemetryEvent::new, config.ringSize, eventWait);
        if (eventWait instanceof BackoffWaitStrategy) {
            ((BackoffWaitStrategy) eventWait).publishedBy(ring);
        }
        this.alertRing = RingBuffer.createMultiProducer(AlertWorker.AlertSlot::new, config.alertRingSize,
            new BlockingWaitStrategy());

        final AlertWorker alertWorker = new AlertWorker(alertAppender, counters, alertListeners,
            config.alertEnricher);
        final BatchEventProcessor<AlertWorker.AlertSlot> alertProcessor =
            new BatchEventProcessorBuilder().build(alertRing, alertRing.newBarrier(), alertWorker);
        alertProcessor.setExceptionHandler(exceptions.forAlerts());
        alertRing.addGatingSequences(alertProcessor.getSequence());
        this.alertSequence = alertProcessor.getSequence();

        final JournalWorker journalWorker = new JournalWorker(journal, quarantine, counters,
            config.quarantineMaxRecordBytes, config.quarantineMaxBytes, config.dataDir.resolve("quarantine"));
        final BatchEventProcessor<TelemetryEvent> journalProcessor =
            new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), journalWorker);
        journalProcessor.setExceptionHandler(exceptions.forEvents());
        processors.add(journalProcessor);
        this.journalSequence = journalProcessor.getSequence();

        final List<Sequence> terminal = new ArrayList<>();
        if (config.detectorFactory != null) {
            final SequenceBarrier afterJournal = ring.newBarrier(journalProcessor.getSequence());
            for (int i = 0; i < config.workers; i++) {
                final DetectionWorker worker = new DetectionWorker(
                    config.detectorFactory.create(i, config.workers), alertRing, counters);
                final BatchEventProcessor<TelemetryEvent> p =
                    new BatchEventProcessorBuilder().build(ring, afterJournal, worker);
                p.setExceptionHandler(exceptions.forEvents());
                processors.add(p);
                terminal.add(p.getSequence());
            }
        } else {
            terminal.add(journalProcessor.getSequence());
        }
        this.terminalSequences = terminal.toArray(new Sequence[0]);
        ring.addGatingSequences(terminalSequences);
        processors.add(alertProcessor);
    }

    private String listenerName(final int id) {
        final var c = counters.listener(id);
        return c == null ? null : c.name();
    }

    private static WaitStrategy waitStrategy(final String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "blocking":
                return new BlockingWaitStrategy();
            case "yielding":
                return new YieldingWaitStrategy();
            case "busy-spin":
            case "busyspin":
                return new BusySpinWaitStrategy();
            case "sleeping":
                return new SleepingWaitStrategy();
            case "backoff":
                return new BackoffWaitStrategy();
            default:
                throw new IllegalArgumentException("unknown wait strategy '" + name
                    + "' (expected backoff, sleeping, blocking, yielding or busy-spin)");
        }
    }

    /** Starts the worker threads. */
    public synchronized void start() {
        if (started) {
            return;
        }
        int n = 0;
        for (final BatchEventProcessor<?> p : processors) {
            final Thread t = new Thread(p, "vigie-" + threadName(n++));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        started = true;
        LOG.info("engine started, dataDir={}, ringSize={}, workers={}, sync={}, wait={}", config.dataDir,
            config.ringSize, config.workers, config.syncPolicy.name().toLowerCase(Locale.ROOT), config.waitStrategy);
    }

    private static String threadName(final int n) {
        return n == 0 ? "journal" : "worker-" + n;
    }

    /** The event ring ingest publishes into. */
    public RingBuffer<TelemetryEvent> ring() {
        return ring;
    }

    public EngineCounters counters() {
        return counters;
    }

    public Configuration configuration() {
        return config;
    }

    /** Registers a callback run on the alert thread after each alert is appended (position set). */
    public void addAlertListener(final Consumer<Alert> listener) {
        alertListeners.add(listener);
    }

    /** Appends an alert from outside the rule workers (e.g. feeds, federation); thread-safe, may block briefly. */
    public void emit(final Alert alert) {
        AlertWorker.publish(alertRing, alert);
    }

    /**
     * Waits until every event published so far has passed all workers and every alert raised so far is journaled.
     *
     * @return false on timeout
     */
    public boolean drain(final long timeout, final TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        final long target = ring.getCursor();
        for (final Sequence s : terminalSequences) {
            while (s.get() < target) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(1);
            }
        }
        final long alertTarget = alertRing.getCursor();
        while (alertSequence.get() < alertTarget) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /**
     * The raw-journal worker's progress: every ring sequence at or below its value has been appended to the raw
     * journal (and synced per the policy). Acknowledging inputs (RELP, HTTP, Kafka) poll it to ack after append.
     */
    public Sequence persistedSequence() {
        return journalSequence;
    }

    /** Free slots in the event ring ({@code vigie_ring_remaining_capacity}). */
    public long remainingCapacity() {
        return ring.remainingCapacity();
    }

    @Override
    public synchronized void close() {
        try {
            drain(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (final BatchEventProcessor<?> p : processors) {
            p.halt();
        }
        for (final Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Appenders are closed by their worker threads' onShutdown; the queues here.
        journal.close();
        quarantine.close();
        alertAppender.close();
        LOG.info("engine stopped");
    }
}
