package io.vigie.rules.compile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sigma taxonomy field names to the ECS names our decoders emit, per logsource, as pySigma processing pipelines do.
 * Built-in tables:
 * <ul>
 *   <li>category {@code webserver} and {@code proxy}: W3C/proxy names ({@code c-uri}, {@code cs-method}, ...) to
 *       {@code url.*}, {@code http.*}, {@code user_agent.original}, {@code source.ip}, ...;</li>
 *   <li>category {@code firewall} and network products (cisco, fortigate, paloalto, juniper, huawei, checkpoint,
 *       sonicwall, pfsense, opnsense): {@code src_ip}, {@code dst_port}, {@code action}, ... to ECS;</li>
 *   <li>category {@code dns}: {@code query}, {@code record_type}, {@code answer} to {@code dns.*};</li>
 *   <li>service {@code auditd}: every field X to {@code auditd.X} (the auditd decoder's key names);</li>
 *   <li>product {@code linux} with a category (process_creation, file_event, network_connection, ...): Sysmon-style
 *       names ({@code Image}, {@code CommandLine}, ...) to {@code process.*}, {@code file.path}, ...;</li>
 *   <li>everything else (windows, ...): identity.</li>
 * </ul>
 * Overrides from configuration apply to every logsource and win over the tables. When a name is mapped, the
 * original Sigma name is kept as a fallback field, so events that already carry Sigma names still match.
 */
public final class FieldMapping {
    private static final Map<String, String> WEBSERVER = table(
        "c-ip", "source.ip", "c-uri", "url.original", "cs-uri-stem", "url.path", "cs-uri-query", "url.query",
        "cs-method", "http.request.method", "sc-status", "http.response.status_code",
        "cs-user-agent", "user_agent.original", "cs-referer", "http.request.referrer", "cs-host", "url.domain",
        "cs-username", "user.name", "cs-version", "http.version", "sc-bytes", "http.response.body.bytes");
    private static final Map<String, String> PROXY = table(
        "c-uri", "url.original", "c-uri-query", "url.query", "c-uri-stem", "url.path",
        "c-uri-extension", "url.extension", "c-useragent", "user_agent.original", "cs-host", "url.domain",
        "cs-method", "http.request.method", "sc-status", "http.response.status_code", "r-dns", "destination.domain",
        "c-ip", "source.ip", "cs-referrer", "http.request.referrer", "dst_ip", "destination.ip");
    private static final Map<String, String> FIREWALL = table(
        "src_ip", "source.ip", "dst_ip", "destination.ip", "src_port", "source.port", "dst_port", "destination.port",
        "action", "event.action", "protocol", "network.transport", "username", "user.name");
    private static final Map<String, String> DNS = table(
        "query", "dns.question.name", "record_type", "dns.question.type", "answer", "dns.answers.data");
    private static final Map<String, String> LINUX = table(
        "Image", "process.executable", "CommandLine", "process.command_line",
        "ParentImage", "process.parent.executable", "ParentCommandLine", "process.parent.command_line",
        "User", "user.name", "CurrentDirectory", "process.working_directory", "TargetFilename", "file.path",
        "ProcessId", "process.pid", "DestinationIp", "destination.ip", "DestinationPort", "destination.port",
        "DestinationHostname", "destination.domain", "SourceIp", "source.ip", "SourcePort", "source.port");
    private static final Set<String> NETWORK_PRODUCTS = Set.of(
        "cisco", "fortigate", "paloalto", "juniper", "huawei", "checkpoint", "sonicwall", "pfsense", "opnsense");

    private final Map<String, String> overrides;

    /** A mapping with configuration overrides (Sigma name to ECS name, for every logsource). */
    public FieldMapping(final Map<String, String> overrides) {
        this.overrides = overrides == null ? Map.of() : new HashMap<>(overrides);
    }

    /**
     * The event field names to look up for a Sigma field of a rule with this logsource (lower-case names or null):
     * the mapped name first, then the Sigma name when it differs.
     */
    public List<String> resolve(final String field, final String product, final String category,
                                final String service) {
        final List<String> out = new ArrayList<>(2);
        String mapped = overrides.get(field);
        if (mapped == null) {
            mapped = builtin(field, lower(product), lower(category), lower(service));
        }
        if (mapped != null && !mapped.equals(field)) {
            out.add(mapped);
        }
        out.add(field);
        return out;
    }

    private static String builtin(final String field, final String product, final String category,
                                  final String service) {
        if ("auditd".equals(service)) {
            return field.startsWith("auditd.") ? field : "auditd." + field;
        }
        if ("webserver".equals(category)) {
            return WEBSERVER.get(field);
        }
        if ("proxy".equals(category)) {
            return PROXY.get(field);
        }
        if ("dns".equals(category)) {
            return DNS.get(field);
        }
        if ("firewall".equals(category) || (product != null && NETWORK_PRODUCTS.contains(product))) {
            return FIREWALL.get(field);
        }
        if ("linux".equals(product) && category != null) {
            return LINUX.get(field);
        }
        return null;
    }

    private static String lower(final String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> table(final String... pairs) {
        final Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return Map.copyOf(m);
    }
}
