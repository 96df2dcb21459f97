package io.vigie.ingest.file;

import com.lmax.disruptor.RingBuffer;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.FrameDecoder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** Replays files (one event per line, {@code -} = stdin) into the ring, merged in event time, without loss. */
public final class FileReplaySource {
    public FileReplaySource(final RingBuffer<TelemetryEvent> ring, final ListenerCounters counters,
                            final Supplier<FrameDecoder> decoders) {
    }

    /** Replays the files; returns when every line is published. */
    public void replay(final List<Path> files) throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** Lines published so far. */
    public long lines() {
        return 0;
    }
}
