package io.vigie.ingest.codec;

import io.vigie.engine.ring.TelemetryEvent;

/**
 * Decodes one frame, already copied into {@code event.raw()[0, rawLength)}, into the event's fields in place: sets
 * {@code format}, {@code timestampNanos} (when the frame has a usable time), the logsource ids and the ECS fields; or
 * sets {@code rejectReason} (and may leave partial fields, which are ignored).
 *
 * <p>Runs on the publishing thread (a Netty event loop or the replay reader). Implementations are confined to one
 * thread, allocate nothing per frame in the steady state, and never throw for bad input. Decoding is a pure function
 * of the raw bytes plus receive time and listener settings, so {@code vigie events} re-derives the fields from the
 * raw journal.
 */
@FunctionalInterface
public interface FrameDecoder {
    /** Decodes the event's raw bytes into its fields (or marks it rejected). */
    void decode(TelemetryEvent event);
}
