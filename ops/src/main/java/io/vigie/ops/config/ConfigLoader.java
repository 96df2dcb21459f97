package io.vigie.ops.config;

import io.vigie.engine.alert.Tlp;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads {@code vigie.yaml} (SnakeYAML Engine) into a {@link VigieConfig}. Every key has a default; unknown keys,
 * wrong types and out-of-range values are errors that name the full key path and the line. Secrets are read from
 * the files or environment variables the configuration names ({@code *_file}, {@code *_env}).
 */
public final class ConfigLoader {
    private static final String[] TLPS = {"clear", "white", "green", "amber", "amber+strict", "red"};

    private ConfigLoader() {
    }

    /** The embedded defaults (no file). */
    public static VigieConfig defaults() {
        return new VigieConfig();
    }

    /** Loads a file, or the embedded defaults when {@code file} is null. */
    public static VigieConfig load(final Path file) {
        if (file == null) {
            return defaults();
        }
        final String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration " + file + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        final VigieConfig c = parse(text, String.valueOf(file.getFileName()), System::getenv);
        c.source = file;
        return c;
    }

    /**
     * Parses configuration text.
     *
     * @param text  the YAML document
     * @param label the file name used in error messages
     * @param env   environment lookup for {@code *_env} secrets
     */
    public static VigieConfig parse(final String text, final String label, final Function<String, String> env) {
        final Node root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(label).build()).composeString(text).orElse(null);
        } catch (YamlEngineException e) {
            throw new ConfigException("cannot parse " + label + ": " + e.getMessage().replace('\n', ' '), e);
        }
        final YamlSection top = new YamlSection(root, "", label, env);
        top.allow("soc", "data_dir", "rules", "ingest", "http", "engine", "sharing", "federation", "field_mapping",
            "placeholders", "decoders", "forward", "assessment", "stream", "intel", "rules_reload", "correlation");
        final VigieConfig c = new VigieConfig();

        final YamlSection soc = top.section("soc").allow("id", "country", "sector");
        c.soc.id = soc.string("id", c.soc.id);
        c.soc.country = soc.string("country", c.soc.country);
        c.soc.sector = soc.string("sector", c.soc.sector);

        c.dataDir = top.path("data_dir", c.dataDir);
        final List<Path> rules = new ArrayList<>();
        for (final String r : top.strings("rules", List.of())) {
            rules.add(Path.of(r));
        }
        c.rules = rules;

        final YamlSection ingest = top.section("ingest").allow("syslog", "tls", "relp", "kafka");
        readSyslog(ingest.section("syslog"), c.ingest.syslog);
        readTls(ingest.section("tls"), c.ingest.tls, true);
        final YamlSection relp = ingest.section("relp").allow("enabled", "bind", "port", "max_connections",
            "max_connections_per_source", "handshake_timeout_seconds");
        c.ingest.relp.enabled = relp.bool("enabled", c.ingest.relp.enabled);
        c.ingest.relp.bind = relp.string("bind", c.ingest.relp.bind);
        c.ingest.relp.port = relp.integer("port", c.ingest.relp.port, 0, 65_535);
        c.ingest.relp.maxConnections = relp.integer("max_connections", c.ingest.relp.maxConnections, 1, 1_000_000);
        c.ingest.relp.maxConnectionsPerSource = relp.integer("max_connections_per_source",
            c.ingest.relp.maxConnectionsPerSource, 1, 1_000_000);
        c.ingest.relp.handshakeTimeoutSeconds = relp.integer("handshake_timeout_seconds",
            c.ingest.relp.handshakeTimeoutSeconds, 1, 3600);
        final YamlSection kafka = ingest.section("kafka")
            .allow("enabled", "bootstrap", "group_id", "topics", "format", "rebuild_window");
        c.ingest.kafka.enabled = kafka.bool("enabled", c.ingest.kafka.enabled);
        c.ingest.kafka.bootstrap = kafka.string("bootstrap", c.ingest.kafka.bootstrap);
        c.ingest.kafka.groupId = kafka.string("group_id", c.ingest.kafka.groupId);
        c.ingest.kafka.topics = new ArrayList<>(kafka.strings("topics", c.ingest.kafka.topics));
        c.ingest.kafka.format = kafka.choice("format", c.ingest.kafka.format, "auto", "rfc5424", "rfc3164", "cef",
            "json");
        c.ingest.kafka.rebuildWindow = kafka.duration("rebuild_window", c.ingest.kafka.rebuildWindow);
        final YamlSection forward = top.section("forward").allow("kafka", "cef");
        final YamlSection cef = forward.section("cef").allow("enabled", "host", "port", "tls", "max_tlp", "facility",
            "start_at");
        final VigieConfig.CefForward cf = c.forward.cef;
        cf.enabled = cef.bool("enabled", cf.enabled);
        cf.host = cef.string("host", cf.host);
        cf.port = cef.integer("port", cf.port, 1, 65_535);
        cf.maxTlp = Tlp.parse(cef.choice("max_tlp", cf.maxTlp, TLPS)).label();
        cf.facility = cef.integer("facility", cf.facility, 0, 23);
        cf.startAt = cef.choice("start_at", cf.startAt, "end", "start");
        final YamlSection cefTls = cef.section("tls").allow("enabled", "ca", "cert", "key", "server_name");
        cf.tls = cefTls.bool("enabled", cf.tls);
        cf.ca = cefTls.path("ca", cf.ca);
        cf.cert = cefTls.path("cert", cf.cert);
        cf.key = cefTls.path("key", cf.key);
        cf.serverName = cefTls.string("server_name", cf.serverName);
        final YamlSection assess = top.section("assessment").allow("weights", "thresholds", "assets",
            "default_criticality", "rarity_window_hours");
        if (assess.section("weights").node() != null) {
            c.assessment.weights = assess.stringMap("weights");
        }
        if (assess.section("thresholds").node() != null) {
            c.assessment.thresholds = assess.stringMap("thresholds");
        }
        for (final YamlSection a : assess.sections("assets")) {
            a.allow("match", "criticality");
            final VigieConfig.Asset x = new VigieConfig.Asset();
            x.match = a.string("match", null);
            x.criticality = a.integer("criticality", 0, 0, 5);
            c.assessment.assets.add(x);
        }
        c.assessment.defaultCriticality = assess.integer("default_criticality", c.assessment.defaultCriticality, 0, 5);
        c.assessment.rarityWindowHours = assess.integer("rarity_window_hours", c.assessment.rarityWindowHours, 1, 168);
        final YamlSection intel = top.section("intel").allow("sources", "poll", "level");
        for (final YamlSection src : intel.sections("sources")) {
            src.allow("name", "path", "url", "format", "tlp");
            final VigieConfig.IntelSource x = new VigieConfig.IntelSource();
            x.name = src.string("name", null);
            x.path = src.path("path", null);
            x.url = src.string("url", null);
            x.format = src.choice("format", x.format, "auto", "stix", "misp-csv", "misp-json", "plain");
            x.tlp = Tlp.parse(src.choice("tlp", x.tlp, TLPS)).label();
            c.intel.sources.add(x);
        }
        c.intel.poll = intel.duration("poll", c.intel.poll);
        c.intel.level = intel.choice("level", c.intel.level, "informational", "low", "medium", "high", "critical");
        final YamlSection reload = top.section("rules_reload").allow("watch", "poll");
        c.rulesReload.watch = reload.bool("watch", c.rulesReload.watch);
        c.rulesReload.poll = reload.duration("poll", c.rulesReload.poll);
        final YamlSection corr = top.section("correlation")
            .allow("out_of_orderness", "late_policy", "max_keys", "max_values", "pipeline_min_kb");
        c.correlation.outOfOrderness = corr.duration("out_of_orderness", c.correlation.outOfOrderness);
        c.correlation.latePolicy = corr.choice("late_policy", c.correlation.latePolicy, "apply", "drop");
        c.correlation.maxKeys = corr.integer("max_keys", c.correlation.maxKeys, 1, 100_000_000);
        c.correlation.maxValues = corr.integer("max_values", c.correlation.maxValues, 1, 10_000_000);
        c.correlation.pipelineMinKb = corr.integer("pipeline_min_kb", c.correlation.pipelineMinKb, 0, 1 << 30);
        final YamlSection stream = top.section("stream").allow("max_pending_events", "max_pending_bytes",
            "stall_timeout", "heartbeat", "max_subscribers");
        c.stream.maxPendingEvents = stream.integer("max_pending_events", c.stream.maxPendingEvents, 1, 1_000_000);
        c.stream.maxPendingBytes = stream.longValue("max_pending_bytes", c.stream.maxPendingBytes, 1024,
            Long.MAX_VALUE);
        c.stream.stallTimeout = stream.duration("stall_timeout", c.stream.stallTimeout);
        c.stream.heartbeat = stream.duration("heartbeat", c.stream.heartbeat);
        c.stream.maxSubscribers = stream.integer("max_subscribers", c.stream.maxSubscribers, 1, 100_000);
        final YamlSection kafkaOut = forward.section("kafka").allow("enabled", "bootstrap", "topic");
        c.forward.kafka.enabled = kafkaOut.bool("enabled", c.forward.kafka.enabled);
        c.forward.kafka.bootstrap = kafkaOut.string("bootstrap", c.forward.kafka.bootstrap);
        c.forward.kafka.topic = kafkaOut.string("topic", c.forward.kafka.topic);

        final YamlSection http = top.section("http").allow("enabled", "bind", "port", "tls", "ingest");
        final YamlSection httpIngest = http.section("ingest").allow("enabled", "max_body_bytes", "max_line_bytes",
            "max_lines");
        c.http.ingest.enabled = httpIngest.bool("enabled", c.http.ingest.enabled);
        c.http.ingest.maxBodyBytes = httpIngest.integer("max_body_bytes", c.http.ingest.maxBodyBytes, 1024,
            1024 * 1024);
        c.http.ingest.maxLineBytes = httpIngest.integer("max_line_bytes", c.http.ingest.maxLineBytes, 480,
            16 * 1024 * 1024);
        c.http.ingest.maxLines = httpIngest.integer("max_lines", c.http.ingest.maxLines, 1, 1_000_000);
        c.http.enabled = http.bool("enabled", c.http.enabled);
        c.http.bind = http.string("bind", c.http.bind);
        c.http.port = http.integer("port", c.http.port, 0, 65_535);
        readTls(http.section("tls"), c.http.tls, false);

        final YamlSection engine = top.section("engine")
            .allow("ring_size", "workers", "sync", "wait_strategy", "journal_write_behind_mb",
                "quarantine_max_bytes");
        c.engine.ringSize = engine.integer("ring_size", c.engine.ringSize, 64, 1 << 26);
        if (Integer.bitCount(c.engine.ringSize) != 1) {
            throw new ConfigException("key 'engine.ring_size' in " + label + ": expected a power of two, got "
                + c.engine.ringSize);
        }
        c.engine.workers = engine.integer("workers", c.engine.workers, 1, 64);
        c.engine.sync = engine.choice("sync", c.engine.sync, "none", "async", "sync");
        c.engine.waitStrategy = engine.choice("wait_strategy", c.engine.waitStrategy, "backoff", "sleeping", "blocking",
            "yielding", "busy-spin");
        c.engine.journalWriteBehindMb = engine.integer("journal_write_behind_mb", c.engine.journalWriteBehindMb, 0,
            1 << 20);
        if (c.engine.journalWriteBehindMb != 0 && c.engine.journalWriteBehindMb < 200) {
            // Less would write back pages the appender or its toucher still map: a TLB shootdown per page.
            throw new ConfigException("key 'engine.journal_write_behind_mb' in " + label
                + ": expected 0 (off) or at least 200, got " + c.engine.journalWriteBehindMb);
        }
        c.engine.quarantineMaxBytes = engine.longValue("quarantine_max_bytes", c.engine.quarantineMaxBytes,
            1024 * 1024, Long.MAX_VALUE);

        readSharing(top.section("sharing"), c.sharing);
        readFederation(top.section("federation"), c.federation);

        c.fieldMapping = top.section("field_mapping").node() == null ? c.fieldMapping : top.stringMap("field_mapping");
        c.placeholders = top.section("placeholders").node() == null ? c.placeholders
            : top.stringListMap("placeholders");
        final YamlSection decoders = top.section("decoders").allow("extractors");
        c.decoders.extractors = decoders.path("extractors", c.decoders.extractors);
        return c;
    }

    private static void readSyslog(final YamlSection s, final VigieConfig.Syslog out) {
        s.allow("enabled", "bind", "port", "udp", "tcp", "max_frame_bytes", "format", "tlp", "policy", "lenient",
            "time_zone", "idle_timeout_seconds", "max_connections", "max_connections_per_source",
            "handshake_timeout_seconds", "udp_receive_buffer_bytes");
        out.udpReceiveBufferBytes = s.integer("udp_receive_buffer_bytes", out.udpReceiveBufferBytes, 64 * 1024,
            Integer.MAX_VALUE / 2);
        out.maxConnections = s.integer("max_connections", out.maxConnections, 1, 1_000_000);
        out.maxConnectionsPerSource = s.integer("max_connections_per_source", out.maxConnectionsPerSource, 1,
            1_000_000);
        out.handshakeTimeoutSeconds = s.integer("handshake_timeout_seconds", out.handshakeTimeoutSeconds, 1, 3600);
        out.enabled = s.bool("enabled", out.enabled);
        out.bind = s.string("bind", out.bind);
        out.port = s.integer("port", out.port, 0, 65_535);
        out.udp = s.bool("udp", out.udp);
        out.tcp = s.bool("tcp", out.tcp);
        out.maxFrameBytes = s.integer("max_frame_bytes", out.maxFrameBytes, 480, 16 * 1024 * 1024);
        out.format = s.choice("format", out.format, "auto", "rfc5424", "rfc3164", "cef", "json");
        out.tlp = Tlp.parse(s.choice("tlp", out.tlp, TLPS)).label();
        out.policy = s.choice("policy", out.policy, "block", "drop");
        out.lenient = s.bool("lenient", out.lenient);
        out.timeZone = s.string("time_zone", out.timeZone);
        try {
            ZoneId.of(out.timeZone);
        } catch (RuntimeException e) {
            throw new ConfigException("key 'ingest.syslog.time_zone': unknown time zone '" + out.timeZone + "'");
        }
        out.idleTimeoutSeconds = s.integer("idle_timeout_seconds", out.idleTimeoutSeconds, 0, 86_400);
    }

    private static void readTls(final YamlSection s, final VigieConfig.Tls out, final boolean listener) {
        if (listener) {
            s.allow("bind", "port", "cert", "key", "client_ca", "allow");
            out.bind = s.string("bind", out.bind);
            out.port = s.integer("port", out.port, 0, 65_535);
            out.allow = new ArrayList<>(s.strings("allow", out.allow));
        } else {
            s.allow("cert", "key", "client_ca");
        }
        out.cert = s.path("cert", out.cert);
        out.key = s.path("key", out.key);
        out.clientCa = s.path("client_ca", out.clientCa);
    }

    private static void readSharing(final YamlSection s, final VigieConfig.Sharing out) {
        s.allow("pseudonymize", "subscribers", "collections", "taxii");
        final YamlSection p = s.section("pseudonymize").allow("key_file", "key_env", "fields");
        out.pseudonymize.key = p.secret("key");
        out.pseudonymize.fields = new ArrayList<>(p.strings("fields", out.pseudonymize.fields));
        for (final YamlSection sub : s.sections("subscribers")) {
            sub.allow("name", "token_file", "token_env", "max_tlp", "cert", "collections");
            final VigieConfig.Subscriber x = new VigieConfig.Subscriber();
            x.name = sub.string("name", null);
            x.token = sub.secret("token");
            x.maxTlp = Tlp.parse(sub.choice("max_tlp", x.maxTlp, TLPS)).label();
            x.cert = sub.string("cert", null);
            x.collections = new ArrayList<>(sub.strings("collections", x.collections));
            out.subscribers.add(x);
        }
        for (final YamlSection col : s.sections("collections")) {
            col.allow("id", "title", "description", "tlp", "max_tlp", "audience");
            final VigieConfig.Collection x = new VigieConfig.Collection();
            x.id = col.string("id", null);
            x.title = col.string("title", x.id);
            x.description = col.string("description", null);
            x.tlp = col.has("tlp") ? col.choice("tlp", null, TLPS) : null;
            x.maxTlp = col.has("max_tlp") ? col.choice("max_tlp", null, TLPS) : null;
            x.audience = new ArrayList<>(col.strings("audience", x.audience));
            out.collections.add(x);
        }
        final YamlSection taxii = s.section("taxii").allow("api_root", "max_alerts");
        out.taxii.apiRoot = taxii.string("api_root", out.taxii.apiRoot);
        out.taxii.maxAlerts = taxii.integer("max_alerts", out.taxii.maxAlerts, 1, 10_000_000);
    }

    private static void readFederation(final YamlSection s, final VigieConfig.Federation out) {
        s.allow("peers", "corroboration", "min_backoff", "max_backoff", "idle_timeout", "scope_window",
            "dedup_capacity", "start_at");
        for (final YamlSection peer : s.sections("peers")) {
            peer.allow("name", "url", "token_file", "token_env", "country", "sector");
            final VigieConfig.Peer x = new VigieConfig.Peer();
            x.name = peer.string("name", null);
            x.url = peer.string("url", null);
            x.token = peer.secret("token");
            x.country = peer.string("country", null);
            x.sector = peer.string("sector", null);
            out.peers.add(x);
        }
        out.minBackoff = s.duration("min_backoff", out.minBackoff);
        out.maxBackoff = s.duration("max_backoff", out.maxBackoff);
        out.idleTimeout = s.duration("idle_timeout", out.idleTimeout);
        out.scopeWindow = s.duration("scope_window", out.scopeWindow);
        out.dedupCapacity = s.integer("dedup_capacity", out.dedupCapacity, 16, 100_000_000);
        out.startAt = s.choice("start_at", out.startAt, "start", "end");
        final YamlSection c = s.section("corroboration").allow("min_socs", "window");
        out.corroboration.minSocs = c.integer("min_socs", out.corroboration.minSocs, 1, 1000);
        out.corroboration.window = c.duration("window", out.corroboration.window);
    }

    /**
     * The effective configuration as {@code key=value} lines, secrets masked (only their source is shown), for the
     * startup log.
     */
    public static List<String> describe(final VigieConfig c) {
        final List<String> out = new ArrayList<>();
        out.add("config=" + (c.source == null ? "(embedded defaults)" : c.source));
        out.add("soc.id=" + c.soc.id + ", soc.country=" + c.soc.country + ", soc.sector=" + c.soc.sector);
        out.add("data_dir=" + c.dataDir);
        out.add("rules=" + (c.rules.isEmpty() ? "(bundled)" : c.rules));
        final VigieConfig.Syslog s = c.ingest.syslog;
        out.add("ingest.syslog: enabled=" + s.enabled + ", bind=" + s.bind + ", port=" + s.port + ", udp=" + s.udp
            + ", tcp=" + s.tcp + ", max_frame_bytes=" + s.maxFrameBytes + ", format=" + s.format + ", tlp=" + s.tlp
            + ", policy=" + s.policy + ", lenient=" + s.lenient + ", time_zone=" + s.timeZone
            + ", idle_timeout_seconds=" + s.idleTimeoutSeconds
            + ", udp_receive_buffer_bytes=" + s.udpReceiveBufferBytes);
        out.add("ingest.tls: bind=" + c.ingest.tls.bind + ", port=" + c.ingest.tls.port + ", cert=" + c.ingest.tls.cert
            + ", key=" + c.ingest.tls.key + ", client_ca=" + c.ingest.tls.clientCa);
        out.add("ingest.relp: enabled=" + c.ingest.relp.enabled + ", bind=" + c.ingest.relp.bind + ", port="
            + c.ingest.relp.port);
        out.add("http: enabled=" + c.http.enabled + ", bind=" + c.http.bind + ", port=" + c.http.port + ", tls.cert="
            + c.http.tls.cert + ", tls.key=" + c.http.tls.key + ", tls.client_ca=" + c.http.tls.clientCa);
        out.add("engine: ring_size=" + c.engine.ringSize + ", workers=" + c.engine.workers + ", sync=" + c.engine.sync
            + ", wait_strategy=" + c.engine.waitStrategy + ", journal_write_behind_mb=" + c.engine.journalWriteBehindMb
            + ", quarantine_max_bytes=" + c.engine.quarantineMaxBytes);
        out.add("sharing.pseudonymize: key=" + c.sharing.pseudonymize.key + ", fields="
            + c.sharing.pseudonymize.fields);
        for (final VigieConfig.Subscriber x : c.sharing.subscribers) {
            out.add("sharing.subscriber: name=" + x.name + ", token=" + x.token + ", max_tlp=" + x.maxTlp);
        }
        for (final VigieConfig.Peer x : c.federation.peers) {
            out.add("federation.peer: name=" + x.name + ", url=" + x.url + ", token=" + x.token);
        }
        out.add("federation.corroboration: min_socs=" + c.federation.corroboration.minSocs + ", window="
            + c.federation.corroboration.window);
        for (final Map.Entry<String, String> e : c.fieldMapping.entrySet()) {
            out.add("field_mapping: " + e.getKey() + " -> " + e.getValue());
        }
        for (final Map.Entry<String, List<String>> e : c.placeholders.entrySet()) {
            out.add("placeholders: " + e.getKey() + "=" + e.getValue());
        }
        out.add("decoders.extractors=" + c.decoders.extractors);
        return out;
    }
}
