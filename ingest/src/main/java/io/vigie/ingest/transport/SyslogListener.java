package io.vigie.ingest.transport;

import com.lmax.disruptor.RingBuffer;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ingest.codec.message.MessageDecoders;

import java.util.function.Supplier;

/** Syslog over UDP and TCP on one port (TCP framing detected per connection). */
public final class SyslogListener implements AutoCloseable {
    /**
     * @param settings listener settings
     * @param ring     the engine's event ring
     * @param counters engine counters (the listener registers its own)
     * @param messages creates one message-decoder set per connection/channel
     */
    public SyslogListener(final ListenerSettings settings, final RingBuffer<TelemetryEvent> ring,
                          final EngineCounters counters, final Supplier<MessageDecoders> messages) {
    }

    /** Binds and starts; returns the bound port. */
    public int start() throws InterruptedException {
        throw new UnsupportedOperationException("stub");
    }

    /** The bound port (after start). */
    public int port() {
        return 0;
    }

    @Override
    public void close() {
    }
}
