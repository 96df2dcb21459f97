package io.vigie.ops.loadgen;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Where the load generator writes syslog frames: TCP octet-counted (RFC 6587 section 3.4.1), the same over TLS
 * (RFC 5425), one UDP datagram each (RFC 5426), or RELP {@code syslog} commands with a window of unacknowledged
 * transactions (librelp doc/relp.html).
 */
abstract class LineSink implements AutoCloseable {
    abstract void send(byte[] line, int length) throws IOException;

    /** Pushes buffered frames out (before waiting, and every second). */
    abstract void flush() throws IOException;

    @Override
    public abstract void close() throws IOException;

    static LineSink open(final String proto, final InetSocketAddress target) throws IOException {
        final LoadGenerator.Options o = new LoadGenerator.Options();
        o.proto = proto;
        o.target = target;
        return open(o);
    }

    static LineSink open(final LoadGenerator.Options o) throws IOException {
        switch (o.proto) {
            case "tcp":
                return new Tcp(plainSocket(o.target));
            case "tls":
                return new Tcp(tlsSocket(o));
            case "udp":
                return new Udp(o.target);
            case "relp":
                return o.ca != null ? new Relp(tlsSocket(o), o.relpWindow) : new Relp(plainSocket(o.target),
                    o.relpWindow);
            default:
                throw new IllegalArgumentException("unsupported protocol '" + o.proto
                    + "' (expected udp, tcp, tls or relp)");
        }
    }

    private static Socket plainSocket(final InetSocketAddress target) throws IOException {
        final Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(target, 10_000);
        return socket;
    }

    /**
     * A TLS socket, handshake done: trusts {@code --ca} (or the JDK's default trust store), presents {@code --cert}
     * and {@code --key} (PEM, PKCS#8) when given. The server certificate must chain to the CA; its name is not
     * checked (a load generator aims at addresses, often 127.0.0.1).
     */
    private static Socket tlsSocket(final LoadGenerator.Options o) throws IOException {
        final SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (o.ca != null) {
            b.trustManager(o.ca.toFile());
        }
        if (o.cert != null) {
            b.keyManager(o.cert.toFile(), o.key.toFile());
        }
        final SSLContext context = ((JdkSslContext) b.build()).context();
        final SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.setTcpNoDelay(true);
        socket.connect(o.target, 10_000);
        socket.startHandshake();
        return socket;
    }

    /** TCP (or TLS, RFC 5425 section 4.3) with octet counting: {@code MSG-LEN SP SYSLOG-MSG}, RFC 6587 3.4.1. */
    static final class Tcp extends LineSink {
        private final Socket socket;
        private final OutputStream out;
        private final byte[] digits = new byte[12];

        Tcp(final Socket socket) throws IOException {
            this.socket = socket;
            out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        }

        @Override
        void send(final byte[] line, final int length) throws IOException {
            int n = length;
            int i = digits.length;
            digits[--i] = ' ';
            do {
                digits[--i] = (byte) ('0' + n % 10);
                n /= 10;
            } while (n > 0);
            out.write(digits, i, digits.length - i);
            out.write(line, 0, length);
        }

        @Override
        void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            try {
                out.flush();
            } finally {
                socket.close();
            }
        }
    }

    /** UDP: one frame per datagram (RFC 5426). */
    static final class Udp extends LineSink {
        private final DatagramSocket socket;
        private final DatagramPacket packet;

        Udp(final InetSocketAddress target) throws IOException {
            socket = new DatagramSocket();
            socket.connect(target);
            packet = new DatagramPacket(new byte[0], 0, target);
        }

        @Override
        void send(final byte[] line, final int length) throws IOException {
            packet.setData(line, 0, length);
            socket.send(packet);
        }

        @Override
        void flush() {
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /**
     * RELP client: {@code open}, then one {@code syslog} command per frame with increasing TXNR, at most
     * {@code window} unacknowledged (reads acknowledgements when full); {@code close} waits for every ack.
     *
     * <pre>
     *   RELP-FRAME = TXNR SP COMMAND SP DATALEN [SP DATA] LF     (librelp doc/relp.html)
     * </pre>
     */
    static final class Relp extends LineSink {
        private static final byte[] OPEN = ascii("relp_version=0\nrelp_software=vigie-loadgen\ncommands=syslog");
        private static final byte[] SYSLOG = ascii("syslog");
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final int window;
        private final byte[] digits = new byte[12];
        private int txnr;
        private int acked;

        Relp(final Socket socket, final int window) throws IOException {
            this.socket = socket;
            this.window = Math.max(1, window);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            command(ascii("open"), OPEN, OPEN.length);
            out.flush();
            awaitAcks(txnr);
        }

        @Override
        void send(final byte[] line, final int length) throws IOException {
            if (txnr - acked >= window) {
                out.flush();
                awaitAcks(txnr - window + 1);
            }
            command(SYSLOG, line, length);
        }

        private void command(final byte[] command, final byte[] data, final int length) throws IOException {
            txnr++;
            writeDecimal(txnr);
            out.write(' ');
            out.write(command);
            out.write(' ');
            writeDecimal(length);
            if (length > 0) {
                out.write(' ');
                out.write(data, 0, length);
            }
            out.write('\n');
        }

        private void writeDecimal(final int value) throws IOException {
            int n = value;
            int i = digits.length;
            do {
                digits[--i] = (byte) ('0' + n % 10);
                n /= 10;
            } while (n > 0);
            out.write(digits, i, digits.length - i);
        }

        /** Reads responses until transaction {@code upTo} is acknowledged; a non-200 response is an error. */
        private void awaitAcks(final int upTo) throws IOException {
            while (acked < upTo) {
                final int rsp = (int) readNumber(' ');
                final StringBuilder command = new StringBuilder();
                for (int c = read(); c != ' '; c = read()) {
                    command.append((char) c);
                }
                final long length = readNumber(-1);
                final byte[] data = in.readNBytes((int) length);
                if (length > 0 && data.length < length) {
                    throw new IOException("relp: connection closed by the server");
                }
                if (read() != '\n') {
                    throw new IOException("relp: response without trailer");
                }
                if (rsp == 0 && "serverclose".contentEquals(command)) {
                    throw new IOException("relp: the server closed the session");
                }
                final String text = new String(data, StandardCharsets.UTF_8);
                if (!"rsp".contentEquals(command) || !text.startsWith("200")) {
                    throw new IOException("relp: transaction " + rsp + " refused: " + command + " " + text);
                }
                acked = Math.max(acked, rsp);
            }
        }

        /** Digits up to a space (or, with {@code alt} -1, up to a space or LF, which is then pushed back). */
        private long readNumber(final int alt) throws IOException {
            long v = 0;
            int c = read();
            int n = 0;
            while (c >= '0' && c <= '9') {
                v = v * 10 + (c - '0');
                if (++n > 9) {
                    throw new IOException("relp: number too long");
                }
                in.mark(1);
                c = read();
            }
            if (n == 0) {
                throw new IOException("relp: malformed response");
            }
            if (c == '\n' && alt == -1) {
                in.reset();
            } else if (c != ' ') {
                throw new IOException("relp: malformed response");
            }
            return v;
        }

        private int read() throws IOException {
            final int c = in.read();
            if (c < 0) {
                throw new IOException("relp: connection closed by the server");
            }
            return c;
        }

        @Override
        void flush() throws IOException {
            out.flush();
        }

        /** Unacknowledged transactions (tests). */
        int pending() {
            return txnr - acked;
        }

        @Override
        public void close() throws IOException {
            try {
                out.flush();
                awaitAcks(txnr);
                command(ascii("close"), new byte[0], 0);
                out.flush();
                awaitAcks(txnr);
            } finally {
                socket.close();
            }
        }
    }

    static byte[] ascii(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
