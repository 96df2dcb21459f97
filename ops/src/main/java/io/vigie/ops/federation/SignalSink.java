package io.vigie.ops.federation;

import io.vigie.engine.alert.Tlp;

/** Where a {@link PeerSubscriber} puts the signal events it derives (the local ring, in production). */
@FunctionalInterface
public interface SignalSink {
    /**
     * Publishes one signal event (a UTF-8 JSON object) at this TLP; may block on back-pressure. Called from one
     * subscriber thread at a time per subscriber, from several subscribers concurrently.
     */
    void publish(byte[] json, Tlp tlp);
}
