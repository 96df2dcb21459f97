package io.vigie.ingest.transport.relp;

import io.netty.channel.embedded.EmbeddedChannel;
import io.vigie.engine.Engine;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.FrameDecoder;

/** Builds a RELP session pipeline on an {@link EmbeddedChannel} (for the fuzz targets of another package). */
public final class RelpFuzzSupport {
    private RelpFuzzSupport() {
    }

    /** A channel with a RELP frame decoder and handler wired as {@link RelpListener} does. */
    public static EmbeddedChannel session(final RelpSettings settings, final Engine engine,
                                          final ListenerCounters counters, final FrameDecoder decoder) {
        final RelpHandler handler = new RelpHandler(settings, engine, counters, decoder);
        final RelpFrameDecoder frames = new RelpFrameDecoder(handler, settings.maxDataBytes);
        handler.frames(frames);
        final EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("relp-frames", frames);
        ch.pipeline().addLast("relp", handler);
        return ch;
    }
}
