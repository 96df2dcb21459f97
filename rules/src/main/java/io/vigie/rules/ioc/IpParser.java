package io.vigie.rules.ioc;

/**
 * Parses textual IPv4 (dotted quad) and IPv6 (RFC 4291 section 2.2, with {@code ::} and an embedded dotted quad;
 * a {@code %zone} suffix is ignored) addresses from ASCII bytes into network-order bytes, without allocation.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) are returned as IPv4.
 */
final class IpParser {
    private IpParser() {
    }

    /** Parses into {@code out} (16 bytes); returns 4, 16, or -1 when not an address. */
    static int parse(final byte[] b, final int off, final int len, final byte[] out) {
        if (len <= 0 || len > 64) {
            return -1;
        }
        boolean colon = false;
        for (int i = off; i < off + len; i++) {
            if (b[i] == ':') {
                colon = true;
                break;
            }
        }
        if (!colon) {
            return parseV4(b, off, len, out, 0) ? 4 : -1;
        }
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '%') {
                end = i;
                break;
            }
        }
        if (!parseV6(b, off, end, out)) {
            return -1;
        }
        for (int i = 0; i < 10; i++) {
            if (out[i] != 0) {
                return 16;
            }
        }
        if (out[10] == (byte) 0xFF && out[11] == (byte) 0xFF) {
            System.arraycopy(out, 12, out, 0, 4);
            return 4;
        }
        return 16;
    }

    static boolean parseV4(final byte[] b, final int off, final int len, final byte[] out, final int at) {
        int part = 0;
        int digits = 0;
        int value = 0;
        for (int i = off, end = off + len; i <= end; i++) {
            if (i == end || b[i] == '.') {
                if (digits == 0 || part > 3) {
                    return false;
                }
                out[at + part++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                final int d = b[i] - '0';
                if (d < 0 || d > 9 || digits == 3) {
                    return false;
                }
                value = value * 10 + d;
                digits++;
                if (value > 255) {
                    return false;
                }
            }
        }
        return part == 4;
    }

    private static boolean parseV6(final byte[] b, final int off, final int end, final byte[] out) {
        int word = 0;
        int gap = -1;
        int i = off;
        if (end - off >= 2 && b[i] == ':' && b[i + 1] == ':') {
            gap = 0;
            i += 2;
            if (i == end) {
                java.util.Arrays.fill(out, 0, 16, (byte) 0);
                return true;
            }
        } else if (i < end && b[i] == ':') {
            return false;
        }
        while (i < end) {
            if (word == 8) {
                return false;
            }
            int j = i;
            int v = 0;
            boolean dot = false;
            while (j < end && b[j] != ':') {
                if (b[j] == '.') {
                    dot = true;
                }
                j++;
            }
            if (dot) {
                if (word > 6 || j != end || !parseV4(b, i, j - i, out, word * 2)) {
                    return false;
                }
                word += 2;
                i = j;
                break;
            }
            if (j - i == 0 || j - i > 4) {
                return false;
            }
            for (int k = i; k < j; k++) {
                final int d = hex(b[k]);
                if (d < 0) {
                    return false;
                }
                v = (v << 4) | d;
            }
            out[word * 2] = (byte) (v >>> 8);
            out[word * 2 + 1] = (byte) v;
            word++;
            i = j;
            if (i < end) {
                i++;
                if (i < end && b[i] == ':') {
                    if (gap >= 0) {
                        return false;
                    }
                    gap = word;
                    i++;
                } else if (i == end) {
                    return false;
                }
            }
        }
        if (gap < 0) {
            return word == 8;
        }
        final int move = word - gap;
        System.arraycopy(out, gap * 2, out, 16 - move * 2, move * 2);
        java.util.Arrays.fill(out, gap * 2, 16 - move * 2, (byte) 0);
        return word < 8;
    }

    private static int hex(final byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Zeroes the bits past {@code prefix} in the first {@code len} bytes. */
    static void mask(final byte[] a, final int len, final int prefix) {
        for (int i = 0; i < len; i++) {
            final int keep = Math.max(0, Math.min(8, prefix - i * 8));
            a[i] = (byte) (a[i] & (0xFF00 >>> keep));
        }
    }
}
