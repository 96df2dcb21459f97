package io.vigie.ops.scale;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.ingest.codec.FrameDecoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The producer side of the scale-out topology: sends raw lines (the bytes exactly as received) to the events topic,
 * keyed by a correlation field extracted by the decoders (default {@code source.ip}), so that every event of one
 * correlation group lands in one partition and so on one engine node. The record timestamp is the event time when
 * the line has one, which makes the engines' {@code offsetsForTimes} rebuild window an event-time window. Lines
 * without the field go unkeyed (the producer's sticky partitioner spreads them).
 *
 * <p>Confined to one thread (its decoder and scratch event); the producer is idempotent with {@code acks=all}.
 */
public final class KafkaForwarder implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final FrameDecoder decoder;
    private final int keyField;
    private final TelemetryEvent scratch = new TelemetryEvent();
    /** Sends the producer gave up on (after its retries), and the first such failure since the last flush. */
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    /**
     * @param bootstrap Kafka {@code bootstrap.servers}
     * @param topic     events topic (partitioned by the key)
     * @param decoder   decoder that extracts the key field (e.g. an {@code AutoDetectDecoder}), confined here
     * @param keyField  ECS field name of the partition key, e.g. {@code source.ip}
     */
    public KafkaForwarder(final String bootstrap, final String topic, final FrameDecoder decoder,
                          final String keyField) {
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "vigie-forwarder");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.decoder = decoder;
        this.keyField = Fields.id(keyField);
    }

    /** Sends one line (asynchronously); the key is the decoded key field's value, or none. */
    public void send(final byte[] line) {
        scratch.reset();
        scratch.setRaw(line, 0, line.length);
        scratch.receivedNanos = System.currentTimeMillis() * 1_000_000L;
        decoder.decode(scratch);
        byte[] key = null;
        Long timestampMs = null;
        if (scratch.rejectReason == 0) {
            final int i = scratch.indexOf(keyField);
            if (i >= 0) {
                key = java.util.Arrays.copyOfRange(scratch.arena(), scratch.valueOffset(i),
                    scratch.valueOffset(i) + scratch.valueLength(i));
            }
            if (scratch.timestampNanos != TelemetryEvent.NO_TIME) {
                timestampMs = TimeUnit.NANOSECONDS.toMillis(scratch.timestampNanos);
            }
        }
        producer.send(new ProducerRecord<>(topic, null, timestampMs, key, line), (metadata, error) -> {
            if (error != null) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, error);
            }
        });
    }

    /**
     * Waits until every line sent so far is acknowledged, or given up on by the producer (after its retries, or a
     * non-retriable error such as a record over the broker's size limit); throws if any was, naming how many and the
     * first error, so that no line is lost without the caller knowing.
     */
    public void flush() throws IOException {
        producer.flush();
        final Exception first = firstFailure.getAndSet(null);
        if (first != null) {
            throw new IOException(failed.get() + " line(s) so far not accepted by Kafka topic " + topic
                + "; first since the last flush: " + first, first);
        }
    }

    /** Lines the producer gave up on since this forwarder was created (also reported by {@link #flush}). */
    public long failedSends() {
        return failed.get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
