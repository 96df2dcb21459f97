package io.vigie.ops.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Serves the requests routed to it. Runs on a Netty event loop: answer quickly (use {@link Responses}), or hand slow
 * work to another thread and write the response from there; a streaming handler (SSE) may keep the channel open.
 * The request is released by the caller after {@link #handle} returns: copy what must outlive the call.
 */
@FunctionalInterface
public interface HttpHandler {
    /** Handles one request; {@code path} is the decoded path without the query string. */
    void handle(ChannelHandlerContext ctx, FullHttpRequest request, String path) throws Exception;
}
