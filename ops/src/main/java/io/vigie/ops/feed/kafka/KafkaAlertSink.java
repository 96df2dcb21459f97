package io.vigie.ops.feed.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vigie.engine.journal.AlertTailer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;

/**
 * Kafka output: an {@link AlertTailer} on its own thread reads the alert journal from a persisted position and
 * produces each alert JSON line to a topic, keyed by the alert's group ({@link #key}: rule id and the sorted group
 * values, so one incident's updates stay in one partition and in order), with an idempotent producer
 * ({@code enable.idempotence=true}, {@code acks=all}).
 *
 * <p>Delivery: the journal position of the last alert sent is written to a small file only after Kafka has
 * acknowledged every alert up to it (batch, then {@code flush}, then fsync of the position), so a restart resumes
 * with no gap. Duplicates are possible only for the alerts in flight at a crash (sent, not yet acknowledged or not
 * yet recorded); they carry the same {@code alert_id}. A failed send is retried from the last recorded position.
 */
public final class KafkaAlertSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAlertSink.class);
    private static final JsonFactory JSON = new JsonFactory();

    /** Output settings; every field has a default. */
    public static final class Settings {
        /** Kafka {@code bootstrap.servers}. */
        public String bootstrap = "127.0.0.1:9092";
        /** Alerts topic. */
        public String topic = "vigie-alerts";
        /** Alerts sent per acknowledged batch. */
        public int batch = 500;
        /** Wait when the journal has no new alert. */
        public Duration idle = Duration.ofMillis(50);
        /** Wait before resending after a failed batch. */
        public Duration retryBackoff = Duration.ofSeconds(1);
        /** Extra producer properties (security, client id...); they override the defaults. */
        public Map<String, Object> producerProperties = new LinkedHashMap<>();
    }

    private final Settings settings;
    private final Path alertDir;
    private final Path positionFile;
    private volatile boolean running;
    private volatile long sent;
    private volatile long position = -1;
    private volatile long failures;
    private Thread thread;

    /**
     * @param settings     output settings
     * @param alertDir     the alert journal directory ({@code <data_dir>/alerts})
     * @param positionFile where the position of the last acknowledged alert is kept (e.g.
     *                     {@code <data_dir>/feeds/kafka-alerts.position})
     */
    public KafkaAlertSink(final Settings settings, final Path alertDir, final Path positionFile) {
        this.settings = settings;
        this.alertDir = alertDir;
        this.positionFile = positionFile;
    }

    /** Producer properties the sink uses (its defaults, then {@link Settings#producerProperties}). */
    public static Map<String, Object> producerProperties(final Settings s) {
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "vigie-alerts");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(s.producerProperties);
        return p;
    }

    /** Reads the recorded position and starts the sink thread. */
    public synchronized void start() throws IOException {
        if (thread != null) {
            return;
        }
        position = readPosition(positionFile);
        running = true;
        thread = new Thread(this::run, "vigie-kafka-alerts");
        thread.setDaemon(true);
        thread.start();
        LOG.info("kafka alert sink started, bootstrap={}, topic={}, fromPosition={}", settings.bootstrap,
            settings.topic, position);
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // single writer: this thread; volatile for readers
    private void run() {
        AlertTailer tailer = null;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(settings))) {
            tailer = open(position);
            final List<Future<?>> inFlight = new ArrayList<>();
            while (running) {
                long last = -1;
                inFlight.clear();
                for (int i = 0; i < settings.batch; i++) {
                    final byte[] json = tailer.next();
                    if (json == null) {
                        break;
                    }
                    last = tailer.lastIndex();
                    inFlight.add(producer.send(new ProducerRecord<>(settings.topic, key(json), json)));
                }
                if (last < 0) {
                    sleep(settings.idle);
                    continue;
                }
                if (acknowledged(producer, inFlight)) {
                    writePosition(positionFile, last);
                    position = last;
                    sent += inFlight.size();
                } else {
                    failures++;
                    sleep(settings.retryBackoff);
                    tailer.close();
                    tailer = open(position);
                }
            }
        } catch (IOException | KafkaException | IllegalArgumentException e) {
            LOG.error("kafka alert sink failed, topic={}, error={}", settings.topic, e.toString());
        } finally {
            if (tailer != null) {
                tailer.close();
            }
        }
    }

    private boolean acknowledged(final KafkaProducer<byte[], byte[]> producer, final List<Future<?>> inFlight) {
        producer.flush();
        for (final Future<?> f : inFlight) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("kafka alert send failed, topic={}, error={}", settings.topic, e.getCause().toString());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** A tailer positioned just after {@code index} (at the start when -1, or when the index is gone). */
    private AlertTailer open(final long index) {
        final AlertTailer tailer = new AlertTailer(alertDir);
        if (index < 0) {
            return tailer;
        }
        if (tailer.moveTo(index)) {
            tailer.next();
            return tailer;
        }
        LOG.warn("kafka alert sink position not in the journal, position={}, resuming at the start", index);
        tailer.close();
        return new AlertTailer(alertDir);
    }

    /**
     * The record key of an alert: {@code <rule id>|<field>=<value>,...} over the group fields in name order
     * (a single-event detection: the rule id alone). Stable for every update of one incident.
     */
    public static byte[] key(final byte[] alertJson) throws IOException {
        String rule = "";
        final Map<String, String> group = new TreeMap<>();
        try (JsonParser p = JSON.createParser(alertJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String field = p.currentName();
                final JsonToken t = p.nextToken();
                if ("rule".equals(field) && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        final String f = p.currentName();
                        p.nextToken();
                        if ("id".equals(f)) {
                            rule = p.getValueAsString("");
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if ("group".equals(field) && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        final String f = p.currentName();
                        p.nextToken();
                        group.put(f, p.getValueAsString(""));
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        final StringBuilder k = new StringBuilder(rule);
        char sep = '|';
        for (final Map.Entry<String, String> e : group.entrySet()) {
            k.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ',';
        }
        return k.toString().getBytes(StandardCharsets.UTF_8);
    }

    static long readPosition(final Path file) throws IOException {
        if (!Files.exists(file)) {
            return -1;
        }
        final String s = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException("bad kafka alert sink position in " + file + ": " + s, e);
        }
    }

    /** Writes the position durably: temp file, fsync, atomic rename. */
    static void writePosition(final Path file, final long index) throws IOException {
        final Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        final Path tmp = parent.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap((index + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void sleep(final Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Alerts sent and acknowledged since start. */
    public long sent() {
        return sent;
    }

    /** Journal position of the last acknowledged alert (-1: none yet). */
    public long position() {
        return position;
    }

    /** Batches that failed and were resent. */
    public long failures() {
        return failures;
    }

    /** Stops after the batch in progress (acknowledged and recorded, or left for the next start). Idempotent. */
    @Override
    public synchronized void close() {
        if (thread == null) {
            return;
        }
        running = false;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
        LOG.info("kafka alert sink stopped, topic={}, sent={}, position={}", settings.topic, sent, position);
    }
}
