package io.vigie.ingest.transport.kafka;

import io.vigie.engine.Engine;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.journal.RawJournalReader;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.FrameDecoder;
import io.vigie.ingest.codec.message.MessageDecoders;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link KafkaSource} against a real in-process KRaft broker: acknowledged delivery, poison records, crash. */
@Timeout(120)
class KafkaSourceIT {
    private static final int RECORDS = 10_000;
    @SuppressWarnings("UnnecessaryLambda") // a factory: a new decoder per call
    private static final Supplier<FrameDecoder> DECODERS =
        () -> new AutoDetectDecoder(io.vigie.engine.ring.EventFormat.AUTO, new DecoderSettings(),
            new MessageDecoders());

    @TempDir
    static Path brokerDir;
    static EmbeddedKafka kafka;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = new EmbeddedKafka(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldJournalEveryRecordOnceAndCommitToTheEnd() throws Exception {
        kafka.createTopic("in-all", 2);
        produce("in-all", RECORDS, true);
        final EngineCounters counters = new EngineCounters();
        try (Engine engine = engine(counters)) {
            final KafkaSource source = new KafkaSource(settings("in-all", "g-all"), engine, DECODERS);
            source.start();
            final Map<TopicPartition, Long> end = endOffsets("in-all");
            await(() -> end.equals(committedOrEmpty("g-all")), "committed offsets reach the end offsets");
            source.close();
            assertEquals(end, kafka.committed("g-all"));
            assertEquals(2, source.poisonRecords());
            assertEquals(RECORDS + 2, counters.listener("kafka").received());
            assertEquals(RECORDS, counters.listener("kafka").persisted());
            assertEquals(2, counters.listener("kafka").rejected());
        }
        final Map<Integer, List<Long>> seen = journal();
        assertEquals(RECORDS, seen.size());
        for (final Map.Entry<Integer, List<Long>> e : seen.entrySet()) {
            assertEquals(List.of((long) e.getKey() / 2), e.getValue(), "record " + e.getKey() + " exactly once");
        }
    }

    @Test
    void shouldLoseNothingAfterACrashAndDuplicateOnlyTheUncommittedTail() throws Exception {
        kafka.createTopic("in-crash", 2);
        produce("in-crash", RECORDS, false);
        final EngineCounters counters = new EngineCounters();
        final Map<TopicPartition, Long> atCrash;
        try (Engine engine = engine(counters)) {
            final KafkaSettings s = settings("in-crash", "g-crash");
            s.maxPollRecords = 50;
            // A slowed decoder (200 us per record) so that the crash really lands mid-run on a fast machine.
            final KafkaSource first = new KafkaSource(s, engine, () -> {
                final io.vigie.ingest.codec.FrameDecoder d = DECODERS.get();
                return e -> {
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                    d.decode(e);
                };
            });
            first.start();
            await(() -> total(committedOrEmpty("g-crash")) >= RECORDS / 3, "a third committed");
            first.closeWithoutCommit();
            atCrash = kafka.committed("g-crash");
            assertTrue(total(atCrash) < RECORDS, "crashed mid-run: " + atCrash);

            final KafkaSource second = new KafkaSource(settings("in-crash", "g-crash"), engine, DECODERS);
            second.start();
            final Map<TopicPartition, Long> end = endOffsets("in-crash");
            await(() -> end.equals(committedOrEmpty("g-crash")), "committed offsets reach the end offsets");
            second.close();
        }
        final Map<Integer, List<Long>> seen = journal();
        assertEquals(RECORDS, seen.size(), "no record lost");
        int duplicated = 0;
        for (final Map.Entry<Integer, List<Long>> e : seen.entrySet()) {
            final int id = e.getKey();
            final long offset = id / 2;
            for (final long line : e.getValue()) {
                assertEquals(offset, line, "kafka offset journaled as the source line, record " + id);
            }
            if (e.getValue().size() > 1) {
                duplicated++;
                assertEquals(2, e.getValue().size(), "at most one re-read, record " + id);
                final long committed = atCrash.getOrDefault(new TopicPartition("in-crash", id % 2), 0L);
                assertTrue(offset >= committed, "duplicate " + id + " at offset " + offset
                    + " is past the committed offset " + committed);
            }
        }
        assertTrue(duplicated <= RECORDS - total(atCrash), "duplicates within the uncommitted tail");
    }

    private Engine engine(final EngineCounters counters) {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dataDir;
        c.ringSize = 1024;
        final Engine engine = new Engine(c, counters);
        engine.start();
        return engine;
    }

    private static KafkaSettings settings(final String topic, final String group) {
        final KafkaSettings s = new KafkaSettings();
        s.bootstrap = kafka.bootstrap();
        s.groupId = group;
        s.topics = List.of(topic);
        return s;
    }

    /** Record i goes to partition i % 2 (so its offset is i / 2); two empty (poison) records at the end if asked. */
    private static void produce(final String topic, final int n, final boolean poison) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            for (int i = 0; i < n; i++) {
                final byte[] v = ("<13>1 2026-03-01T10:00:00Z web-1 app - - - kafka test record id=" + i)
                    .getBytes(StandardCharsets.UTF_8);
                p.send(new ProducerRecord<>(topic, i % 2, null, v));
            }
            if (poison) {
                p.send(new ProducerRecord<>(topic, 0, null, new byte[0]));
                p.send(new ProducerRecord<>(topic, 1, null, new byte[0]));
            }
            p.flush();
        }
    }

    /** Record id to the source lines (offsets) of its journal copies. */
    private Map<Integer, List<Long>> journal() {
        final Map<Integer, List<Long>> seen = new HashMap<>();
        final TelemetryEvent e = new TelemetryEvent();
        try (RawJournalReader r = new RawJournalReader(dataDir.resolve("raw"))) {
            while (r.next(e)) {
                assertEquals("kafka", r.listenerName());
                final String raw = new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8);
                final int id = Integer.parseInt(raw.substring(raw.indexOf("id=") + 3));
                seen.computeIfAbsent(id, k -> new ArrayList<>()).add(e.sourceLine);
            }
        }
        return seen;
    }

    private static Map<TopicPartition, Long> endOffsets(final String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrap(),
            "key.deserializer", ByteArrayDeserializer.class.getName(),
            "value.deserializer", ByteArrayDeserializer.class.getName()))) {
            return new HashMap<>(c.endOffsets(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1))));
        }
    }

    private static Map<TopicPartition, Long> committedOrEmpty(final String group) {
        try {
            return kafka.committed(group);
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static long total(final Map<TopicPartition, Long> offsets) {
        long t = 0;
        for (final long o : offsets.values()) {
            t += o;
        }
        return t;
    }

    static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    static Duration seconds(final long s) {
        return Duration.ofSeconds(s);
    }
}
