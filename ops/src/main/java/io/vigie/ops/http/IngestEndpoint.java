package io.vigie.ops.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.lmax.disruptor.RingBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.vigie.engine.Engine;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.FrameDecoder;
import io.vigie.ingest.publish.RingPublisher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code POST /api/v1/ingest}: a batch of lines, JSON lines ({@code application/x-ndjson}) or syslog lines
 * ({@code text/plain}), each published into the event ring as a frame of listener {@code http}. The response,
 * {@code {"accepted":n,"rejected":n}}, is sent only once every line of the batch is in the raw journal (or the
 * quarantine): the engine's persisted sequence is polled from the event loop, which never blocks (a full ring pauses
 * the batch and retries). Caps: the body ({@code 413}), the number of lines ({@code 413}) and each line (a longer line
 * is rejected as {@code FRAME_TOO_LONG}, its prefix quarantined). Empty lines are skipped; a trailing CR is trimmed.
 */
public final class IngestEndpoint {
    /** The path served. */
    public static final String PATH = "/api/v1/ingest";
    /** Listener name of the events (counters, journal records). */
    public static final String LISTENER = "http";
    private static final String NDJSON = "application/x-ndjson";
    private static final String TEXT = "text/plain";
    private static final long RETRY_MICROS = 500;
    private static final long ACK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Largest body accepted, bytes (at most the HTTP server's aggregation limit). */
    public int maxBodyBytes = HttpServer.MAX_REQUEST_BYTES;
    /** Largest line accepted, bytes; longer lines are rejected (FRAME_TOO_LONG). */
    public int maxLineBytes = 65_536;
    /** Most lines per request. */
    public int maxLines = 10_000;
    /** TLP ordinal stamped on the events (default red: unlabelled is most restrictive). */
    public int tlp = 4;

    /**
     * Adds the route to {@code router}: each Netty event-loop thread gets its own publisher and decoder (from
     * {@code decoders}), confined to it.
     */
    public void register(final Router router, final Engine engine, final EngineCounters counters,
                         final Supplier<FrameDecoder> decoders) {
        final ListenerCounters listener = counters.listener(LISTENER);
        final ThreadLocal<Session> sessions = ThreadLocal.withInitial(() ->
            new Session(engine, listener, decoders.get(), counters));
        router.exact(HttpMethod.POST, PATH, (ctx, request, path) -> sessions.get().handle(ctx, request));
    }

    /** Publishing state of one event-loop thread. */
    private final class Session {
        private final Engine engine;
        private final RingBuffer<TelemetryEvent> ring;
        private final CountingDecoder decoder;
        private final RingPublisher publisher;

        Session(final Engine engine, final ListenerCounters listener, final FrameDecoder decoder,
                final EngineCounters counters) {
            this.engine = engine;
            this.ring = engine.ring();
            this.decoder = new CountingDecoder(decoder);
            this.publisher = new RingPublisher(ring, listener, this.decoder, counters.latencies(),
                RingPublisher.Policy.BLOCK, tlp);
        }

        void handle(final ChannelHandlerContext ctx, final FullHttpRequest request) {
            final String type = contentType(request);
            final boolean json;
            if (type.equals(NDJSON) || type.equals("application/json") || type.equals("application/jsonl")) {
                json = true;
            } else if (type.equals(TEXT) || type.isEmpty()) {
                json = false;
            } else {
                Responses.error(ctx, request, 415, "unsupported content type '" + type + "' (expected "
                    + NDJSON + " or " + TEXT + ")");
                return;
            }
            final ByteBuf content = request.content();
            final int length = content.readableBytes();
            if (length > maxBodyBytes) {
                Responses.error(ctx, request, 413, "body of " + length + " bytes over the limit of " + maxBodyBytes);
                return;
            }
            final byte[] body = new byte[length];
            content.getBytes(content.readerIndex(), body);
            int lines = 0;
            for (final byte b : body) {
                if (b == '\n') {
                    lines++;
                }
            }
            if (lines + 1 > maxLines && !(lines == maxLines && body.length > 0 && body[body.length - 1] == '\n')) {
                Responses.error(ctx, request, 413, "more than " + maxLines + " lines");
                return;
            }
            // The request is released when this returns: the batch keeps its own copy and response metadata.
            final Batch batch = new Batch(ctx, request.method(), HttpUtil.isKeepAlive(request), body, json);
            if (ctx.channel().remoteAddress() instanceof InetSocketAddress) {
                publisher.peer((InetSocketAddress) ctx.channel().remoteAddress());
            }
            // One batch at a time per connection: responses stay in request order, and a slow journal slows the sender.
            ctx.channel().config().setAutoRead(false);
            batch.run();
        }

        /** One request's lines, published in order; resumable after a full ring. */
        private final class Batch implements Runnable {
            private final ChannelHandlerContext ctx;
            private final FullHttpRequest responseTemplate;
            private final ByteBuf buf;
            private final byte[] body;
            private final boolean json;
            private int position;
            private long accepted;
            private long rejected;
            private long lastSequence = -1;
            private long ackDeadline;

            Batch(final ChannelHandlerContext ctx, final HttpMethod method, final boolean keepAlive,
                  final byte[] body, final boolean json) {
                this.ctx = ctx;
                this.body = body;
                this.buf = Unpooled.wrappedBuffer(body);
                this.json = json;
                // Responses needs a request for method and keep-alive only.
                this.responseTemplate = new io.netty.handler.codec.http.DefaultFullHttpRequest(
                    io.netty.handler.codec.http.HttpVersion.HTTP_1_1, method, PATH, Unpooled.EMPTY_BUFFER);
                HttpUtil.setKeepAlive(responseTemplate, keepAlive);
            }

            @Override
            public void run() {
                if (!publishLines()) {
                    ctx.executor().schedule(this, RETRY_MICROS, TimeUnit.MICROSECONDS);
                    return;
                }
                ackDeadline = System.nanoTime() + ACK_TIMEOUT_NANOS;
                awaitPersisted();
            }

            /** Publishes from {@link #position}; false when the ring is full (retry later). */
            private boolean publishLines() {
                while (position < body.length) {
                    int end = position;
                    while (end < body.length && body[end] != '\n') {
                        end++;
                    }
                    int stop = end;
                    if (stop > position && body[stop - 1] == '\r') {
                        stop--;
                    }
                    final int n = stop - position;
                    if (n > 0) {
                        if (n > maxLineBytes) {
                            if (!ring.hasAvailableCapacity(1)) {
                                return false;
                            }
                            publisher.publishRejected(buf, position, maxLineBytes, RejectReason.FRAME_TOO_LONG);
                            lastSequence = publisher.lastSequence();
                            rejected++;
                        } else {
                            decoder.json = json;
                            decoder.rejected = false;
                            if (!publisher.tryPublish(buf, position, n)) {
                                return false;
                            }
                            lastSequence = publisher.lastSequence();
                            if (decoder.rejected) {
                                rejected++;
                            } else {
                                accepted++;
                            }
                        }
                    }
                    position = end + 1;
                }
                return true;
            }

            private void awaitPersisted() {
                if (lastSequence >= 0 && engine.persistedSequence().get() < lastSequence) {
                    if (System.nanoTime() > ackDeadline) {
                        Responses.error(ctx, responseTemplate, 503, "the journal did not confirm the batch in time");
                        ctx.channel().config().setAutoRead(true);
                        return;
                    }
                    ctx.executor().schedule(this::awaitPersisted, RETRY_MICROS, TimeUnit.MICROSECONDS);
                    return;
                }
                if (ctx.channel().isActive()) {
                    Responses.send(ctx, responseTemplate, 200, Responses.JSON, result(accepted, rejected));
                    ctx.channel().config().setAutoRead(true);
                }
            }
        }
    }

    /** Wraps the decoder: checks JSON lines start like an object, records whether the frame was rejected. */
    private static final class CountingDecoder implements FrameDecoder {
        private final FrameDecoder delegate;
        boolean json;
        boolean rejected;

        CountingDecoder(final FrameDecoder delegate) {
            this.delegate = delegate;
        }

        @Override
        public void decode(final TelemetryEvent event) {
            if (json && !startsLikeObject(event.raw(), event.rawLength())) {
                event.rejectReason = RejectReason.BAD_JSON.ordinal();
            } else {
                delegate.decode(event);
            }
            rejected = event.rejectReason != 0;
        }

        private static boolean startsLikeObject(final byte[] b, final int n) {
            for (int i = 0; i < n; i++) {
                if (b[i] == '{') {
                    return true;
                }
                if (b[i] != ' ' && b[i] != '\t') {
                    return false;
                }
            }
            return false;
        }
    }

    private static String contentType(final FullHttpRequest request) {
        final String v = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (v == null) {
            return "";
        }
        final int semi = v.indexOf(';');
        return (semi < 0 ? v : v.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static byte[] result(final long accepted, final long rejected) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = Responses.json().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("accepted", accepted);
            g.writeNumberField("rejected", rejected);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
