package io.vigie.ingest.codec;

import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.ingest.codec.message.MessageDecoders;

/**
 * Detects the format of each frame (RFC 5424, RFC 3164, CEF, JSON, plain) and runs its decoder, or runs the forced
 * format. Confined to the publishing thread.
 */
public final class AutoDetectDecoder implements FrameDecoder {
    /**
     * @param format   {@code EventFormat.AUTO} or a forced {@code EventFormat} code
     * @param settings decoder settings of the listener
     * @param messages message decoders (thread-confined instance for this decoder)
     */
    public AutoDetectDecoder(final int format, final DecoderSettings settings, final MessageDecoders messages) {
    }

    @Override
    public void decode(final TelemetryEvent event) {
        throw new UnsupportedOperationException("stub");
    }
}
