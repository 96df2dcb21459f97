package io.vigie.ingest.transport.kafka;

import io.vigie.engine.ring.EventFormat;
import io.vigie.ingest.codec.DecoderSettings;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Settings of one Kafka input ({@link KafkaSource}); plain data, every field has a default. */
public final class KafkaSettings {
    /** Listener name (counters, raw-journal records); rebuild records use {@code name + "-rebuild"}. */
    public String name = "kafka";
    /** Kafka {@code bootstrap.servers}. */
    public String bootstrap = "127.0.0.1:9092";
    /** Consumer group id: every engine node of one deployment uses the same. */
    public String groupId = "vigie";
    /** Topics to subscribe to. */
    public List<String> topics = List.of("vigie-events");
    /** {@code EventFormat.AUTO} or a forced format code (see {@link EventFormat#parse}). */
    public int format = EventFormat.AUTO;
    /** Decoder settings (time zone, leniency). */
    public DecoderSettings decoder = new DecoderSettings();
    /** TLP ordinal stamped on the events of this input. */
    public int tlp;
    /**
     * How far back (in record time, from now) a newly assigned partition is re-read to rebuild correlation state
     * before going live; {@link Duration#ZERO} disables rebuilding. Set it to at least the longest correlation
     * timespan plus the correlation out-of-orderness.
     */
    public Duration rebuildWindow = Duration.ZERO;
    /** Longest wait in one {@code poll}. */
    public Duration pollTimeout = Duration.ofMillis(100);
    /** Least time between two offset commits while records flow. */
    public Duration commitInterval = Duration.ofMillis(200);
    /** Longest wait, on revocation and close, for published records to reach the raw journal before committing. */
    public Duration drainTimeout = Duration.ofSeconds(10);
    /** Kafka {@code max.poll.records}. */
    public int maxPollRecords = 500;
    /** Extra consumer properties (security, client id...); they override the defaults set by the source. */
    public Map<String, Object> consumerProperties = new LinkedHashMap<>();
}
