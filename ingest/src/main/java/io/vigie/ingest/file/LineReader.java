package io.vigie.ingest.file;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads LF-terminated lines from a stream into a reused buffer (a trailing CR is stripped), streaming: memory is
 * one read chunk plus the longest line, capped at {@code maxLineBytes} (longer lines are cut and flagged). Confined
 * to one thread.
 */
final class LineReader implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[CHUNK];
    private int chunkPos;
    private int chunkEnd;
    private boolean eof;

    private byte[] line = new byte[1024];
    private int length;
    private boolean truncated;
    private long lineNumber;

    LineReader(final InputStream in, final int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Reads the next line; false at end of stream. */
    boolean next() throws IOException {
        length = 0;
        truncated = false;
        boolean any = false;
        while (true) {
            if (chunkPos == chunkEnd) {
                if (eof || !fill()) {
                    if (!any) {
                        return false;
                    }
                    break;
                }
            }
            any = true;
            int lf = -1;
            for (int i = chunkPos; i < chunkEnd; i++) {
                if (chunk[i] == '\n') {
                    lf = i;
                    break;
                }
            }
            final int stop = lf < 0 ? chunkEnd : lf;
            append(chunkPos, stop - chunkPos);
            chunkPos = lf < 0 ? chunkEnd : lf + 1;
            if (lf >= 0) {
                break;
            }
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        lineNumber++;
        return true;
    }

    private boolean fill() throws IOException {
        final int n = in.read(chunk, 0, CHUNK);
        if (n <= 0) {
            eof = true;
            return false;
        }
        chunkPos = 0;
        chunkEnd = n;
        return true;
    }

    private void append(final int from, final int n) {
        int take = n;
        if (length + take > maxLineBytes) {
            take = Math.max(0, maxLineBytes - length);
            truncated = true;
        }
        if (length + take > line.length) {
            line = Arrays.copyOf(line, Math.max(length + take, line.length * 2));
        }
        System.arraycopy(chunk, from, line, length, take);
        length += take;
    }

    byte[] line() {
        return line;
    }

    int length() {
        return length;
    }

    /** True when the current line was longer than the cap (only a prefix is held). */
    boolean truncated() {
        return truncated;
    }

    /** 1-based number of the current line. */
    long lineNumber() {
        return lineNumber;
    }

    @Override
    public void close() throws IOException {
        if (in != System.in) {
            in.close();
        }
    }
}
