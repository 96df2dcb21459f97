package io.vigie.ingest.transport.relp;

import io.netty.handler.ssl.SslContext;

import java.util.function.Supplier;

/** Settings of the RELP listener. Plain data. */
public final class RelpSettings {
    /** Listener name (counter label, journal records). */
    public String name = "relp";
    public String bind = "127.0.0.1";
    /** Port; 0 picks an ephemeral one (DESIGN.md default 2514). */
    public int port = 2514;
    /** Largest DATALEN accepted (one syslog message), bytes; larger frames are rejected and the session closed. */
    public int maxDataBytes = 131_072;
    /** Most commands awaiting their response per session; reading pauses beyond it. */
    public int maxPendingAcks = 1024;
    /** Period of the journal-progress poll while acknowledgements are pending, microseconds. */
    public long ackPollMicros = 500;
    /** TLP ordinal stamped on this listener's events (default red: unlabelled is most restrictive). */
    public int tlp = 4;
    /** When non-null, sessions are TLS with a context from this supplier (read per connection, so reloads apply). */
    public Supplier<SslContext> sslContext;
    /** With TLS: checks the client certificate after the handshake (null = any certificate the CA accepts). */
    public io.vigie.ingest.transport.tls.PeerAllowList peerAllowList;
    /** Software name offered in the {@code open} response. */
    public String software = "vigie";
    /** Event-loop threads (0 = Netty default). */
    public int threads = 1;
    /** Most open sessions; more are closed at once, counted (0 = unlimited). */
    public int maxConnections = 10_000;
    /** Most open sessions from one source address; more are closed at once, counted (0 = unlimited). */
    public int maxConnectionsPerSource = 256;
    /** Seconds a new session has to send its first byte and, with TLS, to finish its handshake (0 = no limit). */
    public int handshakeTimeoutSeconds = 10;
}
