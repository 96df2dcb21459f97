package io.vigie.ops.server;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.vigie.engine.Engine;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.detect.DetectorFactory;
import io.vigie.engine.journal.SyncPolicy;
import io.vigie.engine.ring.EventFormat;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.publish.RingPublisher;
import io.vigie.ingest.transport.ListenerSettings;
import io.vigie.ops.config.ConfigException;
import io.vigie.ops.config.VigieConfig;
import io.vigie.rules.RuleConfig;

import javax.net.ssl.SSLException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Translates a {@link VigieConfig} into the settings objects of the engine, ingest and rules modules. */
public final class Settings {
    private Settings() {
    }

    /** The engine configuration; {@code dataDir} may differ from the config's (replay uses a temp dir). */
    public static Engine.Configuration engine(final VigieConfig c, final Path dataDir,
                                              final DetectorFactory detectors) {
        final Engine.Configuration e = new Engine.Configuration();
        e.dataDir = dataDir;
        e.ringSize = c.engine.ringSize;
        e.workers = c.engine.workers;
        e.syncPolicy = SyncPolicy.parse(c.engine.sync);
        e.waitStrategy = c.engine.waitStrategy;
        e.journalWriteBehindBytes = (long) c.engine.journalWriteBehindMb << 20;
        e.soc = c.soc.id;
        e.detectorFactory = detectors;
        e.quarantineMaxBytes = c.engine.quarantineMaxBytes;
        return e;
    }

    /** Decoder settings of the syslog listener (also used by replay and {@code vigie events}). */
    public static DecoderSettings decoder(final VigieConfig c) {
        final DecoderSettings d = new DecoderSettings();
        d.timeZone = ZoneId.of(c.ingest.syslog.timeZone);
        d.lenient = c.ingest.syslog.lenient;
        return d;
    }

    /** The plain syslog listener (UDP + TCP). */
    public static ListenerSettings syslog(final VigieConfig c) {
        final VigieConfig.Syslog s = c.ingest.syslog;
        final ListenerSettings l = new ListenerSettings();
        l.name = "syslog";
        l.bind = s.bind;
        l.port = s.port;
        l.udp = s.udp;
        l.tcp = s.tcp;
        l.maxFrameBytes = s.maxFrameBytes;
        l.format = EventFormat.parse(s.format);
        l.tlp = Tlp.parse(s.tlp).ordinal();
        l.tcpPolicy = "drop".equals(s.policy) ? RingPublisher.Policy.DROP : RingPublisher.Policy.BLOCK;
        l.decoder = decoder(c);
        l.idleTimeoutSeconds = s.idleTimeoutSeconds;
        l.udpReceiveBufferBytes = s.udpReceiveBufferBytes;
        l.maxConnections = s.maxConnections;
        l.maxConnectionsPerSource = s.maxConnectionsPerSource;
        l.handshakeTimeoutSeconds = s.handshakeTimeoutSeconds;
        return l;
    }

    /**
     * The syslog-over-TLS listener (RFC 5425), or null when no certificates are configured. Certificates, key and CA
     * are re-read when their files change (new handshakes use the new material); an optional allow-list checks the
     * client certificate after the handshake.
     */
    public static ListenerSettings syslogTls(final VigieConfig c,
                                             final io.vigie.engine.status.EngineCounters counters) {
        final VigieConfig.Tls t = c.ingest.tls;
        if (!t.configured()) {
            return null;
        }
        final ListenerSettings l = syslog(c);
        l.name = "syslog-tls";
        l.bind = t.bind;
        l.port = t.port;
        l.udp = false;
        l.tcp = true;
        try {
            l.sslContext = new io.vigie.ingest.transport.tls.ReloadingSslContext(t.cert, t.key, t.clientCa);
        } catch (SSLException | RuntimeException e) {
            throw new ConfigException("key 'ingest.tls': cannot load certificates (cert=" + t.cert + ", key=" + t.key
                + "): " + e.getMessage(), e);
        }
        if (!t.allow.isEmpty()) {
            l.peerAllowList = new io.vigie.ingest.transport.tls.PeerAllowList(t.allow,
                counters.gauge(io.vigie.ingest.transport.ConnectionCounters.gaugeName(l.name,
                    io.vigie.ingest.transport.ConnectionCounters.Reason.PEER_DENIED)));
        }
        return l;
    }

    /**
     * The HTTP server's TLS context from PEM files. With {@code client_ca}, client certificates are requested and
     * verified but optional, so that subscribers may authenticate either by certificate or by bearer token.
     */
    public static SslContext sslContext(final VigieConfig.Tls t, final String key) {
        try {
            final SslContextBuilder b = SslContextBuilder.forServer(t.cert.toFile(), t.key.toFile());
            if (t.clientCa != null) {
                b.trustManager(t.clientCa.toFile()).clientAuth(ClientAuth.OPTIONAL);
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException("key '" + key + "': cannot load certificates (cert=" + t.cert + ", key=" + t.key
                + "): " + e.getMessage(), e);
        }
    }

    /** Rule loading settings: field mapping and placeholders. */
    public static RuleConfig rules(final VigieConfig c) {
        final RuleConfig r = new RuleConfig();
        r.fieldMapping = new LinkedHashMap<>(c.fieldMapping);
        final Map<String, List<String>> p = new LinkedHashMap<>(c.placeholders);
        r.placeholders = p;
        return r;
    }

    /** Detection options (threat-intel feeds, rule reload, correlation bounds) from the configuration. */
    public static io.vigie.ops.reload.DetectionOptions detection(final VigieConfig c) {
        final io.vigie.ops.reload.DetectionOptions o = new io.vigie.ops.reload.DetectionOptions();
        for (final VigieConfig.IntelSource s : c.intel.sources) {
            final io.vigie.ops.reload.DetectionOptions.IntelSource x =
                io.vigie.ops.reload.DetectionOptions.IntelSource.file(s.name, s.path, s.format, s.tlp);
            x.url = s.url;
            o.intelSources.add(x);
        }
        o.intelPoll = c.intel.poll;
        o.intelLevel = c.intel.level;
        o.watchRules = c.rulesReload.watch;
        o.rulesPoll = c.rulesReload.poll;
        o.correlation.outOfOrderNanos = c.correlation.outOfOrderness.toNanos();
        o.correlation.latePolicy = io.vigie.rules.correlation.CorrelationConfig.LatePolicy.valueOf(
            c.correlation.latePolicy.toUpperCase(java.util.Locale.ROOT));
        o.correlation.maxKeys = c.correlation.maxKeys;
        o.correlation.maxValues = c.correlation.maxValues;
        o.correlation.pipelineMinKb = c.correlation.pipelineMinKb;
        return o;
    }
}
