package io.vigie.ingest.transport.relp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal blocking RELP client for tests (one frame at a time on the reading side). */
public final class RelpClient implements AutoCloseable {
    /** One response frame. */
    public static final class Frame {
        public final int txnr;
        public final String command;
        public final String data;

        Frame(final int txnr, final String command, final String data) {
            this.txnr = txnr;
            this.command = command;
            this.data = data;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RelpClient(final Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(20_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    RelpClient(final int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    public void send(final int txnr, final String command, final String data) throws IOException {
        out.write(frame(txnr, command, data));
        out.flush();
    }

    void sendRaw(final byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    static byte[] frame(final int txnr, final String command, final String data) {
        final byte[] d = data.getBytes(StandardCharsets.UTF_8);
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((txnr + " " + command + " " + d.length).getBytes(StandardCharsets.US_ASCII));
        if (d.length > 0) {
            b.write(' ');
            b.writeBytes(d);
        }
        b.write('\n');
        return b.toByteArray();
    }

    /** Reads one frame; null at end of stream. */
    public Frame read() throws IOException {
        final String txnr = token();
        if (txnr == null) {
            return null;
        }
        final String command = token();
        final StringBuilder len = new StringBuilder();
        int c;
        while ((c = in.read()) >= '0' && c <= '9') {
            len.append((char) c);
        }
        final int n = Integer.parseInt(len.toString());
        String data = "";
        if (n > 0) {
            if (c != ' ') {
                throw new IOException("expected SP after DATALEN, got " + c);
            }
            data = new String(in.readNBytes(n), StandardCharsets.UTF_8);
            c = in.read();
        }
        if (c != '\n') {
            throw new IOException("expected trailer LF, got " + c);
        }
        return new Frame(Integer.parseInt(txnr), command, data);
    }

    /** True when the server closed the connection (reads end of stream). */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private String token() throws IOException {
        final StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != ' ') {
            if (c < 0) {
                return b.length() == 0 ? null : b.toString();
            }
            b.append((char) c);
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
