package io.vigie.ops.loadgen;

/**
 * One synthesized RFC 5424 line, {@code header + decimal sequence number}, rendered in a reused array: the sequence
 * digits are advanced in place (no {@code Long.toString}, no allocation per line), the header is replaced when the
 * time it carries changes. Single-threaded.
 */
final class SyntheticLine {
    /** Enough for any long: 19 digits. */
    private static final int MAX_DIGITS = 20;

    private byte[] line = new byte[0];
    private int headerLength;
    private int length;
    private long seq;

    /** A line with this header and first sequence number. */
    SyntheticLine(final byte[] header, final long first) {
        seq = first;
        header(header);
    }

    /** Replaces the header, keeping the sequence number. */
    void header(final byte[] header) {
        if (line.length < header.length + MAX_DIGITS) {
            line = new byte[header.length + MAX_DIGITS];
        }
        System.arraycopy(header, 0, line, 0, header.length);
        headerLength = header.length;
        length = headerLength;
        long v = seq;
        int digits = 1;
        for (long t = v / 10; t > 0; t /= 10) {
            digits++;
        }
        length = headerLength + digits;
        for (int i = length - 1; i >= headerLength; i--) {
            line[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
    }

    /** Adds {@code step} (&ge; 0) to the sequence number, rewriting only the digits that change. */
    void advance(final int step) {
        seq += step;
        int carry = step;
        for (int i = length - 1; carry > 0 && i >= headerLength; i--) {
            final int d = line[i] - '0' + carry;
            line[i] = (byte) ('0' + d % 10);
            carry = d / 10;
        }
        if (carry > 0) {
            // More digits than before (999 + 1): shift the digits right and write the carry in front.
            int extra = 0;
            for (int t = carry; t > 0; t /= 10) {
                extra++;
            }
            System.arraycopy(line, headerLength, line, headerLength + extra, length - headerLength);
            for (int i = headerLength + extra - 1; i >= headerLength; i--) {
                line[i] = (byte) ('0' + carry % 10);
                carry /= 10;
            }
            length += extra;
        }
    }

    /** The line's bytes, valid for {@link #length()} bytes until the next call. */
    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    long seq() {
        return seq;
    }
}
