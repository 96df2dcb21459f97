package io.vigie.ops.share;

import io.netty.handler.codec.http.HttpHeaders;

import javax.net.ssl.SSLSession;

/**
 * Authenticates feed requests: a bearer token (stored hashed, compared in constant time) or a TLS client
 * certificate. Unauthenticated callers get null and must learn nothing (the HTTP layer answers 401/404 alike).
 */
public interface Subscribers {
    /**
     * @param headers the request headers ({@code Authorization: Bearer ...})
     * @param session the TLS session of the connection, or null on plain HTTP
     * @return the subscriber, or null when not authenticated
     */
    Subscriber authenticate(HttpHeaders headers, SSLSession session);
}
