package io.vigie.ops.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration of a Vigie node ({@code vigie.yaml}), as plain data. Every field holds its embedded
 * default (DESIGN.md section 3: everything on 127.0.0.1, syslog UDP+TCP 5514, HTTP 8514, data under
 * {@code ./data}, the bundled rule pack when {@link #rules} is empty); {@link ConfigLoader} overwrites what the file
 * sets. Relative paths are relative to the working directory.
 */
public final class VigieConfig {
    /** The file this configuration came from, or null for the embedded defaults. */
    public Path source;
    public Soc soc = new Soc();
    public Path dataDir = Path.of("data");
    /** Rule files and directories; empty means the bundled rule pack. */
    public List<Path> rules = new ArrayList<>();
    public Ingest ingest = new Ingest();
    public Http http = new Http();
    public EngineSection engine = new EngineSection();
    public Sharing sharing = new Sharing();
    public Federation federation = new Federation();
    /** Sigma field name to ECS field name, overriding the built-in mapping. */
    public Map<String, String> fieldMapping = new LinkedHashMap<>();
    /** Values of Sigma {@code %placeholder%} names. */
    public Map<String, List<String>> placeholders = new LinkedHashMap<>();
    public Decoders decoders = new Decoders();
    public Forward forward = new Forward();
    public Assessment assessment = new Assessment();
    public Intel intel = new Intel();
    public RulesReload rulesReload = new RulesReload();
    public Correlation correlation = new Correlation();

    /** {@code intel:} threat-intelligence indicator feeds, matched on every event (alerts of type ioc). */
    public static final class Intel {
        public List<IntelSource> sources = new ArrayList<>();
        public Duration poll = Duration.ofMinutes(5);
        /** Level of IoC alerts. */
        public String level = "high";
    }

    /** One entry of {@code intel.sources}: exactly one of {@link #path} or {@link #url}. */
    public static final class IntelSource {
        public String name;
        public Path path;
        public String url;
        /** auto, stix, misp-csv, misp-json or plain. */
        public String format = "auto";
        /** TLP of the feed's indicators when the feed carries none. */
        public String tlp = "red";
    }

    /** {@code rules_reload:} reload rules when their files change (also POST /api/v1/rules/reload). */
    public static final class RulesReload {
        public boolean watch = true;
        public Duration poll = Duration.ofSeconds(2);
    }

    /** {@code correlation:} event time and state bounds of correlation rules. */
    public static final class Correlation {
        public Duration outOfOrderness = Duration.ofSeconds(5);
        /** apply or drop events later than the watermark allows. */
        public String latePolicy = "apply";
        public int maxKeys = 100_000;
        public int maxValues = 256;
        /** Window state (KiB) past which a rule's matches go through the prefetching match pipeline. */
        public int pipelineMinKb = 4096;
    }
    public Stream stream = new Stream();

    /** {@code assessment:} the EU toolbox criteria computed for every alert (see io.vigie.ops.assess.Assessor). */
    public static final class Assessment {
        /** Criterion weights (scope, scale, duration, intensity, complexity, sophistication, impact), text values. */
        public Map<String, String> weights = new LinkedHashMap<>();
        /** Score thresholds (medium, high, critical), text values. */
        public Map<String, String> thresholds = new LinkedHashMap<>();
        public List<Asset> assets = new ArrayList<>();
        public int defaultCriticality = 1;
        public int rarityWindowHours = 24;
    }

    /** One entry of {@code assessment.assets}: a host name, IP or CIDR and its criticality 0-5. */
    public static final class Asset {
        public String match;
        public int criticality;
    }

    /** {@code stream:} the live alert stream (Server-Sent Events). */
    public static final class Stream {
        public int maxPendingEvents = 1024;
        public long maxPendingBytes = 4L * 1024 * 1024;
        public Duration stallTimeout = Duration.ofSeconds(30);
        public Duration heartbeat = Duration.ofSeconds(15);
        public int maxSubscribers = 256;
    }

    /** {@code soc:} this node's identity. */
    public static final class Soc {
        /** Node id, stamped on alerts ({@code vigie.soc}). */
        public String id = "vigie";
        /** ISO 3166-1 alpha-2 country code, or null. */
        public String country;
        public String sector;
    }

    /** {@code ingest:} the inputs. */
    public static final class Ingest {
        public Syslog syslog = new Syslog();
        public Tls tls = new Tls();
        public Relp relp = new Relp();
        public Kafka kafka = new Kafka();
    }

    /** {@code ingest.kafka:} a Kafka consumer group (offsets committed after the raw journal append). */
    public static final class Kafka {
        public boolean enabled;
        public String bootstrap = "127.0.0.1:9092";
        public String groupId = "vigie";
        public List<String> topics = new ArrayList<>(List.of("vigie-events"));
        /** auto, rfc5424, rfc3164, cef or json. */
        public String format = "auto";
        /** Seek-back on partition assignment to rebuild correlation state (0 = off). */
        public Duration rebuildWindow = Duration.ZERO;
    }

    /** {@code forward:} alerts out to other systems. */
    public static final class Forward {
        public KafkaOut kafka = new KafkaOut();
        public CefForward cef = new CefForward();
    }

    /** {@code forward.cef:} alerts as CEF over syslog (TCP, octet-counted; optional TLS) to another SIEM. */
    public static final class CefForward {
        public boolean enabled;
        public String host = "127.0.0.1";
        public int port = 514;
        public boolean tls;
        /** CA bundle of the receiver (null = the JDK trust store). */
        public Path ca;
        public Path cert;
        public Path key;
        public String serverName;
        /** Most permissive label forwarded (red only for a SIEM inside the SOC). */
        public String maxTlp = "amber";
        public int facility = 16;
        /** end | start: where to begin when there is no saved position. */
        public String startAt = "end";
    }

    /** {@code forward.kafka:} alerts to a Kafka topic, keyed by rule and group. */
    public static final class KafkaOut {
        public boolean enabled;
        public String bootstrap = "127.0.0.1:9092";
        public String topic = "vigie-alerts";
    }

    /** {@code ingest.syslog:} plain syslog over UDP and TCP on one port. */
    public static final class Syslog {
        public boolean enabled = true;
        public String bind = "127.0.0.1";
        public int port = 5514;
        public boolean udp = true;
        public boolean tcp = true;
        public int maxFrameBytes = 65_536;
        /** auto, rfc5424, rfc3164, cef or json. */
        public String format = "auto";
        /** TLP 2.0 label stamped on events: clear, green, amber, amber+strict, red. */
        public String tlp = "red";
        /** Ring-full policy of TCP connections: block (back-pressure) or drop. UDP always drops. */
        public String policy = "block";
        /** Keep malformed frames as events instead of rejecting them. */
        public boolean lenient;
        /** Zone of timestamps without one (RFC 3164). */
        public String timeZone = "UTC";
        public int idleTimeoutSeconds = 300;
        /** SO_RCVBUF asked for the UDP socket (capped by net.core.rmem_max; the grant is logged). */
        public int udpReceiveBufferBytes = 8 * 1024 * 1024;
        /** Connection limits (also applied to the TLS listener). */
        public int maxConnections = 10_000;
        public int maxConnectionsPerSource = 256;
        /** Seconds a new connection has to send its first byte (plain) or finish its handshake (TLS). */
        public int handshakeTimeoutSeconds = 10;
    }

    /** {@code ingest.tls:} syslog over TLS (RFC 5425); served only when {@link #cert} and {@link #key} are set. */
    public static final class Tls {
        public String bind = "127.0.0.1";
        public int port = 6514;
        public Path cert;
        public Path key;
        /** CA bundle for client certificates (mutual TLS), or null. */
        public Path clientCa;
        /** Client certificates allowed: CN/SAN or {@code sha256:<hex>} (empty = any the CA accepts). */
        public List<String> allow = new ArrayList<>();

        /** True when certificates are configured. */
        public boolean configured() {
            return cert != null && key != null;
        }
    }

    /** {@code ingest.relp:} RELP (what rsyslog's omrelp speaks), acknowledged after the raw journal append. */
    public static final class Relp {
        public boolean enabled;
        public String bind = "127.0.0.1";
        public int port = 2514;
        public int maxConnections = 10_000;
        public int maxConnectionsPerSource = 256;
        public int handshakeTimeoutSeconds = 10;
    }

    /** {@code http:} the HTTP API and metrics. */
    public static final class Http {
        public boolean enabled = true;
        public String bind = "127.0.0.1";
        public int port = 8514;
        public Tls tls = new Tls();
        public HttpIngest ingest = new HttpIngest();
    }

    /** {@code http.ingest:} POST /api/v1/ingest (JSON or syslog lines, acknowledged after the raw journal append). */
    public static final class HttpIngest {
        /** Off by default: the endpoint trusts whoever can reach it (restrict with http.tls.client_ca). */
        public boolean enabled;
        public int maxBodyBytes = 1024 * 1024;
        public int maxLineBytes = 65_536;
        public int maxLines = 10_000;
    }

    /** {@code engine:} the ring and the journals. */
    public static final class EngineSection {
        public int ringSize = 16_384;
        public int workers = 1;
        /** none, async or sync (see {@code SyncPolicy}). */
        public String sync = "none";
        /** backoff, sleeping, blocking, yielding or busy-spin. */
        public String waitStrategy = "backoff";
        /** MiB behind the raw journal's appender at which written pages leave the page cache; 0 = never. */
        public int journalWriteBehindMb = 256;
        public long quarantineMaxBytes = 256L * 1024 * 1024;
    }

    /** {@code sharing:} what is released to subscribers (parsed; consumed by the feeds). */
    public static final class Sharing {
        public Pseudonymize pseudonymize = new Pseudonymize();
        public List<Subscriber> subscribers = new ArrayList<>();
        /** TAXII collections (one per sharing audience or per TLP); none = no TAXII server. */
        public List<Collection> collections = new ArrayList<>();
        public Taxii taxii = new Taxii();
    }

    /** One entry of {@code sharing.collections}: a TAXII collection and the labels it releases. */
    public static final class Collection {
        /** UUID (required). */
        public String id;
        public String title;
        public String description;
        /** Exactly this TLP label, or null (then {@link #maxTlp}). */
        public String tlp;
        /** Every label up to this one, or null (then {@link #tlp}). */
        public String maxTlp;
        /** Subscriber names allowed (empty = anyone whose TLP allows). */
        public List<String> audience = new ArrayList<>();
    }

    /** {@code sharing.taxii:} the TAXII 2.1 server. */
    public static final class Taxii {
        public String apiRoot = "vigie";
        public int maxAlerts = 100_000;
    }

    /** {@code sharing.pseudonymize:} HMAC-SHA256 pseudonymization of personal data in shared indicators. */
    public static final class Pseudonymize {
        /** The per-federation key, or null when pseudonymization is not configured. */
        public Secret key;
        public List<String> fields = new ArrayList<>(List.of("user.name", "source.user.name",
            "destination.user.name", "host.name", "source.ip", "destination.ip"));
    }

    /** One entry of {@code sharing.subscribers}. */
    public static final class Subscriber {
        public String name;
        public Secret token;
        /** Most permissive TLP label this subscriber may receive (RED never leaves the SOC). */
        public String maxTlp = "clear";
        /** Client certificate: subject CN/SAN or {@code sha256:<hex>} fingerprint, or null. */
        public String cert;
        /** Collection ids it may read (empty = every collection its TLP allows). */
        public List<String> collections = new ArrayList<>();
    }

    /** {@code federation:} peers whose alert streams this node follows, as signals for federated rules. */
    public static final class Federation {
        public List<Peer> peers = new ArrayList<>();
        public Corroboration corroboration = new Corroboration();
        public Duration minBackoff = Duration.ofMillis(500);
        public Duration maxBackoff = Duration.ofSeconds(30);
        /** Reconnect when a peer stream is silent this long (above the peers' stream heartbeat). */
        public Duration idleTimeout = Duration.ofSeconds(60);
        /** Window around a federated alert in which the reporting SOCs/countries/sectors are counted. */
        public Duration scopeWindow = Duration.ofHours(24);
        public int dedupCapacity = 100_000;
        /** start | end: where to begin following a peer without a saved position. */
        public String startAt = "start";
    }

    /** One entry of {@code federation.peers}. */
    public static final class Peer {
        public String name;
        /** The peer's HTTP base URL (its /api/v1/alerts/stream is followed). */
        public String url;
        public Secret token;
        public String country;
        public String sector;
    }

    /** {@code federation.corroboration}. */
    public static final class Corroboration {
        public int minSocs = 3;
        public Duration window = Duration.ofHours(1);
    }

    /** {@code decoders:} message decoder extensions. */
    public static final class Decoders {
        /** User-defined extractors file, or null. */
        public Path extractors;
    }
}
