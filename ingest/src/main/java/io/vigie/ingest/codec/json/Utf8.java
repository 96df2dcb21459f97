package io.vigie.ingest.codec.json;

/** Allocation-free UTF-8 validation (RFC 3629 section 4: no overlongs, no surrogates, at most U+10FFFF). */
public final class Utf8 {
    private Utf8() {
    }

    /** True when {@code b[from, to)} is well-formed UTF-8. */
    public static boolean valid(final byte[] b, final int from, final int to) {
        int i = from;
        while (i < to) {
            final int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            final int n = sequenceLength(b, i, to);
            if (n < 0) {
                return false;
            }
            i += n;
        }
        return true;
    }

    /** Length of the well-formed multi-byte sequence at {@code i} (lead byte >= 0x80), or -1. */
    public static int sequenceLength(final byte[] b, final int i, final int to) {
        final int c = b[i] & 0xFF;
        if (c >= 0xC2 && c <= 0xDF) {
            return i + 1 < to && cont(b[i + 1]) ? 2 : -1;
        }
        if (c >= 0xE0 && c <= 0xEF) {
            if (i + 2 >= to || !cont(b[i + 1]) || !cont(b[i + 2])) {
                return -1;
            }
            final int c1 = b[i + 1] & 0xFF;
            if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) {
                return -1;
            }
            return 3;
        }
        if (c >= 0xF0 && c <= 0xF4) {
            if (i + 3 >= to || !cont(b[i + 1]) || !cont(b[i + 2]) || !cont(b[i + 3])) {
                return -1;
            }
            final int c1 = b[i + 1] & 0xFF;
            if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
                return -1;
            }
            return 4;
        }
        return -1;
    }

    private static boolean cont(final byte b) {
        return (b & 0xC0) == 0x80;
    }
}
