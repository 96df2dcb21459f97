package io.vigie.ops.feed.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.AlertJson;
import io.vigie.engine.journal.AlertTailer;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ops.http.Responses;
import io.vigie.ops.http.Router;
import io.vigie.ops.share.OutboundFilter;
import io.vigie.ops.share.Subscriber;
import io.vigie.ops.share.Subscribers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v1/alerts}: alerts from the alert journal, filtered by the caller's TLP and passed through the
 * {@link OutboundFilter} like the live stream. Parameters: {@code from}, {@code to} (RFC 3339, on the alert's
 * {@code time}; from inclusive, to exclusive), {@code rule} (rule id, or a case-insensitive substring of the title),
 * {@code level} (minimum Sigma level), {@code type} (rule type), {@code limit} (default 100, at most 10,000),
 * {@code after} (a position: start after it). Answer: {@code {"alerts":[...],"next":"<position>"}} where
 * {@code next} is the last position examined: pass it as {@code after} to continue (also to poll for new alerts).
 * One request examines at most {@link #MAX_SCAN} journal records (then answers with what it found and its
 * {@code next}). Bad parameters give 400 with a JSON error; unauthenticated callers 401. Scans run on a small pool,
 * never on the event loop.
 */
public final class AlertQuery implements AutoCloseable {
    /** The endpoint's path. */
    public static final String PATH = "/api/v1/alerts";
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;
    /** Journal records examined per request at most. */
    public static final int MAX_SCAN = 1_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(AlertQuery.class);
    private static final Set<String> PARAMS = Set.of("from", "to", "rule", "level", "type", "limit", "after");

    /** A parsed query. */
    static final class Params {
        long fromNanos = Long.MIN_VALUE;
        long toNanos = Long.MAX_VALUE;
        String rule;
        int minLevel = -1;
        String type;
        int limit = DEFAULT_LIMIT;
        long after = -1;

        boolean matches(final Alert a) {
            if (a.timeNanos < fromNanos || a.timeNanos >= toNanos) {
                return false;
            }
            if (minLevel >= 0 && a.levelIndex() < minLevel) {
                return false;
            }
            if (type != null && !type.equals(a.ruleType)) {
                return false;
            }
            return rule == null || rule.equals(a.ruleId)
                || (a.ruleTitle != null
                    && a.ruleTitle.toLowerCase(Locale.ROOT).contains(rule.toLowerCase(Locale.ROOT)));
        }
    }

    private final Path alertDir;
    private final Subscribers subscribers;
    private final OutboundFilter filter;
    private final ThreadPoolExecutor pool;

    /**
     * @param alertDir    the alert journal directory ({@code <data>/alerts})
     * @param subscribers authenticates callers
     * @param filter      applied to every alert before it leaves
     */
    public AlertQuery(final Path alertDir, final Subscribers subscribers, final OutboundFilter filter) {
        this.alertDir = alertDir;
        this.subscribers = subscribers;
        this.filter = filter;
        this.pool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(64),
            new DefaultThreadFactory("vigie-alert-query", true));
    }

    /** Adds {@code GET /api/v1/alerts} to the router. */
    public void register(final Router router) {
        router.exact(HttpMethod.GET, PATH, this::handle);
    }

    /** Stops the scan pool. */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    private void handle(final ChannelHandlerContext ctx, final FullHttpRequest request, final String path) {
        final Subscriber who = subscribers.authenticate(request.headers(), AlertStream.sslSession(ctx));
        if (who == null) {
            Responses.error(ctx, request, 401, "authentication required");
            return;
        }
        final Params p;
        try {
            p = parse(new QueryStringDecoder(request.uri()).parameters());
        } catch (IllegalArgumentException e) {
            Responses.error(ctx, request, 400, e.getMessage());
            return;
        }
        final Channel ch = ctx.channel();
        final boolean head = HttpMethod.HEAD.equals(request.method());
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        try {
            pool.execute(() -> answer(ch, head, keepAlive, who, p));
        } catch (RejectedExecutionException e) {
            Responses.error(ctx, request, 503, "too many alert queries, retry later");
        }
    }

    /** Parses and checks the query parameters. */
    static Params parse(final Map<String, List<String>> q) {
        for (final String k : q.keySet()) {
            if (!PARAMS.contains(k)) {
                throw new IllegalArgumentException("unknown parameter '" + k + "' (known: after, from, level, limit, "
                    + "rule, to, type)");
            }
        }
        final Params p = new Params();
        final String from = one(q, "from");
        if (from != null) {
            p.fromNanos = time("from", from);
        }
        final String to = one(q, "to");
        if (to != null) {
            p.toNanos = time("to", to);
        }
        p.rule = one(q, "rule");
        p.type = one(q, "type");
        final String level = one(q, "level");
        if (level != null) {
            p.minLevel = EngineCounters.LEVELS.indexOf(level.toLowerCase(Locale.ROOT));
            if (p.minLevel < 0) {
                throw new IllegalArgumentException("level must be one of " + String.join(", ", EngineCounters.LEVELS)
                    + ": " + level);
            }
        }
        final String limit = one(q, "limit");
        if (limit != null) {
            try {
                p.limit = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit must be an integer within 1.." + MAX_LIMIT + ": " + limit, e);
            }
            if (p.limit < 1 || p.limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be within 1.." + MAX_LIMIT + ": " + limit);
            }
        }
        final String after = one(q, "after");
        if (after != null) {
            try {
                p.after = Long.parseLong(after);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("after must be a journal position: " + after, e);
            }
            if (p.after < 0) {
                throw new IllegalArgumentException("after must be a journal position: " + after);
            }
        }
        if (p.fromNanos > p.toNanos) {
            throw new IllegalArgumentException("from is after to");
        }
        return p;
    }

    private static String one(final Map<String, List<String>> q, final String key) {
        final List<String> v = q.get(key);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw new IllegalArgumentException("parameter '" + key + "' given more than once");
        }
        return v.get(0).isEmpty() ? null : v.get(0);
    }

    /** RFC 3339 date-time (section 5.6; {@code T}/{@code Z} in either case) to epoch nanoseconds. */
    static long time(final String name, final String text) {
        try {
            final OffsetDateTime t = OffsetDateTime.parse(text.toUpperCase(Locale.ROOT),
                DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(name + " must be an RFC 3339 date-time (2026-01-31T12:00:00Z): " + text,
                e);
        }
    }

    private void answer(final Channel ch, final boolean head, final boolean keepAlive, final Subscriber who,
                        final Params p) {
        try (AlertTailer t = new AlertTailer(alertDir)) {
            long next = p.after;
            if (p.after >= 0) {
                if (!t.moveTo(p.after) || t.next() == null || t.lastIndex() != p.after) {
                    HttpReplies.error(ch, head, keepAlive, 400, "no alert at position " + p.after
                        + " in the alert journal (not yet written, or no longer retained)");
                    return;
                }
            }
            final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            try (JsonGenerator g = Responses.json().createGenerator(out)) {
                g.writeStartObject();
                g.writeArrayFieldStart("alerts");
                int found = 0;
                int scanned = 0;
                byte[] raw;
                while (found < p.limit && scanned < MAX_SCAN && (raw = t.next()) != null) {
                    scanned++;
                    next = t.lastIndex();
                    final Alert a = AlertLines.parse(raw, next);
                    if (a == null || !p.matches(a) || !who.mayReceive(a.tlp)) {
                        continue;
                    }
                    final Alert shared;
                    try {
                        shared = filter.apply(a);
                    } catch (RuntimeException e) {
                        LOG.warn("outbound filter failed, alert withheld, position={}, error={}", next, e.toString());
                        continue;
                    }
                    if (shared != null) {
                        AlertJson.write(g, shared);
                        found++;
                    }
                }
                g.writeEndArray();
                if (next >= 0) {
                    g.writeStringField("next", Long.toString(next));
                } else {
                    g.writeNullField("next");
                }
                g.writeEndObject();
            }
            out.write('\n');
            HttpReplies.send(ch, head, keepAlive, 200, Responses.JSON, out.toByteArray());
        } catch (IOException | RuntimeException e) {
            LOG.warn("alert query failed, error={}", e.toString());
            HttpReplies.error(ch, head, keepAlive, 500, "internal error");
        }
    }
}
