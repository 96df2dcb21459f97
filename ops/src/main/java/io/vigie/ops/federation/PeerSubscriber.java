package io.vigie.ops.federation;

import io.vigie.engine.alert.Alert;
import io.vigie.ops.feed.stream.AlertLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Follows one peer's live alert stream ({@code GET /api/v1/alerts/stream}, Server-Sent Events, bearer token) and
 * turns each alert into signal events ({@link Signals}) for a {@link SignalSink}, recording the sightings in a
 * {@link FederationTracker}. The id of the last handled event is kept in {@code <stateDir>/<peer>.position}
 * (written to a temporary file then renamed), so the subscription resumes with {@code Last-Event-ID} after a restart
 * of either side or a network cut; it reconnects with exponential backoff, re-reading the peer URL from its supplier
 * on every attempt (a peer that moved is followed). Alerts already handled are recognised by their id in a bounded
 * LRU set (a correlation's update alerts reuse the incident id and are skipped too). One thread per peer.
 */
public final class PeerSubscriber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSubscriber.class);
    /** Path of the peers' stream. */
    public static final String STREAM_PATH = "/api/v1/alerts/stream";

    /** A peer to follow. {@code country}/{@code sector} describe it (signals carry them); either may be null. */
    public record Peer(String name, Supplier<URI> url, String token, String country, String sector) {
        /** Checks the name (used in a file name) and the token. */
        public Peer {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new IllegalArgumentException("federation peer name must be [A-Za-z0-9._-]{1,64}: " + name);
            }
            if (token == null || token.isEmpty()) {
                throw new IllegalArgumentException("federation peer " + name + ": no token");
            }
        }
    }

    /** Tuning; defaults fit production. */
    public static final class Settings {
        /** First reconnect delay; doubles up to {@link #maxBackoff}. */
        public Duration minBackoff = Duration.ofMillis(500);
        /** Largest reconnect delay. */
        public Duration maxBackoff = Duration.ofSeconds(30);
        /** Connect timeout. */
        public Duration connectTimeout = Duration.ofSeconds(10);
        /** A connection silent this long (no event, no heartbeat) is dropped and reopened. */
        public Duration idleTimeout = Duration.ofSeconds(60);
        /**
         * How far around a federated alert's first/last seen a peer's sighting of its indicator counts in
         * {@code extra.socs|countries|sectors}: the federated rules' largest timespan.
         */
        public Duration scopeWindow = Duration.ofHours(24);
        /**
         * Where a peer with no saved position is first read from: true = its oldest journaled alert, false = only
         * alerts raised from now on.
         */
        public boolean fromStart = true;
        /** Alert ids remembered for duplicate detection. */
        public int dedupCapacity = 100_000;
    }

    private final Peer peer;
    private final Path positionFile;
    private final SignalSink sink;
    private final FederationTracker tracker;
    private final Settings settings;
    private final HttpClient http;
    private final Map<String, Boolean> seen;
    private final AtomicLong alerts = new AtomicLong();
    private final AtomicLong signals = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private volatile long lastId = -1;
    private volatile long lastActivityNanos;
    private volatile InputStream current;
    private volatile boolean closed;
    private Thread thread;

    /**
     * @param peer     the peer
     * @param stateDir directory of the position files (created)
     * @param sink     where signals go
     * @param tracker  sightings for the federated alert enricher
     * @param settings tuning
     */
    public PeerSubscriber(final Peer peer, final Path stateDir, final SignalSink sink, final FederationTracker tracker,
                          final Settings settings) throws IOException {
        this.peer = peer;
        this.sink = sink;
        this.tracker = tracker;
        this.settings = settings;
        Files.createDirectories(stateDir);
        this.positionFile = stateDir.resolve(peer.name() + ".position");
        this.lastId = readPosition(positionFile);
        final int cap = settings.dedupCapacity;
        this.seen = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, Boolean> eldest) {
                return size() > cap;
            }
        };
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout)
            .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Starts the subscriber thread; returns at once. */
    public synchronized PeerSubscriber start() {
        if (thread == null) {
            thread = new Thread(this::run, "vigie-federation-" + peer.name());
            thread.setDaemon(true);
            thread.start();
        }
        return this;
    }

    private void run() {
        long backoff = settings.minBackoff.toMillis();
        while (!closed) {
            try {
                if (follow()) {
                    backoff = settings.minBackoff.toMillis();
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.info("federation peer disconnected, peer={}, last_id={}, error={}", peer.name(), lastId,
                        e.toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("federation peer failed, peer={}, error={}", peer.name(), e.toString());
            }
            if (closed) {
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(settings.maxBackoff.toMillis(), backoff * 2);
        }
    }

    /** One connection; true when it delivered something (resets the backoff). */
    private boolean follow() throws IOException, InterruptedException {
        final URI base = peer.url().get();
        final URI uri = base.resolve(STREAM_PATH);
        final HttpRequest.Builder rb = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + peer.token())
            .header("Accept", "text/event-stream");
        final long from = lastId;
        rb.uri(URI.create(uri + (from >= 0 ? "" : settings.fromStart ? "?from=start" : "?from=end")));
        if (from >= 0) {
            rb.header("Last-Event-ID", Long.toString(from));
        }
        final HttpResponse<InputStream> r = http.send(rb.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            LOG.warn("federation peer refused, peer={}, url={}, status={}", peer.name(), uri, r.statusCode());
            return false;
        }
        connects.incrementAndGet();
        LOG.info("federation peer connected, peer={}, url={}, from={}", peer.name(), uri, from);
        current = r.body();
        lastActivityNanos = System.nanoTime();
        final Thread watchdog = startWatchdog(r.body());
        boolean delivered = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            final StringBuilder data = new StringBuilder();
            boolean hasData = false;
            String line;
            while (!closed && (line = in.readLine()) != null) {
                lastActivityNanos = System.nanoTime();
                if (line.isEmpty()) {
                    // Dispatch (WHATWG HTML, "Server-sent events", interpreting an event stream).
                    if (hasData) {
                        delivered |= dispatch(id, event == null ? "message" : event, data.toString());
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                    hasData = false;
                    continue;
                }
                if (line.charAt(0) == ':') {
                    continue;
                }
                final int colon = line.indexOf(':');
                final String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id":
                        id = value;
                        break;
                    case "event":
                        event = value;
                        break;
                    case "data":
                        if (hasData) {
                            data.append('\n');
                        }
                        data.append(value);
                        hasData = true;
                        break;
                    default:
                        break;
                }
            }
        } finally {
            current = null;
            watchdog.interrupt();
        }
        return delivered;
    }

    private Thread startWatchdog(final InputStream body) {
        final Thread w = new Thread(() -> {
            final long idle = settings.idleTimeout.toNanos();
            try {
                while (current == body) {
                    Thread.sleep(Math.max(10, settings.idleTimeout.toMillis() / 4));
                    if (current == body && System.nanoTime() - lastActivityNanos > idle) {
                        LOG.info("federation peer idle, reconnecting, peer={}", peer.name());
                        closeQuietly(body);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vigie-federation-watchdog-" + peer.name());
        w.setDaemon(true);
        w.start();
        return w;
    }

    private boolean dispatch(final String id, final String event, final String data) throws IOException {
        if (!"alert".equals(event) && !"message".equals(event)) {
            return false;
        }
        long position = -1;
        if (id != null) {
            try {
                position = Long.parseLong(id.trim());
            } catch (NumberFormatException e) {
                position = -1;
            }
        }
        final Alert a = AlertLines.parse(data.getBytes(StandardCharsets.UTF_8), position);
        if (a != null && a.alertId != null) {
            final String key = Signals.socOf(a, peer.name()) + "/" + a.alertId;
            final boolean fresh;
            synchronized (seen) {
                fresh = seen.put(key, Boolean.TRUE) == null;
            }
            if (fresh) {
                alerts.incrementAndGet();
                publish(a);
            } else {
                duplicates.incrementAndGet();
            }
        }
        if (position >= 0) {
            lastId = position;
            writePosition(position);
        }
        return true;
    }

    private void publish(final Alert a) {
        final String soc = Signals.socOf(a, peer.name());
        final long t = a.lastSeenNanos != 0 ? a.lastSeenNanos : a.timeNanos;
        final List<Signals.Indicator> indicators = Signals.indicators(a);
        final List<byte[]> frames = Signals.of(a, peer.name(), peer.country(), peer.sector());
        for (int i = 0; i < frames.size(); i++) {
            tracker.record(indicators.get(i).value(), t, soc, peer.country(), peer.sector());
            sink.publish(frames.get(i), a.tlp);
            signals.incrementAndGet();
        }
    }

    private void writePosition(final long position) throws IOException {
        final Path tmp = positionFile.resolveSibling(positionFile.getFileName() + ".tmp");
        Files.writeString(tmp, Long.toString(position) + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, positionFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, positionFile, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long readPosition(final Path file) throws IOException {
        if (!Files.exists(file)) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            throw new IOException("federation position file is corrupt: " + file, e);
        }
    }

    private static void closeQuietly(final InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing to unblock the reader; nothing to do
        }
    }

    /** The peer followed. */
    public Peer peer() {
        return peer;
    }

    /** Journal position (SSE id) of the last event handled, -1 before any. */
    public long lastId() {
        return lastId;
    }

    /** Distinct alerts received. */
    public long alerts() {
        return alerts.get();
    }

    /** Signal events published. */
    public long signals() {
        return signals.get();
    }

    /** Alerts received again (same SOC and alert id) and skipped. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Successful connections so far. */
    public long connects() {
        return connects.get();
    }

    /** Stops following (the position file keeps the last handled id). Idempotent. */
    @Override
    public void close() {
        closed = true;
        final InputStream in = current;
        if (in != null) {
            closeQuietly(in);
        }
        final Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
