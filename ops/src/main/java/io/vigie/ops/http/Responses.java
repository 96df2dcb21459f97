package io.vigie.ops.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Writes complete HTTP responses (keep-alive aware; no body for HEAD). */
public final class Responses {
    /** Content type of JSON bodies. */
    public static final String JSON = "application/json; charset=utf-8";
    private static final JsonFactory FACTORY = new JsonFactory();

    private Responses() {
    }

    /** Sends a body with a status and content type. */
    public static void send(final ChannelHandlerContext ctx, final FullHttpRequest request, final int status,
                            final String contentType, final byte[] body) {
        final boolean head = HttpMethod.HEAD.equals(request.method());
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status), head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Sends a JSON error body {@code {"error":{"status":N,"message":"..."}}}. */
    public static void error(final ChannelHandlerContext ctx, final FullHttpRequest request, final int status,
                             final String message) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeNumberField("status", status);
            g.writeStringField("message", message);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        send(ctx, request, status, JSON, out.toByteArray());
    }

    /** Sends text as UTF-8. */
    public static void text(final ChannelHandlerContext ctx, final FullHttpRequest request, final int status,
                            final String contentType, final String body) {
        send(ctx, request, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The shared JSON factory (thread-safe). */
    public static JsonFactory json() {
        return FACTORY;
    }
}
