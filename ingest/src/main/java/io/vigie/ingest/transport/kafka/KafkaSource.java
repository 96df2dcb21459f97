package io.vigie.ingest.transport.kafka;

import io.vigie.engine.Engine;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.FrameDecoder;
import io.vigie.ingest.publish.RingPublisher;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Kafka input: one consumer (member of {@link KafkaSettings#groupId}) on its own thread, publishing each record's
 * value as one frame into the event ring (listener {@link KafkaSettings#name}, BLOCK policy: back-pressure, no
 * loss). Acknowledged delivery (DESIGN.md section 4): a partition's offset is committed only up to the highest record
 * whose ring sequence the raw journal has persisted ({@link Engine#persistedSequence()}), so a {@code kill -9} loses
 * no committed record; the records after the last commit are read again (duplicates, recognisable by
 * {@code kafka.topic}/{@code kafka.partition}/{@code kafka.offset}, the offset also being the journaled
 * {@code sourceLine}). A record the decoder rejects (poison) goes to the quarantine and its offset is committed too.
 *
 * <p>Rebalance: on revocation the source waits (bounded by {@link KafkaSettings#drainTimeout}) until the engine has
 * processed what it published, then commits what is persisted, never past it. On assignment with a
 * {@link KafkaSettings#rebuildWindow}, a partition whose correlation state this node does not hold is re-read from
 * {@code offsetsForTimes(now - rebuildWindow)} up to its committed offset under the listener
 * {@code <name>-rebuild} (see {@link #rebuildListenerName}), whose alerts the detection suppresses, then goes live.
 *
 * <p>Threading: the consumer and the publishers are confined to the source thread; the getters are safe anywhere.
 */
public final class KafkaSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    private static final byte[] EMPTY = new byte[0];

    private final KafkaSettings settings;
    private final Engine engine;
    private final KafkaRecordDecoder decoder;
    private final KafkaRecordDecoder rebuildDecoder;
    private final RingPublisher publisher;
    private final RingPublisher rebuildPublisher;
    private final ListenerCounters counters;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    /** Offset after the last record published per partition this node gave up cleanly (its state is current). */
    private final Map<TopicPartition, Long> handedOver = new HashMap<>();
    private final Map<TopicPartition, Long> committedView = new ConcurrentHashMap<>();
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile boolean running;
    private volatile boolean abort;
    private volatile long published;
    private volatile long rebuilt;
    private volatile long commitFailures;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;
    private long lastCommitNanos;

    /** Per-partition progress; confined to the source thread. */
    private static final class PartitionState {
        final PendingOffsets pending = new PendingOffsets();
        /** Records below this offset are rebuild records (not journaled as new input, not committed). */
        long rebuildUntil = -1;
        long committed = -1;
        long next = -1;
    }

    /**
     * @param settings input settings
     * @param engine   the engine (ring, counters, persisted sequence)
     * @param decoders creates the frame decoders (two are taken: live and rebuild), confined to the source thread
     */
    public KafkaSource(final KafkaSettings settings, final Engine engine, final Supplier<FrameDecoder> decoders) {
        this.settings = settings;
        this.engine = engine;
        this.counters = engine.counters().listener(settings.name);
        final ListenerCounters rebuildCounters = engine.counters().listener(rebuildListenerName(settings.name));
        this.decoder = new KafkaRecordDecoder(decoders.get());
        this.rebuildDecoder = new KafkaRecordDecoder(decoders.get());
        this.publisher = new RingPublisher(engine.ring(), counters, decoder, engine.counters().latencies(),
            RingPublisher.Policy.BLOCK, settings.tlp);
        this.rebuildPublisher = new RingPublisher(engine.ring(), rebuildCounters, rebuildDecoder, null,
            RingPublisher.Policy.BLOCK, settings.tlp);
    }

    /** The listener name under which rebuild records of input {@code name} are published. */
    public static String rebuildListenerName(final String name) {
        return name + "-rebuild";
    }

    /** Consumer properties the source uses (its defaults, then {@link KafkaSettings#consumerProperties}). */
    public static Map<String, Object> consumerProperties(final KafkaSettings s) {
        final Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, s.maxPollRecords);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigie-" + s.name);
        // Only moved partitions are revoked: the others keep their correlation state and need no rebuild.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName()));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(s.consumerProperties);
        return p;
    }

    /** Creates the consumer, subscribes and starts the source thread. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        consumer = new KafkaConsumer<>(consumerProperties(settings));
        running = true;
        thread = new Thread(this::run, "vigie-kafka-" + settings.name);
        thread.setDaemon(true);
        thread.start();
        LOG.info("kafka input started, name={}, bootstrap={}, group={}, topics={}, rebuildWindowS={}",
            settings.name, settings.bootstrap, settings.groupId, settings.topics,
            settings.rebuildWindow.toSeconds());
    }

    private void run() {
        try {
            consumer.subscribe(settings.topics, new Rebalance());
            while (running) {
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(settings.pollTimeout);
                for (final TopicPartition tp : records.partitions()) {
                    final PartitionState p = partitions.get(tp);
                    for (final ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                        publish(p, r);
                    }
                }
                if (System.nanoTime() - lastCommitNanos >= settings.commitInterval.toNanos()) {
                    commitPersisted(partitions.keySet());
                }
            }
        } catch (WakeupException e) {
            // close() or closeWithoutCommit(): fall through to the shutdown below.
        } catch (KafkaException | IllegalStateException e) {
            LOG.error("kafka input failed, name={}, error={}", settings.name, e.toString());
        } finally {
            try {
                if (!abort) {
                    awaitProcessed();
                    commitPersisted(partitions.keySet());
                }
            } catch (KafkaException e) {
                LOG.warn("kafka final commit failed, name={}, error={}", settings.name, e.toString());
            } finally {
                consumer.close();
            }
        }
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // single writer: this thread; volatile for readers
    private void publish(final PartitionState p, final ConsumerRecord<byte[], byte[]> r) {
        final byte[] value = r.value() == null ? EMPTY : r.value();
        final long offset = r.offset();
        if (p != null) {
            p.next = offset + 1;
        }
        if (p != null && offset < p.rebuildUntil) {
            rebuildDecoder.record(r.topic(), r.partition(), offset);
            rebuildPublisher.publish(value, 0, value.length, -1, offset);
            rebuilt++;
            return;
        }
        decoder.record(r.topic(), r.partition(), offset);
        publisher.publish(value, 0, value.length, -1, offset);
        if (p != null) {
            p.pending.add(publisher.lastSequence(), offset);
        }
        published++;
    }

    /** Commits, per partition, the offset after the highest record the raw journal holds. Source thread only. */
    @SuppressWarnings("NonAtomicVolatileUpdate") // single writer: this thread; volatile for readers
    private void commitPersisted(final Collection<TopicPartition> which) {
        lastCommitNanos = System.nanoTime();
        final long persisted = engine.persistedSequence().get();
        Map<TopicPartition, OffsetAndMetadata> commits = null;
        for (final TopicPartition tp : which) {
            final PartitionState p = partitions.get(tp);
            if (p == null) {
                continue;
            }
            final long last = p.pending.removePersisted(persisted);
            if (last >= 0 && last + 1 > p.committed) {
                if (commits == null) {
                    commits = new HashMap<>();
                }
                commits.put(tp, new OffsetAndMetadata(last + 1));
            }
        }
        if (commits == null) {
            return;
        }
        try {
            consumer.commitSync(commits);
            for (final Map.Entry<TopicPartition, OffsetAndMetadata> c : commits.entrySet()) {
                partitions.get(c.getKey()).committed = c.getValue().offset();
                committedView.put(c.getKey(), c.getValue().offset());
            }
        } catch (CommitFailedException e) {
            // The group moved on (rebalance, fencing): those records will be read again by the new owner.
            commitFailures++;
            LOG.warn("kafka commit failed, name={}, partitions={}, error={}", settings.name, commits.keySet(),
                e.toString());
        }
    }

    /** Waits (bounded) until the engine has processed every record published so far. */
    private void awaitProcessed() {
        try {
            if (!engine.drain(settings.drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("kafka input drain timed out, name={}, timeoutMs={}", settings.name,
                    settings.drainTimeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs inside {@code poll} on the source thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            if (!abort) {
                awaitProcessed();
                commitPersisted(revoked);
            }
            for (final TopicPartition tp : revoked) {
                final PartitionState p = partitions.remove(tp);
                if (p != null && p.pending.size() == 0 && p.next >= 0 && p.committed == p.next) {
                    handedOver.put(tp, p.next);
                } else {
                    handedOver.remove(tp);
                }
                committedView.remove(tp);
            }
            updateAssignment();
            LOG.info("kafka partitions revoked, name={}, partitions={}", settings.name, revoked);
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> lost) {
            for (final TopicPartition tp : lost) {
                partitions.remove(tp);
                handedOver.remove(tp);
                committedView.remove(tp);
            }
            updateAssignment();
            LOG.warn("kafka partitions lost, name={}, partitions={}", settings.name, lost);
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> assigned) {
            if (assigned.isEmpty()) {
                return;
            }
            final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned));
            final Map<TopicPartition, Long> rebuildFrom = new HashMap<>();
            final long from = System.currentTimeMillis() - settings.rebuildWindow.toMillis();
            for (final TopicPartition tp : assigned) {
                final PartitionState p = new PartitionState();
                partitions.put(tp, p);
                final OffsetAndMetadata c = committed.get(tp);
                if (c != null) {
                    p.committed = c.offset();
                    committedView.put(tp, c.offset());
                }
                final Long ours = handedOver.remove(tp);
                if (!settings.rebuildWindow.isZero() && c != null && c.offset() > 0
                    && (ours == null || ours != c.offset())) {
                    rebuildFrom.put(tp, from);
                }
            }
            if (!rebuildFrom.isEmpty()) {
                final Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(rebuildFrom);
                for (final Map.Entry<TopicPartition, OffsetAndTimestamp> f : found.entrySet()) {
                    final PartitionState p = partitions.get(f.getKey());
                    // Null: no record at or after the time; never seek past the committed offset.
                    if (f.getValue() != null && f.getValue().offset() < p.committed) {
                        consumer.seek(f.getKey(), f.getValue().offset());
                        p.rebuildUntil = p.committed;
                        LOG.info("kafka partition rebuilding, name={}, partition={}, fromOffset={}, liveOffset={}",
                            settings.name, f.getKey(), f.getValue().offset(), p.committed);
                    }
                }
            }
            updateAssignment();
            LOG.info("kafka partitions assigned, name={}, partitions={}", settings.name, assigned);
        }
    }

    private void updateAssignment() {
        assignment = Set.copyOf(partitions.keySet());
    }

    /** Partitions currently assigned to this source. */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    /** Offsets this source has committed (or found committed) for its assigned partitions. */
    public Map<TopicPartition, Long> committed() {
        return Map.copyOf(committedView);
    }

    /** Records published as live input (rebuild records excluded). */
    public long published() {
        return published;
    }

    /** Records re-read to rebuild correlation state. */
    public long rebuilt() {
        return rebuilt;
    }

    /** Records the decoder rejected (quarantined, offsets committed). */
    public long poisonRecords() {
        return decoder.rejected();
    }

    /** Commits refused by the group coordinator (those records are read again by the partition's next owner). */
    public long commitFailures() {
        return commitFailures;
    }

    /** The live listener's counters. */
    public ListenerCounters counters() {
        return counters;
    }

    /**
     * Stops the source: waits (bounded) for the engine to process what was published, commits what is persisted,
     * leaves the group. Idempotent.
     */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Stops without committing anything more, as a crash would (crash drills and tests): the records after the
     * last commit are read again by the partition's next owner.
     */
    public void closeWithoutCommit() {
        stop(true);
    }

    private synchronized void stop(final boolean withoutCommit) {
        if (thread == null) {
            return;
        }
        abort = withoutCommit;
        running = false;
        consumer.wakeup();
        try {
            thread.join(settings.drainTimeout.toMillis() + 30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
        LOG.info("kafka input stopped, name={}, published={}, rebuilt={}, poison={}, committed={}", settings.name,
            published, rebuilt, poisonRecords(), committedView);
    }
}
