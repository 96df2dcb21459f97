package io.vigie.ingest.transport;

import io.vigie.engine.ring.EventFormat;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.publish.RingPublisher;

import java.util.function.Supplier;

/** Settings of one syslog listener. Plain data. */
public final class ListenerSettings {
    /** Listener name (counter label, journal records). */
    public String name = "syslog";
    public String bind = "127.0.0.1";
    /** Port; 0 picks an ephemeral one. */
    public int port = 5514;
    public boolean udp = true;
    public boolean tcp = true;
    /** Largest frame accepted, bytes. */
    public int maxFrameBytes = 65_536;
    /** {@link EventFormat#AUTO} or a forced format. */
    public int format = EventFormat.AUTO;
    /** TLP ordinal stamped on this listener's events (default red: unlabelled is most restrictive). */
    public int tlp = 4;
    /** Ring-full policy for stream transports (UDP always drops). */
    public RingPublisher.Policy tcpPolicy = RingPublisher.Policy.BLOCK;
    /** Decoder settings. */
    public DecoderSettings decoder = new DecoderSettings();
    /** When non-null, TCP connections are TLS (RFC 5425) with this context; UDP is then off. */
    public Supplier<io.netty.handler.ssl.SslContext> sslContext;
    /** Event-loop threads of the listener (UDP, TCP accept and connections share them). */
    public int ioThreads = 2;
    /**
     * Kernel receive buffer asked for the UDP socket (SO_RCVBUF; Linux caps it at {@code net.core.rmem_max}, and
     * the listener logs what it got).
     */
    public int udpReceiveBufferBytes = 8 * 1024 * 1024;
    /** Idle timeout of stream connections, seconds (0 = none). */
    public int idleTimeoutSeconds = 300;
    /** Most open stream connections of the listener; more are closed at once, counted (0 = unlimited). */
    public int maxConnections = 10_000;
    /** Most open stream connections from one source address; more are closed at once, counted (0 = unlimited). */
    public int maxConnectionsPerSource = 256;
    /**
     * Seconds a new stream connection has to send its first byte, and a TLS connection to complete its handshake;
     * otherwise it is closed, counted (0 = no limit).
     */
    public int handshakeTimeoutSeconds = 10;
    /** With TLS: checks the client certificate after the handshake (null = any certificate the CA accepts). */
    public io.vigie.ingest.transport.tls.PeerAllowList peerAllowList;
}
