package io.vigie.ops.feed.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.Engine;
import io.vigie.ingest.transport.kafka.EmbeddedKafka;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.status.EngineCounters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link KafkaAlertSink} against a real in-process KRaft broker: alerts in = records out, restart resumes. */
@Timeout(120)
class KafkaAlertSinkIT {
    private static final String TOPIC = "alerts";

    @TempDir
    static Path brokerDir;
    static EmbeddedKafka kafka;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = new EmbeddedKafka(brokerDir);
        kafka.createTopic(TOPIC, 3);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldSendEveryAlertOnceAndResumeAfterRestart() throws Exception {
        final KafkaAlertSink.Settings s = new KafkaAlertSink.Settings();
        s.bootstrap = kafka.bootstrap();
        s.topic = TOPIC;
        s.batch = 16;
        final Path position = dataDir.resolve("feeds").resolve("kafka-alerts.position");
        final List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (Engine engine = engine();
             KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            emit(engine, 0, 50);
            final KafkaAlertSink first = new KafkaAlertSink(s, dataDir.resolve("alerts"), position);
            first.start();
            read(consumer, out, 50);
            first.close();
            assertEquals(50, first.sent());

            emit(engine, 50, 30);
            final KafkaAlertSink second = new KafkaAlertSink(s, dataDir.resolve("alerts"), position);
            second.start();
            read(consumer, out, 80);
            second.close();
            assertEquals(30, second.sent());
            Thread.sleep(200);
            read(consumer, out, 80);
        }
        final Set<String> ids = new HashSet<>();
        final ObjectMapper json = new ObjectMapper();
        for (final ConsumerRecord<byte[], byte[]> r : out) {
            final JsonNode a = json.readTree(r.value());
            assertTrue(ids.add(a.get("alert_id").asText()), "no duplicate: " + a);
            final int n = Integer.parseInt(a.get("alert_id").asText().substring("a-".length()));
            assertEquals("rule-" + (n % 2) + "|source.ip=192.0.2." + (n % 5) + ",user.name=u" + (n % 3),
                new String(r.key(), StandardCharsets.UTF_8));
        }
        assertEquals(80, ids.size());
    }

    private Engine engine() {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dataDir;
        c.ringSize = 1024;
        final Engine e = new Engine(c, new EngineCounters());
        e.start();
        return e;
    }

    private static void emit(final Engine engine, final int from, final int n) throws InterruptedException {
        for (int i = from; i < from + n; i++) {
            final Alert a = new Alert();
            a.alertId = "a-" + i;
            a.timeNanos = System.currentTimeMillis() * 1_000_000L;
            a.soc = "test";
            a.ruleId = "rule-" + (i % 2);
            a.ruleTitle = "test rule";
            a.ruleType = "event_count";
            // Inserted out of name order: the key sorts the group fields.
            a.group.put("user.name", "u" + (i % 3));
            a.group.put("source.ip", "192.0.2." + (i % 5));
            a.count = 5;
            engine.emit(a);
        }
        assertTrue(engine.drain(10, TimeUnit.SECONDS));
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        final KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrap(),
            "key.deserializer", ByteArrayDeserializer.class.getName(),
            "value.deserializer", ByteArrayDeserializer.class.getName()));
        final List<TopicPartition> parts = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
            new TopicPartition(TOPIC, 2));
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    private static void read(final KafkaConsumer<byte[], byte[]> c, final List<ConsumerRecord<byte[], byte[]>> out,
                             final int total) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        do {
            for (final ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                out.add(r);
            }
            if (System.nanoTime() > deadline) {
                fail("timed out: " + out.size() + " of " + total + " alerts read");
            }
        } while (out.size() < total);
    }
}
