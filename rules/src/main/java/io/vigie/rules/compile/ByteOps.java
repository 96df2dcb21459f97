package io.vigie.rules.compile;

/**
 * Allocation-free byte helpers for the matchers: ASCII case folding, substring search, Sigma wildcard matching,
 * decimal and IP parsing. Case folding is ASCII only: non-ASCII bytes (UTF-8 multi-byte sequences) compare exactly.
 * Public only for {@link #parseNumber}, which correlation shares so that thresholds and field values round alike.
 */
public final class ByteOps {
    /** Lower-case table for ASCII; every other byte maps to itself. */
    static final byte[] LOWER = new byte[256];
    /** Wildcard units in a compiled glob: any run of characters, and one character. */
    static final int STAR = -1;
    static final int QMARK = -2;

    static {
        for (int i = 0; i < 256; i++) {
            LOWER[i] = (byte) (i >= 'A' && i <= 'Z' ? i + 32 : i);
        }
    }

    private ByteOps() {
    }

    static byte fold(final byte b) {
        return LOWER[b & 0xFF];
    }

    static byte[] lower(final byte[] src) {
        final byte[] out = new byte[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = fold(src[i]);
        }
        return out;
    }

    /** True when {@code b[off, off+len)} equals the needle; {@code ci} folds the haystack (needle pre-folded). */
    static boolean equalsAt(final byte[] b, final int off, final byte[] needle, final boolean ci) {
        final int n = needle.length;
        if (ci) {
            for (int i = 0; i < n; i++) {
                if (LOWER[b[off + i] & 0xFF] != needle[i]) {
                    return false;
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (b[off + i] != needle[i]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Index of the needle in {@code b[off, off+len)} or -1. */
    static int indexOf(final byte[] b, final int off, final int len, final byte[] needle, final boolean ci) {
        final int n = needle.length;
        if (n == 0) {
            return off;
        }
        final byte first = needle[0];
        for (int i = off, last = off + len - n; i <= last; i++) {
            final byte c = ci ? LOWER[b[i] & 0xFF] : b[i];
            if (c == first && equalsAt(b, i + 1, needle, 1, n, ci)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean equalsAt(final byte[] b, final int off, final byte[] needle, final int from, final int to,
                                    final boolean ci) {
        for (int i = from, j = off; i < to; i++, j++) {
            final byte c = ci ? LOWER[b[j] & 0xFF] : b[j];
            if (c != needle[i]) {
                return false;
            }
        }
        return true;
    }

    /** Offset after the UTF-8 code point starting at {@code i} (one byte for invalid sequences). */
    static int nextCodePoint(final byte[] b, final int i, final int end) {
        int j = i + 1;
        if ((b[i] & 0x80) != 0) {
            while (j < end && (b[j] & 0xC0) == 0x80) {
                j++;
            }
        }
        return j;
    }

    /**
     * Sigma wildcard match of the whole value: units are bytes (pre-folded when {@code ci}), {@link #STAR} or
     * {@link #QMARK} ({@code ?} = one UTF-8 code point). Greedy with single backtrack point: O(n*m) worst case.
     */
    static boolean glob(final int[] units, final byte[] b, final int off, final int len, final boolean ci) {
        final int end = off + len;
        final int plen = units.length;
        int p = 0;
        int s = off;
        int starP = -1;
        int starS = 0;
        while (s < end) {
            final int u = p < plen ? units[p] : Integer.MIN_VALUE;
            if (u == QMARK) {
                s = nextCodePoint(b, s, end);
                p++;
            } else if (u >= 0 && (ci ? LOWER[b[s] & 0xFF] : b[s]) == (byte) u) {
                s++;
                p++;
            } else if (u == STAR) {
                starP = p++;
                starS = s;
            } else if (starP >= 0) {
                p = starP + 1;
                starS = nextCodePoint(b, starS, end);
                s = starS;
            } else {
                return false;
            }
        }
        while (p < plen && units[p] == STAR) {
            p++;
        }
        return p == plen;
    }

    /**
     * Parses a decimal number ({@code -12}, {@code 3.25}, {@code +1e3}) from bytes without allocation; NaN when the
     * bytes are not a number. Used for both rule thresholds and field values so both sides round the same way.
     */
    public static double parseNumber(final byte[] b, final int off, final int len) {
        int i = off;
        final int end = off + len;
        while (i < end && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        int e = end;
        while (e > i && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
            e--;
        }
        if (i >= e) {
            return Double.NaN;
        }
        boolean negative = false;
        if (b[i] == '-' || b[i] == '+') {
            negative = b[i] == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int scale = 0;
        boolean dot = false;
        int significant = 0;
        for (; i < e; i++) {
            final byte c = b[i];
            if (c >= '0' && c <= '9') {
                digits++;
                if (significant < 18) {
                    mantissa = mantissa * 10 + (c - '0');
                    if (mantissa != 0) {
                        significant++;
                    }
                    if (dot) {
                        scale--;
                    }
                } else if (!dot) {
                    scale++;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        if (i < e) {
            if (b[i] != 'e' && b[i] != 'E') {
                return Double.NaN;
            }
            i++;
            boolean expNeg = false;
            if (i < e && (b[i] == '-' || b[i] == '+')) {
                expNeg = b[i] == '-';
                i++;
            }
            int exp = 0;
            int expDigits = 0;
            for (; i < e; i++) {
                final byte c = b[i];
                if (c < '0' || c > '9' || exp > 400) {
                    return Double.NaN;
                }
                exp = exp * 10 + (c - '0');
                expDigits++;
            }
            if (expDigits == 0) {
                return Double.NaN;
            }
            scale += expNeg ? -exp : exp;
        }
        double v = mantissa;
        if (scale > 0) {
            v *= pow10(scale);
        } else if (scale < 0) {
            v /= pow10(-scale);
        }
        return negative ? -v : v;
    }

    private static double pow10(final int n) {
        if (n > 330) {
            return Double.POSITIVE_INFINITY;
        }
        double r = 1;
        for (int i = 0; i < n; i++) {
            r *= 10;
        }
        return r;
    }

    /**
     * Parses an IPv4 or IPv6 address from bytes into {@code out[0]} (high 64 bits) and {@code out[1]} (low 64 bits);
     * IPv4 and IPv4-mapped IPv6 give {@code out[1] = 0xFFFF_xxxx_xxxx}. Returns 4, 6, or 0 when not an address.
     * {@code g} is scratch of at least 10 ints.
     */
    static int parseIp(final byte[] b, final int off, final int len, final long[] out, final int[] g) {
        int end = off + len;
        int start = off;
        while (start < end && b[start] == ' ') {
            start++;
        }
        while (end > start && b[end - 1] == ' ') {
            end--;
        }
        if (start >= end) {
            return 0;
        }
        boolean colon = false;
        for (int i = start; i < end; i++) {
            if (b[i] == ':') {
                colon = true;
                break;
            }
        }
        if (!colon) {
            final long v4 = parseV4(b, start, end);
            if (v4 < 0) {
                return 0;
            }
            out[0] = 0;
            out[1] = 0xFFFF_0000_0000L | v4;
            return 4;
        }
        return parseV6(b, start, end, out, g);
    }

    /** Dotted quad to an unsigned 32-bit value, or -1. */
    static long parseV4(final byte[] b, final int start, final int end) {
        long v = 0;
        int parts = 0;
        int i = start;
        while (i <= end) {
            int octet = 0;
            int d = 0;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                octet = octet * 10 + (b[i] - '0');
                d++;
                i++;
                if (d > 3) {
                    return -1;
                }
            }
            if (d == 0 || octet > 255) {
                return -1;
            }
            v = (v << 8) | octet;
            parts++;
            if (i == end) {
                break;
            }
            if (b[i] != '.' || parts == 4) {
                return -1;
            }
            i++;
        }
        return parts == 4 ? v : -1;
    }

    private static int parseV6(final byte[] b, final int start, final int end, final long[] out, final int[] g) {
        // RFC 4291 section 2.2 text forms: x:x:x:x:x:x:x:x, "::" compression, trailing dotted IPv4.
        long hi = 0;
        long lo = 0;
        int count = 0;
        int gapAt = -1;
        int i = start;
        if (end - start >= 2 && b[start] == ':' && b[start + 1] == ':') {
            gapAt = 0;
            i = start + 2;
            if (i == end) {
                out[0] = 0;
                out[1] = 0;
                return 6;
            }
        } else if (b[start] == ':') {
            return 0;
        }
        while (i < end) {
            // a trailing IPv4 part takes two groups
            int j = i;
            boolean hasDot = false;
            while (j < end && b[j] != ':') {
                if (b[j] == '.') {
                    hasDot = true;
                }
                j++;
            }
            if (hasDot) {
                if (j != end || count > 6) {
                    return 0;
                }
                final long v4 = parseV4(b, i, end);
                if (v4 < 0) {
                    return 0;
                }
                g[count++] = (int) (v4 >>> 16);
                g[count++] = (int) (v4 & 0xFFFF);
                i = end;
                break;
            }
            final int n = j - i;
            if (n == 0 || n > 4 || count == 8) {
                return 0;
            }
            int v = 0;
            for (int k = i; k < j; k++) {
                final int h = hex(b[k]);
                if (h < 0) {
                    return 0;
                }
                v = (v << 4) | h;
            }
            g[count++] = v;
            if (j == end) {
                i = end;
                break;
            }
            // b[j] == ':'
            if (j + 1 < end && b[j + 1] == ':') {
                if (gapAt >= 0) {
                    return 0;
                }
                gapAt = count;
                i = j + 2;
            } else {
                if (j + 1 == end) {
                    return 0;
                }
                i = j + 1;
            }
        }
        if ((gapAt < 0 && count != 8) || (gapAt >= 0 && count > 7)) {
            return 0;
        }
        final int fill = 8 - count;
        int idx = 0;
        for (int k = 0; k < 8; k++) {
            final int v;
            if (gapAt >= 0 && k >= gapAt && k < gapAt + fill) {
                v = 0;
            } else {
                v = g[idx++];
            }
            if (k < 4) {
                hi = (hi << 16) | v;
            } else {
                lo = (lo << 16) | v;
            }
        }
        out[0] = hi;
        out[1] = lo;
        return hi == 0 && (lo >>> 32) == 0xFFFF ? 4 : 6;
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
}
