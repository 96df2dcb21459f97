package io.vigie.ops.feed.stix;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.AlertJson;
import io.vigie.engine.alert.Tlp;
import io.vigie.ops.share.OutboundFilter;
import io.vigie.ops.share.Pseudonymizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps an alert to STIX 2.1 objects (OASIS STIX 2.1, 10 June 2021), after the {@link OutboundFilter}:
 * <ul>
 *   <li>{@code identity}: the SOC ({@code name} = SOC id, {@code identity_class} organization, {@code sectors});
 *       shared by every alert, marked TLP:CLEAR;</li>
 *   <li>the TLP 2.0 {@code marking-definition} of the alert's label (the fixed objects of the FIRST TLP 2.0 extension,
 *       extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d), shared;</li>
 *   <li>per alert, when it has attacker-side observables (public IPs, domains, absolute URLs, file hashes, IoC
 *       values; never a pseudonym): one SCO per observable, an {@code observed-data} over them, an {@code indicator}
 *       whose STIX pattern ORs them, and a {@code sighting} of the indicator by the SOC. An alert with none yields no
 *       per-alert object (nothing actionable to share).</li>
 * </ul>
 * Ids are UUID v5 of (SOC id, alert id, role), so re-serving an alert gives the same ids; SCO ids are per alert too
 * (not the value-based ids STIX section 2.9 suggests) so that alerts never share objects and each keeps its own
 * marking. Every object except the marking definitions carries {@code object_marking_refs}. A destination IP is an
 * observable only when the source is absent or private (outbound traffic): a public destination of inbound traffic
 * is the victim. Descriptions say the content is decision support, never attribution. Thread-safe.
 */
public final class StixMapper {
    /** The STIX media type (TAXII 2.1 section 1.6.8). */
    public static final String MEDIA_TYPE = "application/stix+json;version=2.1";
    /** The FIRST TLP 2.0 STIX extension definition. */
    public static final String TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
    /** created/modified of the SOC identity (a fixed version: the identity never changes within a deployment). */
    public static final String IDENTITY_CREATED = "2020-01-01T00:00:00.000Z";
    private static final Map<Tlp, String> MARKING_IDS = new EnumMap<>(Tlp.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** ATT&CK Enterprise tactics as Sigma tags spell them (attack.credential_access). */
    private static final Set<String> TACTICS = Set.of("reconnaissance", "resource_development", "initial_access",
        "execution", "persistence", "privilege_escalation", "defense_evasion", "credential_access", "discovery",
        "lateral_movement", "collection", "command_and_control", "exfiltration", "impact");

    static {
        MARKING_IDS.put(Tlp.CLEAR, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");
        MARKING_IDS.put(Tlp.GREEN, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb");
        MARKING_IDS.put(Tlp.AMBER, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
        MARKING_IDS.put(Tlp.AMBER_STRICT, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
        MARKING_IDS.put(Tlp.RED, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
    }

    private final String socId;
    private final List<String> sectors;
    private final String country;
    private final OutboundFilter filter;
    private final String identityId;

    /**
     * @param socId   the SOC id ({@code soc.id})
     * @param sectors STIX industry sectors of the SOC (open vocabulary, e.g. {@code energy}); may be empty
     * @param country ISO 3166-1 alpha-2 country of the SOC, or null (goes in the identity's description)
     * @param filter  applied to every alert before mapping (pseudonymisation); {@link OutboundFilter#NONE} for none
     */
    public StixMapper(final String socId, final Collection<String> sectors, final String country,
                      final OutboundFilter filter) {
        this.socId = socId;
        this.sectors = new ArrayList<>();
        if (sectors != null) {
            for (final String s : sectors) {
                if (s != null && !s.isBlank()) {
                    this.sectors.add(s.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        this.country = country;
        this.filter = filter == null ? OutboundFilter.NONE : filter;
        this.identityId = StixIds.id("identity", "soc|" + socId);
    }

    /** The id of the SOC identity ({@code created_by_ref}, {@code where_sighted_refs}). */
    public String identityId() {
        return identityId;
    }

    /** The id of the TLP 2.0 marking definition of a label. */
    public static String markingId(final Tlp tlp) {
        return MARKING_IDS.get(tlp == null ? Tlp.RED : tlp);
    }

    /** The TLP 2.0 marking definition of a label, as published with the FIRST extension. */
    public static Map<String, Object> marking(final Tlp tlp) {
        final Tlp t = tlp == null ? Tlp.RED : tlp;
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "marking-definition");
        m.put("spec_version", "2.1");
        m.put("id", markingId(t));
        m.put("created", "2022-10-01T00:00:00.000Z");
        m.put("name", "TLP:" + t.label().toUpperCase(Locale.ROOT));
        final Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("extension_type", "property-extension");
        ext.put("tlp_2_0", t.label());
        m.put("extensions", Map.of(TLP2_EXTENSION, ext));
        return m;
    }

    /** The SOC identity object. */
    public Map<String, Object> identity() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "identity");
        m.put("spec_version", "2.1");
        m.put("id", identityId);
        m.put("created", IDENTITY_CREATED);
        m.put("modified", IDENTITY_CREATED);
        m.put("name", socId);
        m.put("description", "Vigie SOC node " + socId + (country == null ? "" : " (" + country + ")"));
        m.put("identity_class", "organization");
        if (!sectors.isEmpty()) {
            m.put("sectors", new ArrayList<>(sectors));
        }
        m.put("object_marking_refs", List.of(markingId(Tlp.CLEAR)));
        return m;
    }

    /** Every object for an alert: the identity, the markings it uses, then {@link #alertObjects}. */
    public List<Map<String, Object>> objects(final Alert alert) {
        final List<Map<String, Object>> out = new ArrayList<>();
        out.add(identity());
        out.add(marking(Tlp.CLEAR));
        if (alert.tlp != Tlp.CLEAR) {
            out.add(marking(alert.tlp));
        }
        out.addAll(alertObjects(alert));
        return out;
    }

    /** A STIX bundle of {@link #objects} (bundle id from the alert id), as UTF-8 JSON. */
    public byte[] bundle(final Alert alert) {
        final Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", "bundle");
        b.put("id", StixIds.id("bundle", socId + "|" + alert.alertId));
        b.put("objects", objects(alert));
        return json(b);
    }

    /**
     * The objects specific to one alert (after the outbound filter): SCOs, observed-data, indicator, sighting, in
     * that order; empty when the alert has no attacker-side observable.
     */
    public List<Map<String, Object>> alertObjects(final Alert original) {
        final Alert a = filter.apply(original);
        final List<String[]> observables = observables(a);
        final List<Map<String, Object>> out = new ArrayList<>();
        if (observables.isEmpty()) {
            return out;
        }
        final Tlp tlp = a.tlp == null ? Tlp.RED : a.tlp;
        final List<String> markings = List.of(markingId(tlp));
        final String base = socId + "|" + a.alertId + "|";
        final String created = StixIds.millis(a.timeNanos);
        final String first = StixIds.millis(a.firstSeenNanos);
        final String last = StixIds.millis(Math.max(a.lastSeenNanos, a.firstSeenNanos));
        final long count = Math.max(1, Math.min(999_999_999L, a.count));

        final List<String> scoIds = new ArrayList<>();
        final StringBuilder pattern = new StringBuilder();
        int i = 0;
        for (final String[] o : observables) {
            final String type = o[0];
            final String value = o[1];
            final Map<String, Object> sco = new LinkedHashMap<>();
            sco.put("type", type);
            sco.put("spec_version", "2.1");
            final String id = StixIds.id(type, base + "sco|" + i++);
            sco.put("id", id);
            if ("file".equals(type)) {
                sco.put("hashes", Map.of(o[2], value));
            } else {
                sco.put("value", value);
            }
            sco.put("object_marking_refs", markings);
            out.add(sco);
            scoIds.add(id);
            if (pattern.length() > 0) {
                pattern.append(" OR ");
            }
            pattern.append('[').append(type).append(':')
                .append("file".equals(type) ? "hashes.'" + o[2] + "'" : "value")
                .append(" = '").append(escape(value)).append("']");
        }

        final Map<String, Object> od = sdo("observed-data", base, created, markings);
        od.put("first_observed", first);
        od.put("last_observed", last);
        od.put("number_observed", count);
        od.put("object_refs", scoIds);
        out.add(od);

        final Map<String, Object> ind = sdo("indicator", base, created, markings);
        ind.put("name", a.ruleTitle == null ? "Vigie alert " + a.ruleId : a.ruleTitle);
        ind.put("description", "Decision support from SOC " + socId + ": rule " + a.ruleId + " (level "
            + a.ruleLevel + ", " + a.ruleType + ") matched " + a.count + " event(s) between " + first + " and "
            + last + ". Observables seen in the alert; this is not attribution.");
        ind.put("indicator_types", List.of("high".equals(a.ruleLevel) || "critical".equals(a.ruleLevel)
            ? "malicious-activity" : "anomalous-activity"));
        ind.put("pattern", pattern.toString());
        ind.put("pattern_type", "stix");
        ind.put("pattern_version", "2.1");
        ind.put("valid_from", first);
        final List<Map<String, Object>> phases = new ArrayList<>();
        final List<Map<String, Object>> refs = new ArrayList<>();
        final Set<String> labels = new LinkedHashSet<>();
        attack(a.tags, phases, refs, labels);
        if (!phases.isEmpty()) {
            ind.put("kill_chain_phases", phases);
        }
        if (!labels.isEmpty()) {
            ind.put("labels", new ArrayList<>(labels));
        }
        if (!refs.isEmpty()) {
            ind.put("external_references", refs);
        }
        out.add(ind);

        final Map<String, Object> s = sdo("sighting", base, created, markings);
        s.put("description", "Seen by SOC " + socId + " (decision support, not attribution).");
        s.put("first_seen", first);
        s.put("last_seen", last);
        s.put("count", count);
        s.put("sighting_of_ref", ind.get("id"));
        s.put("observed_data_refs", List.of(od.get("id")));
        s.put("where_sighted_refs", List.of(identityId));
        out.add(s);
        return out;
    }

    private Map<String, Object> sdo(final String type, final String base, final String created,
                                    final List<String> markings) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("spec_version", "2.1");
        m.put("id", StixIds.id(type, base + type));
        m.put("created_by_ref", identityId);
        m.put("created", created);
        m.put("modified", created);
        m.put("object_marking_refs", markings);
        return m;
    }

    /** ATT&CK tags ({@code attack.t1110}, {@code attack.credential_access}) to phases, references and labels. */
    private static void attack(final List<String> tags, final List<Map<String, Object>> phases,
                               final List<Map<String, Object>> refs, final Set<String> labels) {
        for (final String tag : tags) {
            if (tag == null || tag.isBlank()) {
                continue;
            }
            final String t = tag.strip().toLowerCase(Locale.ROOT);
            labels.add(t);
            if (!t.startsWith("attack.")) {
                continue;
            }
            final String rest = t.substring(7);
            if (rest.length() >= 5 && rest.charAt(0) == 't' && Character.isDigit(rest.charAt(1))) {
                final String technique = rest.toUpperCase(Locale.ROOT);
                final Map<String, Object> r = new LinkedHashMap<>();
                r.put("source_name", "mitre-attack");
                r.put("external_id", technique);
                r.put("url", "https://attack.mitre.org/techniques/" + technique.replace('.', '/') + "/");
                refs.add(r);
            } else if (TACTICS.contains(rest)) {
                final Map<String, Object> p = new LinkedHashMap<>();
                p.put("kill_chain_name", "mitre-attack");
                p.put("phase_name", rest.replace('_', '-'));
                phases.add(p);
            }
        }
    }

    /** Attacker-side observables of a filtered alert: {type, value[, hash algorithm]}, de-duplicated. */
    static List<String[]> observables(final Alert a) {
        final Map<String, String> fields = new LinkedHashMap<>();
        final Object event = a.extra.get("event");
        if (event instanceof Map) {
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) event).entrySet()) {
                if (e.getValue() instanceof CharSequence) {
                    fields.put(String.valueOf(e.getKey()), e.getValue().toString());
                }
            }
        }
        fields.putAll(a.group);
        final Map<String, String[]> out = new LinkedHashMap<>();
        final String src = first(fields, "source.ip", "client.ip");
        final boolean srcPublic = publicIp(src);
        if (srcPublic) {
            addIp(out, src);
        }
        final String dst = first(fields, "destination.ip", "server.ip");
        if (publicIp(dst) && !srcPublic) {
            addIp(out, dst);
        }
        for (final String k : new String[] {"dns.question.name", "destination.domain", "source.domain",
            "url.domain", "server.domain", "client.domain"}) {
            addDomain(out, fields.get(k));
        }
        for (final String k : new String[] {"url.original", "url.full"}) {
            addUrl(out, fields.get(k));
        }
        addHash(out, fields.get("file.hash.md5"), "MD5", 32);
        addHash(out, fields.get("file.hash.sha1"), "SHA-1", 40);
        addHash(out, fields.get("file.hash.sha256"), "SHA-256", 64);
        addHash(out, fields.get("file.hash.sha512"), "SHA-512", 128);
        final Object type = a.extra.get("indicator_type");
        final Object value = a.extra.get("indicator_value");
        if (type != null && value != null) {
            final String v = value.toString();
            switch (type.toString()) {
                case "ipv4-addr":
                case "ipv6-addr":
                    if (publicIp(v)) {
                        addIp(out, v);
                    }
                    break;
                case "domain-name":
                    addDomain(out, v);
                    break;
                case "url":
                    addUrl(out, v);
                    break;
                case "file:hashes.MD5":
                    addHash(out, v, "MD5", 32);
                    break;
                case "file:hashes.SHA-1":
                    addHash(out, v, "SHA-1", 40);
                    break;
                case "file:hashes.SHA-256":
                    addHash(out, v, "SHA-256", 64);
                    break;
                default:
                    break;
            }
        }
        return new ArrayList<>(out.values());
    }

    private static String first(final Map<String, String> fields, final String... keys) {
        for (final String k : keys) {
            final String v = fields.get(k);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }

    private static boolean publicIp(final String v) {
        if (v == null || v.startsWith(Pseudonymizer.PREFIX)) {
            return false;
        }
        final byte[] ip = Pseudonymizer.ipLiteral(v.strip());
        return ip != null && !Pseudonymizer.isPrivate(ip);
    }

    private static void addIp(final Map<String, String[]> out, final String v) {
        final String s = v.strip();
        final String type = Pseudonymizer.ipLiteral(s).length == 4 ? "ipv4-addr" : "ipv6-addr";
        out.putIfAbsent(type + "|" + s, new String[] {type, s});
    }

    private static void addDomain(final Map<String, String[]> out, final String v) {
        if (v == null || v.startsWith(Pseudonymizer.PREFIX)) {
            return;
        }
        final String d = v.strip().toLowerCase(Locale.ROOT);
        if (d.length() < 3 || d.length() > 253 || d.indexOf('.') <= 0 || d.endsWith(".")
            || Pseudonymizer.ipLiteral(d) != null) {
            return;
        }
        for (int i = 0; i < d.length(); i++) {
            final char c = d.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) {
                return;
            }
        }
        out.putIfAbsent("domain-name|" + d, new String[] {"domain-name", d});
    }

    private static void addUrl(final Map<String, String[]> out, final String v) {
        if (v == null || v.startsWith(Pseudonymizer.PREFIX)) {
            return;
        }
        final String u = v.strip();
        final int scheme = u.indexOf("://");
        if (scheme <= 0 || u.length() > 2048 || u.contains(Pseudonymizer.PREFIX)) {
            return;
        }
        for (int i = 0; i < u.length(); i++) {
            if (u.charAt(i) <= ' ') {
                return;
            }
        }
        out.putIfAbsent("url|" + u, new String[] {"url", u});
    }

    private static void addHash(final Map<String, String[]> out, final String v, final String algo, final int hex) {
        if (v == null) {
            return;
        }
        final String h = v.strip().toLowerCase(Locale.ROOT);
        if (h.length() != hex) {
            return;
        }
        for (int i = 0; i < h.length(); i++) {
            final char c = h.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return;
            }
        }
        out.putIfAbsent("file|" + algo + "|" + h, new String[] {"file", h, algo});
    }

    /** Escapes a STIX pattern string literal (STIX 2.1 section 9.2: backslash and quote). */
    static String escape(final String v) {
        return v.replace("\\", "\\\\").replace("'", "\\'");
    }

    /** Serialises maps, lists, strings, numbers and booleans as UTF-8 JSON. */
    public static byte[] json(final Object value) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            AlertJson.writeValue(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
