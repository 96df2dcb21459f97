package io.vigie.ops.feed.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A minimal HTTP/1.1 + SSE client over a raw socket (chunked bodies), for tests. */
final class SseClient implements AutoCloseable {
    /** One SSE event (comments are skipped). */
    static final class Event {
        final String id;
        final String event;
        final String data;

        Event(final String id, final String event, final String data) {
            this.id = id;
            this.event = event;
            this.data = data;
        }
    }

    final Socket socket;
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    private final InputStream in;
    private long chunkLeft;
    private boolean chunked;
    private boolean eof;

    SseClient(final int port, final String pathAndQuery, final String token, final String lastEventId,
              final int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        final OutputStream out = socket.getOutputStream();
        final StringBuilder req = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Accept: text/event-stream\r\n");
        if (token != null) {
            req.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (lastEventId != null) {
            req.append("Last-Event-ID: ").append(lastEventId).append("\r\n");
        }
        req.append("\r\n");
        out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in = new java.io.BufferedInputStream(socket.getInputStream(), 65536);
        final String statusLine = rawLine();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String h = rawLine(); !h.isEmpty(); h = rawLine()) {
            final int c = h.indexOf(':');
            headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
        }
        if (!"chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            chunkLeft = Long.parseLong(headers.getOrDefault("content-length", "0"));
            if (chunkLeft == 0) {
                eof = true;
            }
        } else {
            chunked = true;
            chunkLeft = -1;
        }
    }

    /** The whole body (non-chunked responses). */
    String body() throws IOException {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = bodyByte()) >= 0) {
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** The next event, or null at the end of the stream. */
    Event next() throws IOException {
        String id = null;
        String event = null;
        StringBuilder data = null;
        while (true) {
            final String line = bodyLine();
            if (line == null) {
                return null;
            }
            if (line.isEmpty()) {
                if (data != null || event != null) {
                    return new Event(id, event, data == null ? null : data.toString());
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            final int c = line.indexOf(':');
            final String name = c < 0 ? line : line.substring(0, c);
            final String value = c < 0 ? "" : line.substring(c + 1).startsWith(" ") ? line.substring(c + 2)
                : line.substring(c + 1);
            switch (name) {
                case "id":
                    id = value;
                    break;
                case "event":
                    event = value;
                    break;
                case "data":
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    break;
                default:
                    break;
            }
        }
    }

    private String bodyLine() throws IOException {
        final ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        int c;
        while ((c = bodyByte()) >= 0) {
            if (c == '\n') {
                return b.toString(StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    private int bodyByte() throws IOException {
        if (eof) {
            return -1;
        }
        if (chunked && chunkLeft <= 0) {
            if (chunkLeft == 0) {
                rawLine();
            }
            final String size = rawLine();
            if (size == null) {
                eof = true;
                return -1;
            }
            chunkLeft = Long.parseLong(size.split(";")[0].trim(), 16);
            if (chunkLeft == 0) {
                eof = true;
                return -1;
            }
        }
        if (chunkLeft == 0) {
            eof = true;
            return -1;
        }
        final int c = in.read();
        if (c < 0) {
            eof = true;
            return -1;
        }
        chunkLeft--;
        return c;
    }

    private String rawLine() throws IOException {
        final ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                final String s = b.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        if (b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
