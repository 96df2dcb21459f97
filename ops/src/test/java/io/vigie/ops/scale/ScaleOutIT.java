package io.vigie.ops.scale;

import io.vigie.engine.Engine;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.FrameDecoder;
import io.vigie.ingest.transport.kafka.KafkaSettings;
import io.vigie.ingest.transport.kafka.KafkaSource;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import io.vigie.ingest.transport.kafka.EmbeddedKafka;
import io.vigie.ops.server.DetectionSetup;
import io.vigie.ops.server.Settings;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Scale-out on a real in-process KRaft broker: engine nodes in one consumer group on a topic keyed by source IP
 * raise the same correlation alerts as one node, also when a node leaves mid-run and its partitions move (the new
 * owner rebuilds their state from the topic, alerts of the rebuild suppressed).
 */
@Timeout(120)
class ScaleOutIT {
    private static final String TOPIC = "events";
    private static final int PARTITIONS = 4;
    private static final int IPS = 60;
    private static final String RULES = String.join("\n",
        "title: Kafka test failed login",
        "id: 3f0d8a52-1c4e-4b7a-9e21-6a5b0c7d8e11",
        "name: kt_failed_login",
        "status: test",
        "logsource: {product: kafkatest}",
        "detection:",
        "  selection: {event.action: login, event.outcome: failure}",
        "  condition: selection",
        "level: low",
        "---",
        "title: Kafka test many failed logins from one source",
        "id: 8b2e6f14-5d3a-4c09-b7e8-2f1a9c4d6e22",
        "correlation:",
        "  type: event_count",
        "  rules: [kt_failed_login]",
        "  group-by: [source.ip]",
        "  timespan: 10m",
        "  condition: {gte: 5}",
        "level: high",
        "");

    @TempDir
    static Path brokerDir;
    static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = new EmbeddedKafka(brokerDir);
        kafka.createTopic(TOPIC, PARTITIONS);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** One engine node: detection as the server builds it, a Kafka input, the alerts it raised. */
    private final class Node implements AutoCloseable {
        final Engine engine;
        final KafkaSource source;
        final List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());

        Node(final String name, final String group) throws Exception {
            final Path rules = dir.resolve("rules.yml");
            if (!Files.exists(rules)) {
                Files.writeString(rules, RULES);
            }
            final VigieConfig config = ConfigLoader.defaults();
            final DetectionSetup detection = DetectionSetup.create(config, List.of(rules));
            final EngineCounters counters = new EngineCounters();
            final KafkaSettings in = new KafkaSettings();
            in.bootstrap = kafka.bootstrap();
            in.groupId = group;
            in.topics = List.of(TOPIC);
            in.rebuildWindow = Duration.ofMinutes(15);
            final int rebuildId = counters.listener(KafkaSource.rebuildListenerName(in.name)).id();
            final Engine.Configuration ec = Settings.engine(config, dir.resolve(name),
                new RebuildSuppression(detection.factory(), rebuildId));
            ec.ringSize = 1024;
            engine = new Engine(ec, counters);
            engine.addAlertListener(alerts::add);
            engine.start();
            source = new KafkaSource(in, engine, () -> new AutoDetectDecoder(EventFormat.AUTO,
                new DecoderSettings(), detection.messageDecoders().get()));
            source.start();
        }

        @Override
        public void close() {
            source.close();
            engine.close();
        }
    }

    @Test
    @SuppressWarnings("try") // node b leaves mid-test by an explicit close; the try closes it again (idempotent)
    void shouldRaiseTheSameAlertsAsOneNodeAcrossARebalance() throws Exception {
        final List<byte[]> events = events();
        // 13 sources cross before the split (their rebuild must stay silent), 23 after (they need the rebuilt counts).
        final int split = events.size() * 3 / 5;

        final List<Alert> split2;
        try (Node a = new Node("a", "g-split"); Node b = new Node("b", "g-split")) {
            await(() -> a.source.assignment().size() == 2 && b.source.assignment().size() == 2, "two owners");
            send(events.subList(0, split));
            await(() -> kafka.committedOrEmpty("g-split").equals(end()), "first half committed");
            b.close();
            await(() -> a.source.assignment().size() == PARTITIONS, "node a owns every partition");
            send(events.subList(split, events.size()));
            await(() -> kafka.committedOrEmpty("g-split").equals(end()), "second half committed");
            assertTrue(a.engine.drain(10, TimeUnit.SECONDS));
            assertTrue(a.source.rebuilt() > 0, "node a rebuilt the moved partitions");
            split2 = new ArrayList<>(a.alerts);
            split2.addAll(b.alerts);
        }

        final List<Alert> single;
        try (Node s = new Node("single", "g-single")) {
            await(() -> kafka.committedOrEmpty("g-single").equals(end()), "single node committed everything");
            assertTrue(s.engine.drain(10, TimeUnit.SECONDS));
            single = new ArrayList<>(s.alerts);
        }

        final Map<String, String> expected = crossings(single);
        int sources = 0;
        for (int k = 0; k < IPS; k++) {
            sources += failures(k) >= 5 ? 1 : 0;
        }
        assertEquals(sources, expected.size(), "one crossing per source failing 5 times or more: " + expected);
        assertEquals(expected, crossings(split2));
    }

    /**
     * Alert id to "rule group count" of its first emission (the crossing); fails if a crossing is emitted twice
     * (a rebuild that was not suppressed).
     */
    private static Map<String, String> crossings(final List<Alert> alerts) {
        final Map<String, String> first = new TreeMap<>();
        final Map<String, Long> min = new TreeMap<>();
        for (final Alert a : alerts) {
            final Long m = min.get(a.alertId);
            if (m == null || a.count < m) {
                min.put(a.alertId, a.count);
                first.put(a.alertId, a.ruleId + " " + a.group + " " + a.count);
            } else {
                assertFalse(a.count == m, "crossing emitted twice: " + a.alertId + " " + a.group);
            }
        }
        return first;
    }

    /**
     * Failed logins in rounds; source k (of {@value #IPS}) fails {@code k % 8 + 1} times, and every fourth source
     * eight times more early (crossing before the split). Event times run over two minutes ending a minute ago.
     */
    private static List<byte[]> events() {
        final List<byte[]> out = new ArrayList<>();
        final Instant base = Instant.now().minusSeconds(180);
        int n = 0;
        for (int round = 0; round < 16; round++) {
            for (int k = 0; k < IPS; k++) {
                if (round < failures(k)) {
                    final String line = "{\"@timestamp\":\"" + base.plusMillis(100L * n++)
                        + "\",\"event.module\":\"kafkatest\",\"event.action\":\"login\",\"event.outcome\":\"failure\""
                        + ",\"source.ip\":\"198.51.100." + k + "\"}";
                    out.add(line.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static int failures(final int source) {
        return source % 8 + 1 + (source % 4 == 0 ? 8 : 0);
    }

    private static void send(final List<byte[]> lines) throws java.io.IOException {
        final FrameDecoder decoder = new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(),
            new io.vigie.ingest.codec.message.MessageDecoders());
        try (KafkaForwarder f = new KafkaForwarder(kafka.bootstrap(), TOPIC, decoder, "source.ip")) {
            for (final byte[] line : lines) {
                f.send(line);
            }
            f.flush();
        }
    }

    @Test
    void shouldReportALineKafkaRefusesInsteadOfLosingIt() throws Exception {
        final FrameDecoder decoder = new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(),
            new io.vigie.ingest.codec.message.MessageDecoders());
        final Map<TopicPartition, Long> before = end();
        try (KafkaForwarder f = new KafkaForwarder(kafka.bootstrap(), TOPIC, decoder, "source.ip")) {
            // Over the producer's max.request.size (1 MiB): refused before it reaches the broker.
            final byte[] huge = new byte[2 << 20];
            java.util.Arrays.fill(huge, (byte) 'x');
            f.send(huge);
            final java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                f::flush);
            assertTrue(e.getMessage().contains("1 line(s) so far not accepted by Kafka topic " + TOPIC),
                e.getMessage());
            assertEquals(1, f.failedSends());
            f.flush();
        }
        assertEquals(before, end(), "nothing reached the topic");
    }

    private static Map<TopicPartition, Long> end() {
        try {
            return kafka.endOffsets(TOPIC, PARTITIONS);
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
