package io.vigie.ops.federation;

import io.vigie.engine.Engine;
import io.vigie.engine.detect.AlertEnricher;
import io.vigie.engine.status.EngineCounters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's federation: its peer subscribers, the sightings tracker and the federated alert enricher. Build it
 * before the engine (the engine needs {@link #enricher}), {@link #start} it once the engine runs, {@link #close} it
 * before the engine closes.
 */
public final class Federation implements AutoCloseable {
    /** Subdirectory of the data dir holding one position file per peer. */
    public static final String STATE_DIR = "federation";

    private final List<PeerSubscriber.Peer> peers;
    private final Path stateDir;
    private final PeerSubscriber.Settings settings;
    private final FederationTracker tracker;
    private final List<PeerSubscriber> subscribers = new ArrayList<>();

    /**
     * @param peers    the peers to follow (may be empty: the node then only enriches federated rules' alerts)
     * @param dataDir  the node's data dir (positions go to {@code <dataDir>/federation/})
     * @param settings subscriber tuning
     */
    public Federation(final List<PeerSubscriber.Peer> peers, final Path dataDir,
                      final PeerSubscriber.Settings settings) {
        this.peers = List.copyOf(peers);
        this.stateDir = dataDir.resolve(STATE_DIR);
        this.settings = settings;
        this.tracker = new FederationTracker(100_000, 256);
    }

    /** The enricher to install as the engine's alert enricher, running {@code next} (the assessor) after it. */
    public AlertEnricher enricher(final AlertEnricher next) {
        return new FederatedAlertEnricher(tracker, next, settings.scopeWindow.toNanos());
    }

    /** Starts one subscriber per peer, publishing signals into the engine's ring (listener {@code federation}). */
    public synchronized void start(final Engine engine, final EngineCounters counters) {
        start(new RingSignalSink(engine.ring(), counters.listener(RingSignalSink.LISTENER)));
    }

    /** As {@link #start(Engine, EngineCounters)} with any sink. */
    public synchronized void start(final SignalSink sink) {
        for (final PeerSubscriber.Peer p : peers) {
            try {
                subscribers.add(new PeerSubscriber(p, stateDir, sink, tracker, settings).start());
            } catch (IOException e) {
                throw new UncheckedIOException("federation peer " + p.name() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The running subscribers. */
    public synchronized List<PeerSubscriber> subscribers() {
        return List.copyOf(subscribers);
    }

    /** The sightings tracker. */
    public FederationTracker tracker() {
        return tracker;
    }

    /** Stops every subscriber. Idempotent. */
    @Override
    public synchronized void close() {
        for (final PeerSubscriber s : subscribers) {
            s.close();
        }
        subscribers.clear();
    }
}
