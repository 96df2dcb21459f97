package io.vigie.ingest.codec.message;

import io.vigie.engine.ring.TelemetryEvent;

/**
 * One built-in decoder: recognises the message of one program (or one line shape) and adds ECS fields sliced from
 * the frame. Confined to the publishing thread; may keep per-instance scratch state; never allocates in steady state
 * and never throws for bad input.
 */
abstract class MessageDecoder {
    /** Decoder name, as counted in {@link DecoderStats}. */
    final String name;
    final int statsIndex;

    MessageDecoder(final String name) {
        this.name = name;
        this.statsIndex = DecoderStats.register(name);
    }

    /**
     * Decodes {@code b[off, end)} (the message, inside {@code event.raw()}).
     *
     * @return true when the message was recognised and fields were added; false leaves the event as it was, except
     *     that a decoder may set the logsource of its program
     */
    abstract boolean decode(TelemetryEvent e, byte[] b, int off, int end);
}
