package io.vigie.ops.feed.stream;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.vigie.engine.journal.AlertTailer;
import io.vigie.ops.http.Responses;
import io.vigie.ops.http.Router;
import io.vigie.ops.share.OutboundFilter;
import io.vigie.ops.share.Subscriber;
import io.vigie.ops.share.Subscribers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The live alert feed, {@code GET /api/v1/alerts/stream}, as Server-Sent Events (WHATWG HTML, "Server-sent events"):
 * each delivered alert is {@code id: <alert-journal position>}, {@code event: alert}, {@code data: <JSON line>}
 * (after the {@link OutboundFilter}); alerts the subscriber's TLP does not allow are skipped, so ids grow but may
 * jump. A client resumes with {@code Last-Event-ID: N} (or {@code ?from=N}) and gets exactly the alerts after N, from
 * any position the journal still holds; {@code ?from=start} replays from the oldest; no position means "from now".
 * Callers authenticate through {@link Subscribers} (401 otherwise).
 *
 * <p>Threads: one reader thread ({@code vigie-alert-stream}) owns every subscriber's journal cursor (a Chronicle
 * tailer) and a head cursor that parses and filters each new alert once into a small cache the subscribers share;
 * it writes to the channels (Netty hands writes to the event loop). The journal is the buffer: a subscriber only
 * ever has at most {@link Settings#maxPendingEvents} events / {@link Settings#maxPendingBytes} bytes queued in
 * Netty, and reading stops while the channel is not writable, so a slow subscriber costs a bounded amount of memory
 * and never slows the engine (it is only a reader of the journal). A subscriber whose buffer stays full with nothing
 * drained for {@link Settings#stallTimeoutMs} gets {@code event: notice} ("too slow, resume from id N", with
 * {@code id: N}) and is disconnected. Comments ({@code : heartbeat}) go out every {@link Settings#heartbeatSeconds}.
 */
public final class AlertStream implements AutoCloseable {
    /** The stream's path. */
    public static final String PATH = "/api/v1/alerts/stream";
    /** SSE content type. */
    public static final String EVENT_STREAM = "text/event-stream; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(AlertStream.class);
    private static final long LIVE = -1;
    private static final long START = 0;
    private static final int BATCH = 256;
    private static final int CACHE = 1024;
    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HELLO = "retry: 3000\n: vigie alert stream\n\n".getBytes(StandardCharsets.US_ASCII);

    /** Stream settings; every field has a default. */
    public static final class Settings {
        /** Events queued in Netty per subscriber before reading for it pauses. */
        public int maxPendingEvents = 1024;
        /** Bytes queued in Netty per subscriber before reading for it pauses. */
        public long maxPendingBytes = 4L * 1024 * 1024;
        /** A subscriber whose buffer stays full with nothing drained this long is disconnected with a notice. */
        public long stallTimeoutMs = 30_000;
        /** Heartbeat comment interval. */
        public int heartbeatSeconds = 15;
        /** After the notice, the connection is closed at the latest after this long. */
        public long noticeGraceMs = 5_000;
        /** Concurrent subscribers; more get 503. */
        public int maxSubscribers = 256;
        /** Reader idle sleep when there is nothing to do. */
        public long idleSleepMs = 5;
    }

    private final Path alertDir;
    private final Subscribers subscribers;
    private final OutboundFilter filter;
    private final Settings settings;
    private final Queue<Sub> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong disconnectedSlow = new AtomicLong();
    private final Outgoing[] cache = new Outgoing[CACHE];
    private volatile boolean running;
    private Thread reader;

    /**
     * @param alertDir    the alert journal directory ({@code <data>/alerts})
     * @param subscribers authenticates callers
     * @param filter      applied to every alert before it leaves ({@link OutboundFilter#NONE} for none)
     * @param settings    buffer caps and timers
     */
    public AlertStream(final Path alertDir, final Subscribers subscribers, final OutboundFilter filter,
                       final Settings settings) {
        this.alertDir = alertDir;
        this.subscribers = subscribers;
        this.filter = filter;
        this.settings = settings;
    }

    /** Adds {@code GET /api/v1/alerts/stream} to the router (before the HTTP server starts). */
    public void register(final Router router) {
        router.exact(HttpMethod.GET, PATH, this::handle);
    }

    /** Starts the reader thread; idempotent. The alert journal must exist (the engine creates it). */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        reader = new Thread(this::run, "vigie-alert-stream");
        reader.setDaemon(true);
        reader.start();
    }

    /** Wakes the reader (e.g. from {@code Engine.addAlertListener}); optional, it also polls. */
    public void wake() {
        final Thread t = reader;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Connected subscribers. */
    public int subscriberCount() {
        return active.get();
    }

    /** Subscribers disconnected so far for being too slow. */
    public long slowDisconnects() {
        return disconnectedSlow.get();
    }

    /** Stops the reader and closes every subscriber's connection. */
    @Override
    public void close() {
        final Thread t;
        synchronized (this) {
            running = false;
            t = reader;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Sub s;
        while ((s = incoming.poll()) != null) {
            s.ch.close();
        }
    }

    // --- HTTP (event loop) -------------------------------------------------------------------------------------------

    private void handle(final ChannelHandlerContext ctx, final FullHttpRequest request, final String path) {
        final Subscriber who = subscribers.authenticate(request.headers(), sslSession(ctx));
        if (who == null) {
            Responses.error(ctx, request, 401, "authentication required");
            return;
        }
        final long from;
        try {
            from = startPosition(request);
        } catch (IllegalArgumentException e) {
            Responses.error(ctx, request, 400, e.getMessage());
            return;
        }
        if (!running) {
            Responses.error(ctx, request, 503, "alert stream not running");
            return;
        }
        if (active.incrementAndGet() > settings.maxSubscribers) {
            active.decrementAndGet();
            Responses.error(ctx, request, 503, "too many stream subscribers");
            return;
        }
        final Sub s = new Sub(ctx.channel(), who, from, HttpMethod.HEAD.equals(request.method()),
            HttpUtil.isKeepAlive(request));
        incoming.add(s);
        wake();
    }

    static SSLSession sslSession(final ChannelHandlerContext ctx) {
        final SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        return ssl == null ? null : ssl.engine().getSession();
    }

    /** Last-Event-ID wins over {@code ?from=}; a number N resumes after N, {@code start} (or 0) replays all. */
    static long startPosition(final FullHttpRequest request) {
        String v = request.headers().get("Last-Event-ID");
        String name = "Last-Event-ID";
        if (v == null || v.isBlank()) {
            final List<String> q = new QueryStringDecoder(request.uri()).parameters().get("from");
            v = q == null || q.isEmpty() ? null : q.get(0);
            name = "from";
        }
        if (v == null || v.isBlank() || v.trim().equals("end")) {
            return LIVE;
        }
        if (v.trim().equals("start")) {
            return START;
        }
        try {
            final long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new IllegalArgumentException(name + " must be a journal position (>= 0), 'start' or 'end': " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a journal position, 'start' or 'end': " + v, e);
        }
    }

    // --- reader thread ---------------------------------------------------------------------------------------------

    /** One connected subscriber. Cursor and tailer: reader thread; pending counters: also the event loop. */
    private final class Sub {
        final Channel ch;
        final Subscriber who;
        final long from;
        final boolean head;
        final boolean keepAlive;
        final AtomicLong pendingEvents = new AtomicLong();
        final AtomicLong pendingBytes = new AtomicLong();
        volatile long lastDrainNanos = System.nanoTime();
        volatile boolean closed;
        AlertTailer tailer;
        long cursor = -1;
        long blockedSinceNanos;
        long lastHeartbeatNanos = System.nanoTime();
        boolean closing;
        boolean released;

        Sub(final Channel ch, final Subscriber who, final long from, final boolean head, final boolean keepAlive) {
            this.ch = ch;
            this.who = who;
            this.from = from;
            this.head = head;
            this.keepAlive = keepAlive;
        }

        boolean blocked() {
            return !ch.isWritable() || pendingEvents.get() >= settings.maxPendingEvents
                || pendingBytes.get() >= settings.maxPendingBytes;
        }

        void write(final byte[] bytes) {
            final int len = bytes.length;
            pendingEvents.incrementAndGet();
            pendingBytes.addAndGet(len);
            ch.write(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes))).addListener(f -> {
                pendingEvents.decrementAndGet();
                pendingBytes.addAndGet(-len);
                if (f.isSuccess()) {
                    lastDrainNanos = System.nanoTime();
                }
            });
        }
    }

    private void run() {
        final List<Sub> subs = new ArrayList<>();
        AlertTailer headCursor = null;
        long head = -1;
        try {
            headCursor = new AlertTailer(alertDir);
            head = skipToEnd(headCursor, -1, false);
            while (running) {
                int work = 0;
                head = skipToEnd(headCursor, head, !subs.isEmpty());
                Sub s;
                while ((s = incoming.poll()) != null) {
                    if (open(s, head)) {
                        subs.add(s);
                    }
                    work++;
                }
                final long now = System.nanoTime();
                for (int i = subs.size() - 1; i >= 0; i--) {
                    final Sub sub = subs.get(i);
                    if (sub.closed || !sub.ch.isActive()) {
                        subs.remove(i);
                        release(sub);
                        continue;
                    }
                    try {
                        work += pump(sub, now);
                    } catch (RuntimeException e) {
                        LOG.debug("stream subscriber failed, peer={}, error={}", sub.ch.remoteAddress(), e.toString());
                        subs.remove(i);
                        release(sub);
                        sub.ch.close();
                    }
                }
                if (work == 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(settings.idleSleepMs));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("alert stream reader failed, error={}", e.toString(), e);
        } finally {
            for (final Sub sub : subs) {
                release(sub);
                try {
                    sub.ch.close();
                } catch (RuntimeException e) {
                    LOG.debug("stream subscriber close failed, error={}", e.toString());
                }
            }
            if (headCursor != null) {
                headCursor.close();
            }
        }
    }

    /** Advances the head cursor to the journal's end; fills the cache when someone may need it. */
    private long skipToEnd(final AlertTailer t, final long head, final boolean fill) {
        long h = head;
        byte[] raw;
        int n = 0;
        while ((raw = t.next()) != null) {
            h = t.lastIndex();
            if (fill) {
                cached(h, raw);
            }
            if (++n >= CACHE && fill) {
                break;
            }
        }
        return h;
    }

    private Outgoing cached(final long position, final byte[] raw) {
        final int i = (int) (position & (CACHE - 1));
        final Outgoing o = cache[i];
        if (o != null && o.position == position) {
            return o;
        }
        final Outgoing n = Outgoing.of(position, raw, filter);
        cache[i] = n;
        return n;
    }

    /** Opens the subscriber's cursor and answers the request (400 for a position not in the journal). */
    private boolean open(final Sub s, final long head) {
        if (!s.ch.isActive()) {
            release(s);
            return false;
        }
        try {
            s.tailer = new AlertTailer(alertDir);
            if (s.from == LIVE) {
                if (head >= 0) {
                    position(s, head);
                }
            } else if (s.from != START) {
                if (!position(s, s.from)) {
                    HttpReplies.error(s.ch, s.head, s.keepAlive, 400, "no alert at position " + s.from
                        + " in the alert journal (not yet written, or no longer retained)");
                    release(s);
                    return false;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("alert stream open failed, error={}", e.toString());
            HttpReplies.error(s.ch, s.head, s.keepAlive, 503, "alert journal unavailable");
            release(s);
            return false;
        }
        final HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        r.headers().set("X-Accel-Buffering", "no");
        if (s.head) {
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            s.ch.writeAndFlush(r);
            s.ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            release(s);
            return false;
        }
        HttpUtil.setTransferEncodingChunked(r, true);
        s.ch.write(r);
        s.write(HELLO);
        s.ch.flush();
        s.ch.closeFuture().addListener(f -> {
            s.closed = true;
            wake();
        });
        LOG.debug("stream subscriber connected, subscriber={}, peer={}, from={}", s.who.name(), s.ch.remoteAddress(),
            s.from == LIVE ? "now" : s.from == START ? "start" : Long.toString(s.from));
        return true;
    }

    /** Moves the subscriber's cursor to just after {@code position}; false when the journal lacks it. */
    private static boolean position(final Sub s, final long position) {
        if (!s.tailer.moveTo(position)) {
            return false;
        }
        if (s.tailer.next() == null || s.tailer.lastIndex() != position) {
            return false;
        }
        s.cursor = position;
        return true;
    }

    /** Closes the subscriber's cursor and uncounts it (once); the reader stops serving it. */
    private void release(final Sub s) {
        if (s.tailer != null) {
            s.tailer.close();
            s.tailer = null;
        }
        if (!s.released) {
            s.released = true;
            active.decrementAndGet();
        }
        s.closing = true;
    }

    /** Sends what the subscriber may take now; returns the work done. */
    private int pump(final Sub s, final long now) {
        if (s.closing) {
            return 0;
        }
        int sent = 0;
        int scanned = 0;
        while (sent < BATCH && scanned < 4 * BATCH && !s.blocked()) {
            final byte[] raw = s.tailer.next();
            if (raw == null) {
                break;
            }
            scanned++;
            final long position = s.tailer.lastIndex();
            s.cursor = position;
            final Outgoing o = cached(position, raw);
            if (o.json == null || !s.who.mayReceive(o.tlp)) {
                continue;
            }
            s.write(o.sseFrame());
            sent++;
        }
        if (now - s.lastHeartbeatNanos >= TimeUnit.SECONDS.toNanos(settings.heartbeatSeconds)) {
            s.lastHeartbeatNanos = now;
            if (!s.blocked()) {
                s.write(HEARTBEAT);
                sent++;
            }
        }
        if (sent > 0) {
            s.ch.flush();
        }
        if (s.blocked()) {
            if (s.blockedSinceNanos == 0) {
                s.blockedSinceNanos = now;
            } else if (now - Math.max(s.blockedSinceNanos, s.lastDrainNanos)
                >= TimeUnit.MILLISECONDS.toNanos(settings.stallTimeoutMs)) {
                tooSlow(s);
            }
        } else {
            s.blockedSinceNanos = 0;
        }
        return sent + scanned;
    }

    private void tooSlow(final Sub s) {
        final long resume = s.cursor;
        final String notice = "id: " + resume + "\nevent: notice\ndata: {\"notice\":\"too_slow\",\"resume_from\":\""
            + resume + "\",\"message\":\"too slow, resume from id " + resume + "\"}\n\n";
        disconnectedSlow.incrementAndGet();
        LOG.info("stream subscriber too slow, disconnected, subscriber={}, peer={}, resumeFrom={}", s.who.name(),
            s.ch.remoteAddress(), resume);
        final Channel ch = s.ch;
        ch.write(new DefaultHttpContent(Unpooled.wrappedBuffer(notice.getBytes(StandardCharsets.UTF_8))));
        ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        ch.eventLoop().schedule(() -> {
            ch.close();
        }, settings.noticeGraceMs, TimeUnit.MILLISECONDS);
        release(s);
    }
}
