package io.vigie.ingest.transport.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import javax.net.ssl.SSLException;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds Netty server {@link SslContext}s for Vigie's TLS inputs (syslog over TLS, RFC 5425; RELP over TLS; HTTP):
 * PEM certificate chain and PKCS#8 private key ({@code BEGIN PRIVATE KEY}, RSA or EC) from files, TLS 1.2 and 1.3
 * only, forward-secret AEAD cipher suites only, and, when a client CA file is given, mutual authentication required.
 */
public final class TlsContexts {
    /** Protocols offered (RFC 8446 TLS 1.3, RFC 5246 TLS 1.2); RFC 8996 deprecates 1.0 and 1.1. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** Cipher suites: TLS 1.3 AEADs, then TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305 (RFC 7525 section 4.2). */
    public static final List<String> CIPHERS = List.of(
        "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsContexts() {
    }

    /**
     * A server context.
     *
     * @param certChain PEM file: the server certificate first, then intermediates
     * @param key       PEM file: the unencrypted PKCS#8 private key
     * @param clientCa  PEM file of CA certificates clients must chain to (mutual TLS required), or null (no client
     *                  certificate requested)
     * @throws SSLException when a file is unreadable or the material is invalid
     */
    public static SslContext server(final Path certChain, final Path key, final Path clientCa) throws SSLException {
        final SslContextBuilder b = SslContextBuilder.forServer(certChain.toFile(), key.toFile())
            .sslProvider(SslProvider.JDK)
            .protocols(PROTOCOLS)
            .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
        if (clientCa != null) {
            b.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
        } else {
            b.clientAuth(ClientAuth.NONE);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new SSLException("invalid TLS material, cert=" + certChain + ", key=" + key + ": " + e.getMessage(),
                e);
        }
    }
}
