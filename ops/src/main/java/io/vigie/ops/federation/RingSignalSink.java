package io.vigie.ops.federation;

import com.lmax.disruptor.RingBuffer;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.publish.RingPublisher;

/**
 * Publishes signal events into the engine's ring as JSON frames of the listener {@value #LISTENER} (blocking when
 * the ring is full: signals are never dropped), one decoder and publisher per TLP. Synchronised, so several peer
 * subscribers may share one sink (signals are few next to the event path).
 */
public final class RingSignalSink implements SignalSink {
    /** Listener name of federation signals (counters, TLP stamping). */
    public static final String LISTENER = "federation";

    private final RingBuffer<TelemetryEvent> ring;
    private final ListenerCounters counters;
    private final RingPublisher[] publishers = new RingPublisher[Tlp.values().length];

    /** A sink into this ring, counting under these listener counters (e.g. {@code counters.listener("federation")}). */
    public RingSignalSink(final RingBuffer<TelemetryEvent> ring, final ListenerCounters counters) {
        this.ring = ring;
        this.counters = counters;
    }

    @Override
    public synchronized void publish(final byte[] json, final Tlp tlp) {
        final int t = tlp.ordinal();
        RingPublisher p = publishers[t];
        if (p == null) {
            p = new RingPublisher(ring, counters,
                new AutoDetectDecoder(EventFormat.JSON, new DecoderSettings(), new MessageDecoders()), null,
                RingPublisher.Policy.BLOCK, t);
            publishers[t] = p;
        }
        p.publish(json, 0, json.length, -1, 0);
    }
}
