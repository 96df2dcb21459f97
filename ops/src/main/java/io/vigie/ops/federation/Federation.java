package io.vigie.ops.federation;

import io.vigie.engine.Engine;
import io.vigie.engine.detect.AlertEnricher;
import io.vigie.engine.status.EngineCounters;

import io.vigie.ops.share.ConfiguredSubscribers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

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

    /**
     * One configured peer ({@code federation.peers[]}): {@code name}, {@code url} (base URL of its HTTP server),
     * the bearer token from {@code tokenFile} or the environment variable {@code tokenEnv}, {@code country},
     * {@code sector} (both optional).
     */
    public record Spec(String name, String url, Path tokenFile, String tokenEnv, String country, String sector) {
    }

    /**
     * Peers from their configuration, tokens resolved (file first, then environment).
     *
     * @throws IllegalArgumentException naming the peer and key when a URL or token is missing or unreadable
     */
    public static List<PeerSubscriber.Peer> peers(final List<Spec> specs, final Function<String, String> env) {
        final List<PeerSubscriber.Peer> out = new ArrayList<>();
        for (final Spec s : specs) {
            final String where = "federation.peers[" + s.name() + "]";
            if (s.url() == null || !(s.url().startsWith("http://") || s.url().startsWith("https://"))) {
                throw new IllegalArgumentException(where + ".url must be an http(s) URL: " + s.url());
            }
            final URI url = URI.create(s.url());
            String token = null;
            if (s.tokenFile() != null) {
                try {
                    token = ConfiguredSubscribers.tokenFromFile(s.tokenFile());
                } catch (IOException e) {
                    throw new IllegalArgumentException(where + ".token_file unreadable: " + s.tokenFile(), e);
                }
            } else if (s.tokenEnv() != null) {
                token = env.apply(s.tokenEnv());
            }
            if (token == null || token.isEmpty()) {
                throw new IllegalArgumentException(where + ": token_file or token_env must give a token");
            }
            out.add(new PeerSubscriber.Peer(s.name(), () -> url, token, s.country(), s.sector()));
        }
        return out;
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
