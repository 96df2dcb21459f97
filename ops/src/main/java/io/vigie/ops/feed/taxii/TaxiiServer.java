package io.vigie.ops.feed.taxii;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.vigie.engine.alert.Tlp;
import io.vigie.ops.feed.stix.StixIds;
import io.vigie.ops.feed.stix.StixMapper;
import io.vigie.ops.http.Responses;
import io.vigie.ops.http.Router;
import io.vigie.ops.share.SharingPolicy;
import io.vigie.ops.share.Subscriber;
import io.vigie.ops.share.Subscribers;

import javax.net.ssl.SSLSession;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A read-only TAXII 2.1 server (OASIS TAXII 2.1, 10 June 2021) over the alert journal: discovery
 * ({@code GET /taxii2/}), one API root ({@code /taxii2/<root>/}), its collections, objects (with {@code added_after},
 * {@code limit}, {@code next}, {@code match[id|type|version|spec_version]}), object by id, versions and manifest.
 * Every endpoint requires an authenticated {@link Subscriber} (401 otherwise); a collection that does not exist and
 * one the subscriber may not read both give the same 404. Objects are the STIX mapping ({@link StixMapper}, which
 * applies the outbound filter) of the indexed alerts that {@link SharingPolicy} lets this subscriber receive through
 * this collection; every collection also serves, first, the SOC identity and the TLP marking definitions its
 * subscriber can receive. Pages end on alert boundaries when they can ({@code limit} is a maximum); {@code next} is an
 * opaque cursor (journal position and object index). Handlers run on the Netty event loop over in-memory snapshots.
 */
public final class TaxiiServer {
    /** TAXII media type (TAXII 2.1 section 1.6.8). */
    public static final String MEDIA_TYPE = "application/taxii+json;version=2.1";
    /** Largest page; larger {@code limit} values are reduced to it. */
    public static final int MAX_PAGE = 1000;
    private static final String PREFIX = "/taxii2/";
    private static final long STATIC_ADDED_MICROS =
        Instant.parse(StixMapper.IDENTITY_CREATED).getEpochSecond() * 1_000_000L;
    private static final String NOT_FOUND = "The requested resource does not exist, or you do not have access to it.";

    /** Server settings; every field has a default. */
    public static final class Options {
        /** API root name: served at {@code /taxii2/<apiRoot>/}. */
        public String apiRoot = "vigie";
        /** Discovery and API root title. */
        public String title = "Vigie TAXII 2.1";
        /** Default page size when the client gives no {@code limit}. */
        public int defaultLimit = 100;
    }

    private final AlertIndex index;
    private final Subscribers subscribers;
    private final StixMapper mapper;
    private final Map<String, TaxiiCollection> collections = new LinkedHashMap<>();
    private final Options options;
    private final String rootPath;

    /**
     * @param index       the alerts (started by the caller, or by {@link #start()})
     * @param subscribers authentication
     * @param mapper      STIX mapping (with the outbound filter)
     * @param collections the configured collections
     * @param options     settings (null: defaults)
     */
    public TaxiiServer(final AlertIndex index, final Subscribers subscribers, final StixMapper mapper,
                       final Collection<TaxiiCollection> collections, final Options options) {
        this.index = index;
        this.subscribers = subscribers;
        this.mapper = mapper;
        this.options = options == null ? new Options() : options;
        for (final TaxiiCollection c : collections) {
            if (this.collections.put(c.id(), c) != null) {
                throw new IllegalArgumentException("sharing.collections: duplicate collection id " + c.id());
            }
        }
        final String r = this.options.apiRoot;
        if (r == null || r.isEmpty() || r.contains("/") || "collections".equals(r)) {
            throw new IllegalArgumentException("taxii api root must be a single path segment: " + r);
        }
        this.rootPath = PREFIX + r + "/";
    }

    /** Starts the alert index's tailing thread; returns this. */
    public TaxiiServer start() {
        index.start();
        return this;
    }

    /** The index behind the server. */
    public AlertIndex index() {
        return index;
    }

    /** Adds every TAXII route (GET, plus POST/PUT/DELETE answered after authentication) under {@code /taxii2/}. */
    public Router register(final Router router) {
        router.prefix(HttpMethod.GET, PREFIX, this::handle);
        router.prefix(HttpMethod.POST, PREFIX, this::handle);
        router.prefix(HttpMethod.PUT, PREFIX, this::handle);
        router.prefix(HttpMethod.DELETE, PREFIX, this::handle);
        return router;
    }

    /** The TLS session of a connection, or null on plain HTTP. */
    static SSLSession session(final ChannelHandlerContext ctx) {
        final SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        return ssl == null ? null : ssl.engine().getSession();
    }

    private void handle(final ChannelHandlerContext ctx, final FullHttpRequest req, final String path) {
        final Subscriber who = subscribers.authenticate(req.headers(), session(ctx));
        if (who == null) {
            error(ctx, req, 401, "Unauthorized", "Authentication is required.");
            return;
        }
        if (!acceptable(req.headers().get(HttpHeaderNames.ACCEPT))) {
            error(ctx, req, 406, "Not Acceptable", "This server answers with " + MEDIA_TYPE + ".");
            return;
        }
        final boolean get = HttpMethod.GET.equals(req.method()) || HttpMethod.HEAD.equals(req.method());
        final String p = path.endsWith("/") ? path : path + "/";
        if (p.equals(PREFIX)) {
            if (get) {
                send(ctx, req, 200, discovery(), null);
            } else {
                methodNotAllowed(ctx, req);
            }
            return;
        }
        if (!p.startsWith(rootPath)) {
            notFound(ctx, req);
            return;
        }
        final String[] seg = segments(p.substring(rootPath.length()));
        if (seg.length == 0) {
            if (get) {
                send(ctx, req, 200, apiRoot(), null);
            } else {
                methodNotAllowed(ctx, req);
            }
            return;
        }
        if (!"collections".equals(seg[0])) {
            notFound(ctx, req);
            return;
        }
        if (seg.length == 1) {
            if (get) {
                send(ctx, req, 200, collectionsDoc(who), null);
            } else {
                methodNotAllowed(ctx, req);
            }
            return;
        }
        final TaxiiCollection c = collections.get(seg[1].toLowerCase(Locale.ROOT));
        if (c == null || !c.visibleTo(who)) {
            notFound(ctx, req);
            return;
        }
        final int rest = seg.length - 2;
        final boolean known = rest == 0 || (rest == 1 && ("objects".equals(seg[2]) || "manifest".equals(seg[2])))
            || (rest == 2 && "objects".equals(seg[2])) || (rest == 3 && "objects".equals(seg[2])
            && "versions".equals(seg[4]));
        if (!known) {
            notFound(ctx, req);
            return;
        }
        if (!get) {
            methodNotAllowed(ctx, req);
            return;
        }
        if (rest == 0) {
            send(ctx, req, 200, collectionDoc(c), null);
            return;
        }
        final Query q;
        try {
            q = Query.parse(req.uri(), options.defaultLimit);
        } catch (IllegalArgumentException e) {
            error(ctx, req, 400, "Bad Request", e.getMessage());
            return;
        }
        if (rest >= 2) {
            q.ids = Set.of(seg[3]);
        }
        final Page page = page(c, who, q);
        if (rest >= 2 && page.items.isEmpty() && q.next == null) {
            notFound(ctx, req);
            return;
        }
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("more", page.more);
        if (page.more) {
            doc.put("next", page.next);
        }
        if (rest == 3) {
            final List<String> versions = new ArrayList<>();
            for (final Item it : page.items) {
                versions.add(version(it));
            }
            if (!versions.isEmpty()) {
                doc.put("versions", versions);
            }
        } else if ("manifest".equals(seg[2])) {
            final List<Object> records = new ArrayList<>();
            for (final Item it : page.items) {
                final Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", it.object.get("id"));
                r.put("date_added", StixIds.micros(it.addedMicros));
                r.put("version", version(it));
                r.put("media_type", StixMapper.MEDIA_TYPE);
                records.add(r);
            }
            if (!records.isEmpty()) {
                doc.put("objects", records);
            }
        } else {
            final List<Object> objects = new ArrayList<>();
            for (final Item it : page.items) {
                objects.add(it.object);
            }
            if (!objects.isEmpty()) {
                doc.put("objects", objects);
            }
        }
        send(ctx, req, 200, doc, page);
    }

    private static String[] segments(final String s) {
        final List<String> out = new ArrayList<>();
        for (final String x : s.split("/")) {
            if (!x.isEmpty()) {
                out.add(x);
            }
        }
        return out.toArray(new String[0]);
    }

    /**
     * True when the Accept header allows TAXII 2.1 JSON (TAXII 2.1 section 1.6.8.1): absent, {@code *}/{@code *},
     * {@code application/*}, or {@code application/taxii+json} with no version or version 2.1 (and q above 0).
     */
    static boolean acceptable(final String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (final String range : accept.split(",")) {
            final String[] parts = range.split(";");
            final String type = parts[0].strip().toLowerCase(Locale.ROOT);
            String version = null;
            boolean zero = false;
            for (int i = 1; i < parts.length; i++) {
                final String param = parts[i].strip().toLowerCase(Locale.ROOT);
                if (param.startsWith("version=")) {
                    version = param.substring(8).strip();
                } else if (param.startsWith("q=")) {
                    try {
                        zero = Double.parseDouble(param.substring(2).strip()) <= 0;
                    } catch (NumberFormatException e) {
                        zero = true;
                    }
                }
            }
            if (zero) {
                continue;
            }
            if ("*/*".equals(type) || "application/*".equals(type)) {
                return true;
            }
            if ("application/taxii+json".equals(type) && (version == null || "2.1".equals(version))) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Object> discovery() {
        final Map<String, Object> d = new LinkedHashMap<>();
        d.put("title", options.title);
        d.put("description", "TAXII 2.1 feed of Vigie alerts (STIX 2.1), filtered by TLP 2.0 and pseudonymised.");
        d.put("default", rootPath);
        d.put("api_roots", List.of(rootPath));
        return d;
    }

    private Map<String, Object> apiRoot() {
        final Map<String, Object> d = new LinkedHashMap<>();
        d.put("title", options.title);
        d.put("versions", List.of(MEDIA_TYPE));
        d.put("max_content_length", io.vigie.ops.http.HttpServer.MAX_REQUEST_BYTES);
        return d;
    }

    private Map<String, Object> collectionsDoc(final Subscriber who) {
        final List<Object> list = new ArrayList<>();
        for (final TaxiiCollection c : collections.values()) {
            if (c.visibleTo(who)) {
                list.add(collectionDoc(c));
            }
        }
        final Map<String, Object> d = new LinkedHashMap<>();
        if (!list.isEmpty()) {
            d.put("collections", list);
        }
        return d;
    }

    private static Map<String, Object> collectionDoc(final TaxiiCollection c) {
        final Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", c.id());
        d.put("title", c.title());
        if (c.description() != null) {
            d.put("description", c.description());
        }
        d.put("can_read", true);
        d.put("can_write", false);
        d.put("media_types", List.of(StixMapper.MEDIA_TYPE));
        return d;
    }

    /** One object of a collection, in collection order: (group, position, index). */
    static final class Item {
        final boolean isStatic;
        final long position;
        final int index;
        final long addedMicros;
        final Map<String, Object> object;

        Item(final boolean isStatic, final long position, final int index, final long addedMicros,
             final Map<String, Object> object) {
            this.isStatic = isStatic;
            this.position = position;
            this.index = index;
            this.addedMicros = addedMicros;
            this.object = object;
        }
    }

    /** One page of results. */
    static final class Page {
        final List<Item> items = new ArrayList<>();
        boolean more;
        String next;
    }

    /** The parsed URL parameters. */
    static final class Query {
        Long addedAfterMicros;
        int limit;
        String next;
        boolean cursorStatic;
        long cursorPosition;
        int cursorIndex;
        Set<String> ids;
        Set<String> types;
        Set<String> versions;
        Set<String> specVersions;

        static Query parse(final String uri, final int defaultLimit) {
            final Map<String, List<String>> params = new QueryStringDecoder(uri).parameters();
            final Query q = new Query();
            q.limit = Math.min(MAX_PAGE, Math.max(1, defaultLimit));
            final String added = one(params, "added_after");
            if (added != null) {
                q.addedAfterMicros = micros(added);
            }
            final String limit = one(params, "limit");
            if (limit != null) {
                try {
                    final int l = Integer.parseInt(limit.strip());
                    if (l < 1) {
                        throw new IllegalArgumentException("limit must be a positive integer");
                    }
                    q.limit = Math.min(MAX_PAGE, l);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("limit must be a positive integer");
                }
            }
            final String next = one(params, "next");
            if (next != null) {
                q.next = next;
                final int dot = next.indexOf('.');
                try {
                    if (dot <= 0) {
                        throw new NumberFormatException();
                    }
                    final String head = next.substring(0, dot);
                    q.cursorStatic = "s".equals(head);
                    q.cursorPosition = q.cursorStatic ? 0 : Long.parseLong(head);
                    q.cursorIndex = Integer.parseInt(next.substring(dot + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("next is not a cursor this server issued");
                }
            }
            q.ids = set(params, "match[id]");
            q.types = set(params, "match[type]");
            q.versions = set(params, "match[version]");
            q.specVersions = set(params, "match[spec_version]");
            if (q.versions != null) {
                for (final String v : q.versions) {
                    if (!"first".equals(v) && !"last".equals(v) && !"all".equals(v)) {
                        micros(v);
                    }
                }
            }
            return q;
        }

        private static String one(final Map<String, List<String>> params, final String key) {
            final List<String> v = params.get(key);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        private static Set<String> set(final Map<String, List<String>> params, final String key) {
            final List<String> v = params.get(key);
            if (v == null || v.isEmpty()) {
                return null;
            }
            final Set<String> out = new HashSet<>();
            for (final String s : v) {
                for (final String x : s.split(",")) {
                    if (!x.isBlank()) {
                        out.add(x.strip());
                    }
                }
            }
            return out.isEmpty() ? null : out;
        }
    }

    /** RFC 3339 text to epoch microseconds. */
    static long micros(final String t) {
        try {
            final OffsetDateTime d = OffsetDateTime.parse(t.strip());
            final Instant i = d.toInstant();
            return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an RFC 3339 timestamp: " + t);
        }
    }

    private static String version(final Item it) {
        final Object modified = it.object.get("modified");
        if (modified != null) {
            return modified.toString();
        }
        final Object created = it.object.get("created");
        return created != null ? created.toString() : StixIds.micros(it.addedMicros);
    }

    private boolean matches(final Item it, final Query q) {
        if (q.addedAfterMicros != null && it.addedMicros <= q.addedAfterMicros) {
            return false;
        }
        if (q.ids != null && !q.ids.contains(String.valueOf(it.object.get("id")))) {
            return false;
        }
        if (q.types != null && !q.types.contains(String.valueOf(it.object.get("type")))) {
            return false;
        }
        if (q.specVersions != null && !q.specVersions.contains("2.1")) {
            return false;
        }
        if (q.versions != null && !q.versions.contains("all") && !q.versions.contains("last")
            && !q.versions.contains("first")) {
            final long v = micros(version(it));
            boolean any = false;
            for (final String s : q.versions) {
                any |= micros(s) == v;
            }
            return any;
        }
        return true;
    }

    private boolean afterCursor(final boolean isStatic, final long position, final int index, final Query q) {
        if (q.next == null) {
            return true;
        }
        if (q.cursorStatic) {
            return !isStatic || index > q.cursorIndex;
        }
        if (isStatic) {
            return false;
        }
        return position > q.cursorPosition || (position == q.cursorPosition && index > q.cursorIndex);
    }

    /** Builds one page for a subscriber reading a collection. */
    Page page(final TaxiiCollection c, final Subscriber who, final Query q) {
        final Page page = new Page();
        final List<Item> group = new ArrayList<>();
        // Shared objects first: the SOC identity and the markings this subscriber can see here.
        final List<Map<String, Object>> statics = new ArrayList<>();
        statics.add(mapper.identity());
        statics.add(StixMapper.marking(Tlp.CLEAR));
        for (final Tlp t : Tlp.values()) {
            if (t != Tlp.CLEAR && c.mayDeliver(who, t)) {
                statics.add(StixMapper.marking(t));
            }
        }
        for (int i = 0; i < statics.size(); i++) {
            if (afterCursor(true, 0, i, q)) {
                final Item it = new Item(true, 0, i, STATIC_ADDED_MICROS, statics.get(i));
                if (matches(it, q)) {
                    group.add(it);
                }
            }
        }
        if (take(page, group, q.limit)) {
            return page;
        }
        for (final AlertIndex.Entry e : index.snapshot()) {
            if (!q.cursorStatic && q.next != null && e.position < q.cursorPosition) {
                continue;
            }
            if (!c.mayDeliver(who, e.alert.tlp)) {
                continue;
            }
            if (q.addedAfterMicros != null && e.addedMicros <= q.addedAfterMicros) {
                continue;
            }
            List<Map<String, Object>> objs = e.objects;
            if (objs == null) {
                objs = mapper.alertObjects(e.alert);
                e.objects = objs;
            }
            group.clear();
            for (int i = 0; i < objs.size(); i++) {
                if (afterCursor(false, e.position, i, q)) {
                    final Item it = new Item(false, e.position, i, e.addedMicros, objs.get(i));
                    if (matches(it, q)) {
                        group.add(it);
                    }
                }
            }
            if (take(page, group, q.limit)) {
                return page;
            }
        }
        return page;
    }

    /** Adds a group (one alert, or the shared objects) to a page; true when the page is full and more remain. */
    private static boolean take(final Page page, final List<Item> group, final int limit) {
        if (group.isEmpty()) {
            return false;
        }
        final int room = limit - page.items.size();
        if (group.size() <= room) {
            page.items.addAll(group);
            return false;
        }
        if (page.items.isEmpty()) {
            page.items.addAll(group.subList(0, limit));
        }
        page.more = true;
        final Item last = page.items.get(page.items.size() - 1);
        page.next = (last.isStatic ? "s" : Long.toString(last.position)) + "." + last.index;
        return true;
    }

    private static void methodNotAllowed(final ChannelHandlerContext ctx, final FullHttpRequest req) {
        error(ctx, req, 405, "Method Not Allowed", "This TAXII server is read-only.");
    }

    private static void notFound(final ChannelHandlerContext ctx, final FullHttpRequest req) {
        error(ctx, req, 404, "Not Found", NOT_FOUND);
    }

    /** A TAXII error message (TAXII 2.1 section 3.6.1): title, description, http_status as a string. */
    private static void error(final ChannelHandlerContext ctx, final FullHttpRequest req, final int status,
                              final String title, final String description) {
        final Map<String, Object> e = new LinkedHashMap<>();
        e.put("title", title);
        e.put("description", description);
        e.put("http_status", Integer.toString(status));
        final byte[] body = StixMapper.json(e);
        if (status == 401) {
            sendWith(ctx, req, status, body, "WWW-Authenticate", "Bearer realm=\"taxii\"");
        } else {
            Responses.send(ctx, req, status, MEDIA_TYPE, body);
        }
    }

    private static void sendWith(final ChannelHandlerContext ctx, final FullHttpRequest req, final int status,
                                 final byte[] body, final String header, final String value) {
        final io.netty.handler.codec.http.FullHttpResponse r = new io.netty.handler.codec.http.DefaultFullHttpResponse(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
            HttpMethod.HEAD.equals(req.method()) ? io.netty.buffer.Unpooled.EMPTY_BUFFER
                : io.netty.buffer.Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        r.headers().set(header, value);
        write(ctx, req, r);
    }

    private static void send(final ChannelHandlerContext ctx, final FullHttpRequest req, final int status,
                             final Map<String, Object> doc, final Page page) {
        if (page == null || page.items.isEmpty()) {
            Responses.send(ctx, req, status, MEDIA_TYPE, StixMapper.json(doc));
            return;
        }
        final byte[] body = StixMapper.json(doc);
        final io.netty.handler.codec.http.FullHttpResponse r = new io.netty.handler.codec.http.DefaultFullHttpResponse(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
            HttpMethod.HEAD.equals(req.method()) ? io.netty.buffer.Unpooled.EMPTY_BUFFER
                : io.netty.buffer.Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (final Item it : page.items) {
            first = Math.min(first, it.addedMicros);
            last = Math.max(last, it.addedMicros);
        }
        // TAXII 2.1 section 3.3.1: the date added of the first and last object of the response.
        r.headers().set("X-TAXII-Date-Added-First", StixIds.micros(first));
        r.headers().set("X-TAXII-Date-Added-Last", StixIds.micros(last));
        write(ctx, req, r);
    }

    private static void write(final ChannelHandlerContext ctx, final FullHttpRequest req,
                              final io.netty.handler.codec.http.FullHttpResponse r) {
        if (io.netty.handler.codec.http.HttpUtil.isKeepAlive(req)) {
            r.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");
            ctx.writeAndFlush(r);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(r).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }
    }
}
