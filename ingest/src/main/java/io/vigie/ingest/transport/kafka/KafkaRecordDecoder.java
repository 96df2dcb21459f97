package io.vigie.ingest.transport.kafka;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.ingest.codec.FrameDecoder;

import java.nio.charset.StandardCharsets;

/**
 * Runs the input's decoder, then records the Kafka provenance of the record in the event: {@code kafka.topic},
 * {@code kafka.partition}, {@code kafka.offset} (the offset is also the event's {@code sourceLine}, journaled with
 * the raw bytes), so a record read twice after a crash is recognisable. Counts rejected records (poison).
 *
 * <p>Confined to the source's thread; the provenance is set by {@link #record} before each publish. No allocation
 * per record once each topic name has been encoded (cached by identity of the topic string).
 */
final class KafkaRecordDecoder implements FrameDecoder {
    static final int KAFKA_TOPIC = Fields.id("kafka.topic");
    static final int KAFKA_PARTITION = Fields.id("kafka.partition");
    static final int KAFKA_OFFSET = Fields.id("kafka.offset");

    private final FrameDecoder inner;
    private String topic;
    private byte[] topicBytes = new byte[0];
    private int partition;
    private long offset;
    private volatile long rejected;

    KafkaRecordDecoder(final FrameDecoder inner) {
        this.inner = inner;
    }

    /** Sets the provenance of the next record published. */
    @SuppressWarnings("ReferenceEquality") // identity: re-encodes only when another String comes
    void record(final String recordTopic, final int recordPartition, final long recordOffset) {
        if (recordTopic != topic) {
            topic = recordTopic;
            topicBytes = recordTopic.getBytes(StandardCharsets.UTF_8);
        }
        partition = recordPartition;
        offset = recordOffset;
    }

    /** Records rejected by the decoder so far (they went to the quarantine; their offsets are committed). */
    long rejected() {
        return rejected;
    }

    @Override
    @SuppressWarnings("NonAtomicVolatileUpdate") // single writer: this thread; volatile for readers
    public void decode(final TelemetryEvent event) {
        inner.decode(event);
        if (event.rejectReason != 0) {
            rejected++;
            return;
        }
        event.addField(KAFKA_TOPIC, topicBytes);
        event.addField(KAFKA_PARTITION, partition);
        event.addField(KAFKA_OFFSET, offset);
    }
}
