package io.vigie.rules.ioc;

import io.vigie.engine.alert.Tlp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loads indicators from STIX 2.1 bundles (indicators with simple patterns), MISP feeds (CSV export, and JSON feeds:
 * {@code manifest.json} plus one {@code <uuid>.json} per event, or a single event) and plain lists (one indicator
 * per line, {@code #} comments, type inferred), from bytes, files or http(s) URLs. Refuses what it cannot match,
 * with a reason per indicator. Off the event path.
 */
public final class IndicatorLoader {
    // Compiled once: a feed of a million lines used to compile each of these per line.
    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern SHA1_HEX = Pattern.compile("[0-9a-fA-F]{40}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern DOMAIN_NAME = Pattern.compile("(?i)[a-z0-9_-]+(\\.[a-z0-9_-]+)+\\.?");
    private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F-]{36}");
    /** Feed formats. */
    public enum Format { AUTO, STIX, MISP_CSV, MISP_JSON, PLAIN }

    /** STIX 2.1 section 7.2.1.4 TLP 1.0 marking ids, and the FIRST TLP 2.0 extension ids. */
    private static final Map<String, Tlp> TLP_MARKINGS = Map.of(
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp.CLEAR,
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp.GREEN,
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp.AMBER,
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp.RED,
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp.CLEAR,
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Tlp.GREEN,
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Tlp.AMBER,
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Tlp.AMBER_STRICT,
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Tlp.RED);

    private IndicatorLoader() {
    }

    /** Indicators read from one feed, and what was refused (one reason per entry, prefixed by its id or line). */
    public static final class Result {
        private final String feed;
        private final List<Indicator> indicators = new ArrayList<>();
        private final List<String> refused = new ArrayList<>();

        Result(final String feed) {
            this.feed = feed;
        }

        public String feed() {
            return feed;
        }

        public List<Indicator> indicators() {
            return indicators;
        }

        /** {@code "<id or line>: <reason>"} per refused entry. */
        public List<String> refused() {
            return refused;
        }
    }

    /** A feed: its name (the alerts' {@code extra.source}), where it is, its format and default TLP. */
    public static final class Source {
        final String name;
        final URI uri;
        final Format format;
        final Tlp tlp;

        /** A feed at a file path or an http(s) URL; {@code tlp} applies when the feed gives none (null = RED). */
        public Source(final String name, final URI uri, final Format format, final Tlp tlp) {
            this.name = name;
            this.uri = uri;
            this.format = format;
            this.tlp = tlp == null ? Tlp.RED : tlp;
        }

        /** A feed in a local file. */
        public static Source file(final String name, final Path path, final Format format, final Tlp tlp) {
            return new Source(name, path.toUri(), format, tlp);
        }

        public String name() {
            return name;
        }

        public URI uri() {
            return uri;
        }

        boolean http() {
            final String s = uri.getScheme();
            return "http".equalsIgnoreCase(s) || "https".equalsIgnoreCase(s);
        }
    }

    /** Builds one set from several feeds (first indicator wins on duplicate values). */
    public static IndicatorSet build(final List<Result> results) {
        final IndicatorSet.Builder b = IndicatorSet.builder();
        for (final Result r : results) {
            for (final Indicator i : r.indicators) {
                final String why = b.add(i);
                if (why != null) {
                    r.refused.add(i.id() + ": " + why);
                }
            }
        }
        return b.build();
    }

    // --- parsing ------------------------------------------------------------------------------------------------

    /** Parses feed content. AUTO: JSON with {@code type: bundle} or {@code indicator} = STIX, other JSON = MISP, a
     * CSV header starting {@code uuid,} = MISP CSV, else a plain list. */
    public static Result parse(final String feed, final byte[] content, final Format format, final Tlp defaultTlp) {
        final Tlp tlp = defaultTlp == null ? Tlp.RED : defaultTlp;
        Format f = format;
        final String text = new String(content, StandardCharsets.UTF_8);
        final String head = text.stripLeading();
        if (f == Format.AUTO) {
            if (head.startsWith("{") || head.startsWith("[")) {
                f = head.contains("\"type\"") && (head.contains("\"bundle\"") || head.contains("\"indicator\""))
                    ? Format.STIX : Format.MISP_JSON;
            } else if (head.toLowerCase(Locale.ROOT).startsWith("uuid,")) {
                f = Format.MISP_CSV;
            } else {
                f = Format.PLAIN;
            }
        }
        switch (f) {
            case STIX:
            case MISP_JSON: {
                final Result r = new Result(feed);
                final Object json;
                try {
                    json = Json.parse(content);
                } catch (final IOException e) {
                    r.refused.add(feed + ": not JSON: " + e.getMessage());
                    return r;
                }
                if (f == Format.STIX) {
                    stix(r, json, tlp);
                } else {
                    mispJson(r, json, tlp);
                }
                return r;
            }
            case MISP_CSV:
                return mispCsv(feed, text, tlp);
            default:
                return plain(feed, text, tlp);
        }
    }

    private static void stix(final Result r, final Object json, final Tlp tlp) {
        final List<Map<?, ?>> objects = new ArrayList<>();
        if (json instanceof Map && "bundle".equals(((Map<?, ?>) json).get("type"))) {
            final Object o = ((Map<?, ?>) json).get("objects");
            if (o instanceof List) {
                for (final Object x : (List<?>) o) {
                    if (x instanceof Map) {
                        objects.add((Map<?, ?>) x);
                    }
                }
            }
        } else if (json instanceof Map) {
            objects.add((Map<?, ?>) json);
        } else if (json instanceof List) {
            for (final Object x : (List<?>) json) {
                if (x instanceof Map) {
                    objects.add((Map<?, ?>) x);
                }
            }
        }
        final Map<String, Tlp> markings = new HashMap<>(TLP_MARKINGS);
        for (final Map<?, ?> o : objects) {
            if ("marking-definition".equals(o.get("type")) && o.get("definition") instanceof Map) {
                final Tlp t = Tlp.parse(String.valueOf(((Map<?, ?>) o.get("definition")).get("tlp")));
                if (t != null) {
                    markings.put(String.valueOf(o.get("id")), t);
                }
            }
        }
        for (final Map<?, ?> o : objects) {
            if (!"indicator".equals(o.get("type"))) {
                continue;
            }
            final String id = String.valueOf(o.get("id"));
            if (Boolean.TRUE.equals(o.get("revoked"))) {
                r.refused.add(id + ": revoked");
                continue;
            }
            final Object patternType = o.get("pattern_type");
            if (patternType != null && !"stix".equals(patternType)) {
                r.refused.add(id + ": unsupported pattern_type '" + patternType + "'");
                continue;
            }
            Tlp t = null;
            if (o.get("object_marking_refs") instanceof List) {
                for (final Object m : (List<?>) o.get("object_marking_refs")) {
                    final Tlp x = markings.get(String.valueOf(m));
                    if (x != null) {
                        t = t == null ? x : t.strictest(x);
                    }
                }
            }
            final List<String[]> comparisons;
            final long from;
            final long until;
            try {
                comparisons = StixPattern.parse(String.valueOf(o.get("pattern")));
                from = stixTime(o.get("valid_from"), Long.MIN_VALUE);
                until = stixTime(o.get("valid_until"), Long.MAX_VALUE);
            } catch (final IllegalArgumentException e) {
                r.refused.add(id + ": " + e.getMessage());
                continue;
            }
            if (until <= from) {
                r.refused.add(id + ": valid_until is not after valid_from");
                continue;
            }
            for (final String[] c : comparisons) {
                final Indicator i = new Indicator(IndicatorType.valueOf(c[0]), c[1], id, r.feed, t == null ? tlp : t);
                r.indicators.add(until == Long.MAX_VALUE ? i : i.validUntil(until));
            }
        }
    }

    /** A STIX timestamp (RFC 3339) in epoch nanoseconds, or {@code absent} when the property is missing. */
    private static long stixTime(final Object v, final long absent) {
        if (v == null) {
            return absent;
        }
        try {
            final java.time.Instant i = java.time.OffsetDateTime.parse(String.valueOf(v)).toInstant();
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (final java.time.format.DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not a STIX timestamp: '" + v + "'", e);
        }
    }

    private static void mispJson(final Result r, final Object json, final Tlp tlp) {
        if (!(json instanceof Map)) {
            r.refused.add(r.feed + ": not a MISP event");
            return;
        }
        final Object ev = ((Map<?, ?>) json).get("Event");
        if (!(ev instanceof Map)) {
            r.refused.add(r.feed + ": not a MISP event (no \"Event\"); a manifest is loaded with load(Source)");
            return;
        }
        final Map<?, ?> event = (Map<?, ?>) ev;
        final Tlp eventTlp = mispTlp(event.get("Tag"), tlp);
        final List<Map<?, ?>> attributes = new ArrayList<>();
        addMaps(attributes, event.get("Attribute"));
        if (event.get("Object") instanceof List) {
            for (final Object obj : (List<?>) event.get("Object")) {
                if (obj instanceof Map) {
                    addMaps(attributes, ((Map<?, ?>) obj).get("Attribute"));
                }
            }
        }
        for (final Map<?, ?> a : attributes) {
            final String uuid = String.valueOf(a.get("uuid"));
            final Object toIds = a.get("to_ids");
            mispAttribute(r, uuid, String.valueOf(a.get("type")), String.valueOf(a.get("value")),
                toIds == null || Boolean.TRUE.equals(toIds) || "1".equals(String.valueOf(toIds))
                    || "true".equalsIgnoreCase(String.valueOf(toIds)), mispTlp(a.get("Tag"), eventTlp));
        }
    }

    private static void addMaps(final List<Map<?, ?>> out, final Object list) {
        if (list instanceof List) {
            for (final Object o : (List<?>) list) {
                if (o instanceof Map) {
                    out.add((Map<?, ?>) o);
                }
            }
        }
    }

    private static Tlp mispTlp(final Object tags, final Tlp dflt) {
        Tlp t = null;
        if (tags instanceof List) {
            for (final Object tag : (List<?>) tags) {
                final Object name = tag instanceof Map ? ((Map<?, ?>) tag).get("name") : tag;
                final String s = String.valueOf(name).toLowerCase(Locale.ROOT);
                if (s.startsWith("tlp:")) {
                    final Tlp x = Tlp.parse(s);
                    if (x != null) {
                        t = t == null ? x : t.strictest(x);
                    }
                }
            }
        }
        return t == null ? dflt : t;
    }

    /** MISP attribute types we match; composite {@code a|b} values give their matching parts. */
    private static void mispAttribute(final Result r, final String id, final String type, final String value,
                                      final boolean toIds, final Tlp tlp) {
        if (!toIds) {
            r.refused.add(id + ": to_ids is false (not for detection)");
            return;
        }
        final String[] parts = value.split("\\|", -1);
        switch (type) {
            case "ip-src":
            case "ip-dst":
                r.indicators.add(new Indicator(ipType(value), value, id, r.feed, tlp));
                return;
            case "ip-src|port":
            case "ip-dst|port":
                r.indicators.add(new Indicator(ipType(parts[0]), parts[0], id, r.feed, tlp));
                return;
            case "domain":
            case "hostname":
                r.indicators.add(new Indicator(IndicatorType.DOMAIN, value, id, r.feed, tlp));
                return;
            case "domain|ip":
                r.indicators.add(new Indicator(IndicatorType.DOMAIN, parts[0], id, r.feed, tlp));
                if (parts.length > 1) {
                    r.indicators.add(new Indicator(ipType(parts[1]), parts[1], id, r.feed, tlp));
                }
                return;
            case "url":
                r.indicators.add(new Indicator(IndicatorType.URL, value, id, r.feed, tlp));
                return;
            case "md5":
            case "sha1":
            case "sha256":
                r.indicators.add(new Indicator(hashType(type), value, id, r.feed, tlp));
                return;
            case "filename|md5":
            case "filename|sha1":
            case "filename|sha256":
                r.indicators.add(new Indicator(hashType(type.substring(9)), parts[parts.length - 1], id, r.feed,
                    tlp));
                return;
            default:
                r.refused.add(id + ": unsupported MISP attribute type '" + type + "'");
        }
    }

    private static IndicatorType hashType(final String t) {
        return "md5".equals(t) ? IndicatorType.MD5 : "sha1".equals(t) ? IndicatorType.SHA1 : IndicatorType.SHA256;
    }

    private static IndicatorType ipType(final String v) {
        return v.indexOf(':') >= 0 ? IndicatorType.IPV6 : IndicatorType.IPV4;
    }

    /**
     * MISP CSV export: header {@code uuid,event_id,category,type,value,comment,to_ids,date,object_relation,
     * attribute_tag,...}; columns are found by header name (the documented order is assumed without a header).
     */
    private static Result mispCsv(final String feed, final String text, final Tlp tlp) {
        final Result r = new Result(feed);
        final String[] lines = text.split("\r?\n");
        Map<String, Integer> cols = null;
        int n = 0;
        for (final String line : lines) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            final List<String> f = csv(line);
            if (cols == null) {
                cols = new HashMap<>();
                if ("uuid".equalsIgnoreCase(f.get(0).trim())) {
                    for (int i = 0; i < f.size(); i++) {
                        cols.put(f.get(i).trim().toLowerCase(Locale.ROOT), i);
                    }
                    continue;
                }
                final String[] dflt = {"uuid", "event_id", "category", "type", "value", "comment", "to_ids", "date",
                    "object_relation", "attribute_tag"};
                for (int i = 0; i < dflt.length; i++) {
                    cols.put(dflt[i], i);
                }
            }
            final String type = col(f, cols, "type");
            final String value = col(f, cols, "value");
            final String uuid = col(f, cols, "uuid");
            if (type == null || value == null) {
                r.refused.add(feed + ":" + n + ": missing type or value column");
                continue;
            }
            final String toIds = col(f, cols, "to_ids");
            final String tags = col(f, cols, "attribute_tag");
            final Tlp t = tags == null ? tlp : mispTlp(List.of((Object[]) tags.split(",")), tlp);
            mispAttribute(r, uuid != null ? uuid : feed + ":" + n, type.trim(), value.trim(),
                toIds == null || toIds.isBlank() || "1".equals(toIds.trim()) || "true".equalsIgnoreCase(toIds.trim()),
                t);
        }
        return r;
    }

    private static String col(final List<String> f, final Map<String, Integer> cols, final String name) {
        final Integer i = cols.get(name);
        return i == null || i >= f.size() ? null : f.get(i);
    }

    /** RFC 4180 fields of one line (quoted fields with doubled quotes). */
    private static List<String> csv(final String line) {
        final List<String> out = new ArrayList<>();
        final StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        sb.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    sb.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(sb.toString());
                sb.setLength(0);
            } else {
                sb.append(c);
            }
        }
        out.add(sb.toString());
        return out;
    }

    /** One indicator per line; {@code #} starts a comment; the type is inferred from the value. */
    private static Result plain(final String feed, final String text, final Tlp tlp) {
        final Result r = new Result(feed);
        int n = 0;
        for (final String raw : text.split("\r?\n")) {
            n++;
            final int hash = raw.indexOf('#');
            final String v = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (v.isEmpty()) {
                continue;
            }
            final IndicatorType type = infer(v);
            if (type == null) {
                r.refused.add(feed + ":" + n + ": cannot tell the indicator type of '" + v + "'");
            } else {
                r.indicators.add(new Indicator(type, v, feed, n, tlp));
            }
        }
        return r;
    }

    /** Infers the type of a plain-list value, or null. */
    static IndicatorType infer(final String v) {
        if (v.contains("://")) {
            return IndicatorType.URL;
        }
        final String addr = v.indexOf('/') >= 0 ? v.substring(0, v.indexOf('/')) : v;
        final byte[] b = addr.getBytes(StandardCharsets.US_ASCII);
        final int n = IpParser.parse(b, 0, b.length, new byte[16]);
        if (n == 4) {
            return addr.indexOf(':') >= 0 ? IndicatorType.IPV6 : IndicatorType.IPV4;
        }
        if (n == 16) {
            return IndicatorType.IPV6;
        }
        if (MD5_HEX.matcher(v).matches()) {
            return IndicatorType.MD5;
        }
        if (SHA1_HEX.matcher(v).matches()) {
            return IndicatorType.SHA1;
        }
        if (SHA256_HEX.matcher(v).matches()) {
            return IndicatorType.SHA256;
        }
        if (DOMAIN_NAME.matcher(v).matches() && !DIGITS_AND_DOTS.matcher(v).matches()) {
            return IndicatorType.DOMAIN;
        }
        return null;
    }

    // --- fetching -----------------------------------------------------------------------------------------------

    /** Content of a feed, or null when the server said it did not change (HTTP 304). */
    static final class Fetched {
        final byte[] content;
        final String etag;
        final String lastModified;

        Fetched(final byte[] content, final String etag, final String lastModified) {
            this.content = content;
            this.etag = etag;
            this.lastModified = lastModified;
        }
    }

    /** Loads a feed from its file or URL (MISP JSON manifests fetch their event files too). */
    public static Result load(final Source source) throws IOException {
        return load(source, fetch(source, source.uri, null, null).content);
    }

    static Result load(final Source source, final byte[] content) throws IOException {
        if (source.format == Format.MISP_JSON || (source.format == Format.AUTO && looksLikeManifest(content))) {
            final Object json = Json.parse(content);
            if (json instanceof Map && !((Map<?, ?>) json).containsKey("Event")) {
                final Result all = new Result(source.name);
                for (final Object key : ((Map<?, ?>) json).keySet()) {
                    final String uuid = String.valueOf(key);
                    if (!UUID_TEXT.matcher(uuid).matches()) {
                        all.refused.add(uuid + ": not an event uuid in the manifest");
                        continue;
                    }
                    final URI event = source.uri.resolve(uuid + ".json");
                    final Result r = parse(source.name, fetch(source, event, null, null).content, Format.MISP_JSON,
                        source.tlp);
                    all.indicators.addAll(r.indicators);
                    all.refused.addAll(r.refused);
                }
                return all;
            }
        }
        return parse(source.name, content, source.format, source.tlp);
    }

    private static boolean looksLikeManifest(final byte[] content) {
        final String head = new String(content, 0, Math.min(content.length, 512), StandardCharsets.UTF_8).strip();
        return head.startsWith("{") && !head.contains("\"type\"") && !head.contains("\"Event\"");
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NORMAL).build();

    /** Fetches bytes; with {@code etag}/{@code lastModified} an HTTP server may answer 304 (content null). */
    static Fetched fetch(final Source source, final URI uri, final String etag, final String lastModified)
        throws IOException {
        if (!source.http()) {
            final Path p = Paths.get(uri);
            return new Fetched(Files.readAllBytes(p), null, null);
        }
        final HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        if (etag != null) {
            rb.header("If-None-Match", etag);
        }
        if (lastModified != null) {
            rb.header("If-Modified-Since", lastModified);
        }
        final HttpResponse<byte[]> resp;
        try {
            resp = HTTP.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + uri, e);
        }
        if (resp.statusCode() == 304) {
            return new Fetched(null, etag, lastModified);
        }
        if (resp.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + resp.statusCode() + " for " + uri);
        }
        return new Fetched(resp.body(), resp.headers().firstValue("ETag").orElse(null),
            resp.headers().firstValue("Last-Modified").orElse(null));
    }
}
