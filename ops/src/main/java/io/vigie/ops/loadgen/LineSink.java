package io.vigie.ops.loadgen;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Where the load generator writes syslog frames: TCP octet-counted (RFC 6587 section 3.4.1) or one UDP datagram
 * each (RFC 5426).
 */
abstract class LineSink implements AutoCloseable {
    abstract void send(byte[] line, int length) throws IOException;

    /** Pushes buffered frames out (before waiting, and every second). */
    abstract void flush() throws IOException;

    @Override
    public abstract void close() throws IOException;

    static LineSink open(final String proto, final InetSocketAddress target) throws IOException {
        switch (proto) {
            case "tcp":
                return new Tcp(target);
            case "udp":
                return new Udp(target);
            default:
                throw new IllegalArgumentException("unsupported protocol '" + proto + "' (expected udp or tcp)");
        }
    }

    /** TCP with octet counting: {@code MSG-LEN SP SYSLOG-MSG}, RFC 6587 section 3.4.1. */
    static final class Tcp extends LineSink {
        private final Socket socket;
        private final OutputStream out;
        private final byte[] digits = new byte[12];

        Tcp(final InetSocketAddress target) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(target, 10_000);
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

    static byte[] ascii(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
