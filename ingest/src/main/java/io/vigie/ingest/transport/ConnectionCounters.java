package io.vigie.ingest.transport;

import io.vigie.engine.status.EngineCounters;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection-level refusals and closes of one stream listener, by reason: limits, timeouts, TLS failures. These are
 * connections, not frames, so they are kept out of the frame balance ({@code received = persisted + rejected +
 * dropped}); they are exported as the engine gauges {@code vigie_ingest_connections_closed_total{listener,reason}}.
 * Thread-safe (atomic increments from any event loop).
 */
public final class ConnectionCounters {
    /** Why a connection was refused or closed by the listener. */
    public enum Reason {
        /** Accepted while the listener already had {@code maxConnections} open. */
        CONNECTION_LIMIT,
        /** Accepted while its source address already had {@code maxConnectionsPerSource} open. */
        SOURCE_LIMIT,
        /** No byte (plain) or no completed handshake (TLS) within {@code handshakeTimeoutSeconds}. */
        HANDSHAKE_TIMEOUT,
        /** No byte for {@code idleTimeoutSeconds}. */
        IDLE_TIMEOUT,
        /** The TLS handshake failed (plaintext on the TLS port, bad or missing client certificate...). */
        TLS_HANDSHAKE_FAILED,
        /** A TLS ClientHello arrived on a plaintext port. */
        TLS_ON_PLAINTEXT,
        /** The client certificate is not on the peer allow-list. */
        PEER_DENIED,
        /** Framing was lost (bad octet count) and the connection closed. */
        FRAMING_LOST;

        private final String label = name().toLowerCase(Locale.ROOT);

        /** Prometheus label. */
        public String label() {
            return label;
        }
    }

    private final AtomicLong[] closed = new AtomicLong[Reason.values().length];

    /** Registers this listener's counters as gauges of {@code engineCounters}. */
    public ConnectionCounters(final EngineCounters engineCounters, final String listener) {
        for (final Reason r : Reason.values()) {
            closed[r.ordinal()] = engineCounters.gauge(gaugeName(listener, r));
        }
    }

    /**
     * The engine gauge name of a listener's reason; {@code engineCounters.gauge(gaugeName(l, PEER_DENIED))} is the
     * counter to give a {@code PeerAllowList} built before the listener.
     */
    public static String gaugeName(final String listener, final Reason reason) {
        return "ingest_connections_closed_total{listener=\"" + listener + "\",reason=\"" + reason.label() + "\"}";
    }

    /** A connection was refused or closed for this reason. */
    public void onClosed(final Reason reason) {
        closed[reason.ordinal()].incrementAndGet();
    }

    /** Connections refused or closed for this reason so far. */
    public long closed(final Reason reason) {
        return closed[reason.ordinal()].get();
    }

    /** The counter of a reason (e.g. to hand to {@code PeerAllowList}). */
    public AtomicLong counter(final Reason reason) {
        return closed[reason.ordinal()];
    }

    @Override
    public String toString() {
        final StringBuilder b = new StringBuilder("connections closed:");
        for (final Reason r : Reason.values()) {
            b.append(' ').append(r.label()).append('=').append(closed(r));
        }
        return b.toString();
    }
}
