package io.vigie.ops.server;

import io.vigie.engine.Engine;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ingest.transport.ListenerSettings;
import io.vigie.ingest.transport.SyslogListener;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import io.vigie.ops.http.HttpServer;
import io.vigie.ops.http.Router;
import io.vigie.ops.http.StatusEndpoints;
import io.vigie.rules.eval.SigmaDetectorFactory;
import io.vigie.rules.load.RuleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Vigie node assembled from its configuration: counters, rules, the Sigma detector factory, the engine, the
 * syslog listeners and the HTTP server. {@link #start()} brings them up in that order; {@link #close()} stops the
 * listeners first, then drains and closes the engine, then the HTTP server. Ports configured as 0 are ephemeral;
 * read the bound ones from {@link #syslogPort()} and {@link #httpPort()}.
 */
public final class VigieServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VigieServer.class);

    private final VigieConfig config;
    private final EngineCounters counters = new EngineCounters();
    private final Router router = new Router();
    private final Map<String, String> addresses = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<SyslogListener> listeners = new ArrayList<>();
    private SigmaDetectorFactory detectors;
    private io.vigie.ops.feed.taxii.TaxiiServer taxii;
    private io.vigie.ops.assess.Assessor assessor;
    private io.vigie.ops.reload.RuleReloader reloader;
    private io.vigie.ops.federation.Federation federation;
    private final List<io.vigie.ingest.transport.relp.RelpListener> relpListeners = new ArrayList<>();
    private int relpPort = -1;
    private java.util.concurrent.ScheduledExecutorService background;
    private io.vigie.ops.feed.stream.AlertStream alertStream;
    private io.vigie.ops.feed.stream.AlertQuery alertQuery;
    private io.vigie.ops.feed.forward.CefForwarder cef;
    private io.vigie.ops.share.Subscribers subscribers;
    private io.vigie.ops.share.OutboundFilter outboundFilter = io.vigie.ops.share.OutboundFilter.NONE;
    private io.vigie.ingest.transport.kafka.KafkaSource kafkaSource;
    private io.vigie.ops.feed.kafka.KafkaAlertSink kafkaAlerts;
    private DetectionSetup detection;
    private Engine engine;
    private HttpServer http;
    private int syslogPort = -1;
    private int tlsPort = -1;
    private boolean closed;

    /** A node for this configuration; nothing runs until {@link #start()}. */
    public VigieServer(final VigieConfig config) {
        this.config = config;
    }

    /** Loads rules, starts the engine, the listeners and the HTTP server. */
    public synchronized void start() throws InterruptedException {
        for (final String line : ConfigLoader.describe(config)) {
            LOG.info("effective config: {}", line);
        }
        detection = DetectionSetup.create(config, config.rules, Settings.detection(config));
        final long[] counts = RuleLoading.counts(detection.statuses());
        RuleLoading.publish(counters, counts);
        for (final RuleStatus s : detection.statuses()) {
            if (s.kind() != RuleStatus.Kind.OK) {
                LOG.warn("rule not loaded, source={}, id={}, state={}, reason={}", s.source(), s.id(),
                    s.kind().name().toLowerCase(java.util.Locale.ROOT), s.reason());
            }
        }
        LOG.info("rules loaded, source={}, ok={}, unsupported={}, invalid={}",
            config.rules.isEmpty() ? "bundled" : config.rules, counts[0], counts[1], counts[2]);

        detectors = detection.factory();
        io.vigie.engine.detect.DetectorFactory engineDetectors = detectors;
        if (config.ingest.kafka.enabled) {
            // Events re-read to rebuild correlation state of a moved partition update state but raise no alert.
            engineDetectors = new io.vigie.ops.scale.RebuildSuppression(detectors, counters.listener(
                io.vigie.ingest.transport.kafka.KafkaSource.rebuildListenerName("kafka")).id());
        }
        assessor = new io.vigie.ops.assess.Assessor(assessmentSettings(), counters);
        final Engine.Configuration engineConfig = Settings.engine(config, config.dataDir, engineDetectors);
        federation = federation();
        engineConfig.alertEnricher = federation.enricher(assessor);
        engine = new Engine(engineConfig, counters);
        engine.start();
        assessor.start();
        background = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigie-detection-bg");
            t.setDaemon(true);
            return t;
        });
        detection.startIntel(background);
        reloader = new io.vigie.ops.reload.RuleReloader(detection, counters);
        reloader.start(background);
        try {
            if (config.ingest.syslog.enabled) {
                syslogPort = startListener(Settings.syslog(config));
            }
            final ListenerSettings tls = Settings.syslogTls(config, counters);
            if (tls != null) {
                tlsPort = startListener(tls);
            }
            if (config.ingest.relp.enabled) {
                startRelp();
            }
            startKafka();
            startSharing();
            federation.start(engine, counters);
            if (!config.federation.peers.isEmpty()) {
                addresses.put("federation", config.federation.peers.size() + " peers");
            }
            startCefForward();
            if (config.http.enabled) {
                startTaxii();
                startStream();
                reloader.register(router);
                if (config.http.ingest.enabled) {
                    final io.vigie.ops.http.IngestEndpoint ingest = new io.vigie.ops.http.IngestEndpoint();
                    ingest.maxBodyBytes = Math.min(config.http.ingest.maxBodyBytes, HttpServer.MAX_REQUEST_BYTES);
                    ingest.maxLineBytes = config.http.ingest.maxLineBytes;
                    ingest.maxLines = config.http.ingest.maxLines;
                    ingest.tlp = io.vigie.engine.alert.Tlp.parse(config.ingest.syslog.tlp).ordinal();
                    final io.vigie.ingest.codec.DecoderSettings decoding = Settings.decoder(config);
                    ingest.register(router, engine, counters, () -> new io.vigie.ingest.codec.AutoDetectDecoder(
                        io.vigie.engine.ring.EventFormat.AUTO, decoding, detection.messageDecoders().get()));
                }
                new StatusEndpoints(counters, engine::remainingCapacity, () -> new LinkedHashMap<>(addresses),
                    List.of(detection.metrics())).register(router);
                http = new HttpServer(config.http.bind, config.http.port, router,
                    config.http.tls.configured() ? Settings.sslContext(config.http.tls, "http.tls") : null);
                http.start();
                addresses.put("http", config.http.bind + ":" + http.port());
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    private io.vigie.ops.federation.Federation federation() {
        final List<io.vigie.ops.federation.PeerSubscriber.Peer> peers = new ArrayList<>();
        for (final VigieConfig.Peer p : config.federation.peers) {
            if (p.name == null || p.url == null) {
                throw new io.vigie.ops.config.ConfigException("federation.peers: name and url are required");
            }
            final java.net.URI url = java.net.URI.create(p.url);
            peers.add(new io.vigie.ops.federation.PeerSubscriber.Peer(p.name, () -> url,
                p.token == null ? null : p.token.value(), p.country, p.sector));
        }
        final io.vigie.ops.federation.PeerSubscriber.Settings fs =
            new io.vigie.ops.federation.PeerSubscriber.Settings();
        fs.minBackoff = config.federation.minBackoff;
        fs.maxBackoff = config.federation.maxBackoff;
        fs.idleTimeout = config.federation.idleTimeout;
        fs.scopeWindow = config.federation.scopeWindow;
        fs.dedupCapacity = config.federation.dedupCapacity;
        fs.fromStart = "start".equals(config.federation.startAt);
        return new io.vigie.ops.federation.Federation(peers, config.dataDir, fs);
    }

    private void startRelp() throws InterruptedException {
        final io.vigie.ingest.transport.relp.RelpSettings r = new io.vigie.ingest.transport.relp.RelpSettings();
        r.bind = config.ingest.relp.bind;
        r.port = config.ingest.relp.port;
        r.maxDataBytes = config.ingest.syslog.maxFrameBytes;
        r.tlp = io.vigie.engine.alert.Tlp.parse(config.ingest.syslog.tlp).ordinal();
        r.maxConnections = config.ingest.relp.maxConnections;
        r.maxConnectionsPerSource = config.ingest.relp.maxConnectionsPerSource;
        r.handshakeTimeoutSeconds = config.ingest.relp.handshakeTimeoutSeconds;
        final io.vigie.ingest.codec.DecoderSettings decoding = Settings.decoder(config);
        final io.vigie.ingest.transport.relp.RelpListener relp = new io.vigie.ingest.transport.relp.RelpListener(r,
            engine, counters, () -> new io.vigie.ingest.codec.AutoDetectDecoder(io.vigie.engine.ring.EventFormat.AUTO,
                decoding, detection.messageDecoders().get()));
        relpListeners.add(relp);
        relpPort = relp.start();
        addresses.put(r.name, "relp " + r.bind + ":" + relpPort);
        LOG.info("listener started, name={}, transports=relp, bind={}, port={}", r.name, r.bind, relpPort);
    }

    /** Bound RELP port, -1 when not enabled. */
    public int relpPort() {
        return relpPort;
    }

    private void startKafka() {
        if (config.ingest.kafka.enabled) {
            final io.vigie.ingest.transport.kafka.KafkaSettings k = new io.vigie.ingest.transport.kafka.KafkaSettings();
            k.bootstrap = config.ingest.kafka.bootstrap;
            k.groupId = config.ingest.kafka.groupId;
            k.topics = config.ingest.kafka.topics;
            k.format = io.vigie.engine.ring.EventFormat.parse(config.ingest.kafka.format);
            k.decoder = Settings.decoder(config);
            k.rebuildWindow = config.ingest.kafka.rebuildWindow;
            kafkaSource = new io.vigie.ingest.transport.kafka.KafkaSource(k, engine,
                () -> new io.vigie.ingest.codec.AutoDetectDecoder(k.format, k.decoder,
                    detection.messageDecoders().get()));
            kafkaSource.start();
            addresses.put("kafka", "consumer " + k.bootstrap + " " + k.topics);
        }
        if (config.forward.kafka.enabled) {
            final io.vigie.ops.feed.kafka.KafkaAlertSink.Settings o =
                new io.vigie.ops.feed.kafka.KafkaAlertSink.Settings();
            o.bootstrap = config.forward.kafka.bootstrap;
            o.topic = config.forward.kafka.topic;
            kafkaAlerts = new io.vigie.ops.feed.kafka.KafkaAlertSink(o, config.dataDir.resolve("alerts"),
                config.dataDir.resolve("feeds").resolve("kafka-alerts.position"));
            try {
                kafkaAlerts.start();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("kafka alert sink: " + e.getMessage(), e);
            }
        }
    }

    private io.vigie.ops.assess.AssessmentSettings assessmentSettings() {
        final io.vigie.ops.assess.AssessmentSettings as = new io.vigie.ops.assess.AssessmentSettings();
        as.soc = config.soc.id;
        as.country = config.soc.country;
        as.sector = config.soc.sector;
        try {
            if (!config.assessment.weights.isEmpty()) {
                as.weights = io.vigie.ops.assess.AssessmentSettings.parseWeights(config.assessment.weights);
            }
            if (!config.assessment.thresholds.isEmpty()) {
                as.thresholds = io.vigie.ops.assess.AssessmentSettings.parseThresholds(config.assessment.thresholds);
            }
        } catch (IllegalArgumentException e) {
            throw new io.vigie.ops.config.ConfigException("assessment: " + e.getMessage());
        }
        for (final VigieConfig.Asset x : config.assessment.assets) {
            as.assets.add(new io.vigie.ops.assess.AssessmentSettings.Asset(x.match, x.criticality));
        }
        as.defaultCriticality = config.assessment.defaultCriticality;
        as.rarityWindowHours = config.assessment.rarityWindowHours;
        return as;
    }

    /** Subscribers and the outbound filter, shared by every feed (TAXII, stream, query, CEF forward). */
    private void startSharing() {
        final VigieConfig.Sharing sharing = config.sharing;
        final List<io.vigie.ops.share.ConfiguredSubscribers.Spec> specs = new ArrayList<>();
        for (final VigieConfig.Subscriber s : sharing.subscribers) {
            specs.add(new io.vigie.ops.share.ConfiguredSubscribers.Spec(s.name,
                s.token == null ? null : s.token.value(), s.cert, io.vigie.engine.alert.Tlp.parse(s.maxTlp),
                s.collections));
        }
        subscribers = new io.vigie.ops.share.ConfiguredSubscribers(specs);
        final VigieConfig.Pseudonymize pz = sharing.pseudonymize;
        outboundFilter = pz.key == null ? io.vigie.ops.share.OutboundFilter.NONE
            : new io.vigie.ops.share.Pseudonymizer(
                pz.key.value().getBytes(java.nio.charset.StandardCharsets.UTF_8), pz.fields);
    }

    private void startTaxii() {
        final VigieConfig.Sharing sharing = config.sharing;
        if (sharing.subscribers.isEmpty() || sharing.collections.isEmpty()) {
            return;
        }
        final List<io.vigie.ops.feed.taxii.TaxiiCollection> cols = new ArrayList<>();
        for (final VigieConfig.Collection c : sharing.collections) {
            cols.add(io.vigie.ops.feed.taxii.TaxiiCollection.of(c.id, c.title, c.description, c.tlp, c.maxTlp,
                c.audience));
        }
        final io.vigie.ops.feed.taxii.TaxiiServer.Options o = new io.vigie.ops.feed.taxii.TaxiiServer.Options();
        o.apiRoot = sharing.taxii.apiRoot;
        taxii = new io.vigie.ops.feed.taxii.TaxiiServer(
            new io.vigie.ops.feed.taxii.AlertIndex(config.dataDir.resolve("alerts"), sharing.taxii.maxAlerts, 50),
            subscribers,
            new io.vigie.ops.feed.stix.StixMapper(config.soc.id,
                config.soc.sector == null ? List.of() : List.of(config.soc.sector), config.soc.country,
                outboundFilter),
            cols, o).start();
        taxii.register(router);
        addresses.put("taxii", "/taxii2/ (" + cols.size() + " collections)");
    }

    private void startStream() {
        final java.nio.file.Path alertDir = config.dataDir.resolve("alerts");
        final io.vigie.ops.feed.stream.AlertStream.Settings ss = new io.vigie.ops.feed.stream.AlertStream.Settings();
        ss.maxPendingEvents = config.stream.maxPendingEvents;
        ss.maxPendingBytes = config.stream.maxPendingBytes;
        ss.stallTimeoutMs = config.stream.stallTimeout.toMillis();
        ss.heartbeatSeconds = (int) Math.max(1, config.stream.heartbeat.toSeconds());
        ss.maxSubscribers = config.stream.maxSubscribers;
        alertStream = new io.vigie.ops.feed.stream.AlertStream(alertDir, subscribers, outboundFilter, ss);
        alertStream.register(router);
        alertQuery = new io.vigie.ops.feed.stream.AlertQuery(alertDir, subscribers, outboundFilter);
        alertQuery.register(router);
        alertStream.start();
        final io.vigie.ops.feed.stream.AlertStream stream = alertStream;
        engine.addAlertListener(a -> stream.wake());
    }

    private void startCefForward() {
        final VigieConfig.CefForward c = config.forward.cef;
        if (!c.enabled) {
            return;
        }
        final io.vigie.ops.feed.forward.CefForwarder.Settings fs =
            new io.vigie.ops.feed.forward.CefForwarder.Settings();
        fs.host = c.host;
        fs.port = c.port;
        fs.tls = c.tls;
        fs.caFile = c.ca;
        fs.certFile = c.cert;
        fs.keyFile = c.key;
        fs.serverName = c.serverName;
        fs.maxTlp = io.vigie.engine.alert.Tlp.parse(c.maxTlp);
        fs.hostname = config.soc.id;
        fs.facility = c.facility;
        fs.startAt = c.startAt;
        cef = new io.vigie.ops.feed.forward.CefForwarder(config.dataDir.resolve("alerts"),
            config.dataDir.resolve("forward"), fs, outboundFilter, io.vigie.ops.cli.VigieCli.version());
        try {
            cef.start();
        } catch (javax.net.ssl.SSLException e) {
            throw new io.vigie.ops.config.ConfigException("forward.cef.tls: " + e.getMessage(), e);
        }
        final io.vigie.ops.feed.forward.CefForwarder forwarder = cef;
        engine.addAlertListener(a -> forwarder.wake());
        addresses.put("forward.cef", c.host + ":" + c.port + (c.tls ? " tls" : ""));
    }

    private int startListener(final ListenerSettings settings) throws InterruptedException {
        final SyslogListener l = new SyslogListener(settings, engine.ring(), counters,
            detection.messageDecoders());
        listeners.add(l);
        final int port = l.start();
        final String transports = settings.sslContext != null ? "tls"
            : (settings.udp ? "udp" : "") + (settings.udp && settings.tcp ? "+" : "") + (settings.tcp ? "tcp" : "");
        addresses.put(settings.name, transports + " " + settings.bind + ":" + port);
        LOG.info("listener started, name={}, transports={}, bind={}, port={}", settings.name, transports,
            settings.bind, port);
        return port;
    }

    /** Bound port of the plain syslog listener (UDP and TCP), -1 when not started. */
    public int syslogPort() {
        return syslogPort;
    }

    /** Bound port of the syslog TLS listener, -1 when not configured. */
    public int tlsPort() {
        return tlsPort;
    }

    /** Bound HTTP port, -1 when disabled. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Listener name to bound address, e.g. {@code syslog -> udp+tcp 127.0.0.1:5514}, {@code http -> ...}. */
    public Map<String, String> addresses() {
        return new LinkedHashMap<>(addresses);
    }

    /** The router, to add endpoints (before {@link #start()}: routes are read without locks). */
    public Router router() {
        return router;
    }

    /** The engine (after {@link #start()}). */
    public Engine engine() {
        return engine;
    }

    /** The node's counters (listeners, alerts, gauges, latencies). */
    public EngineCounters counters() {
        return counters;
    }

    /** The detector factory (rule reload swaps its rule set). */
    public SigmaDetectorFactory detectors() {
        return detectors;
    }

    /** The configuration this node runs with. */
    public VigieConfig config() {
        return config;
    }

    /** Stops listeners, drains and closes the engine, stops HTTP. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final SyslogListener l : listeners) {
            try {
                l.close();
            } catch (RuntimeException e) {
                LOG.warn("listener close failed, error={}", e.toString());
            }
        }
        for (final io.vigie.ingest.transport.relp.RelpListener r : relpListeners) {
            try {
                r.close();
            } catch (RuntimeException e) {
                LOG.warn("listener close failed, error={}", e.toString());
            }
        }
        if (kafkaSource != null) {
            kafkaSource.close();
        }
        if (federation != null) {
            federation.close();
        }
        if (reloader != null) {
            reloader.close();
        }
        if (detection != null) {
            detection.close();
        }
        if (background != null) {
            background.shutdownNow();
        }
        if (engine != null) {
            engine.close();
            for (final var l : counters.listeners()) {
                LOG.info("final counts, {}", l);
            }
        }
        if (kafkaAlerts != null) {
            kafkaAlerts.close();
        }
        if (cef != null) {
            cef.close();
        }
        if (alertStream != null) {
            alertStream.close();
        }
        if (alertQuery != null) {
            alertQuery.close();
        }
        if (http != null) {
            http.close();
        }
        if (assessor != null) {
            assessor.close();
        }
        if (taxii != null) {
            taxii.index().close();
        }
    }
}
