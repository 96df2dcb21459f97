package io.vigie.ingest.codec.message;

import io.vigie.engine.ring.TelemetryEvent;

import java.nio.charset.StandardCharsets;

/**
 * Byte-range scanning helpers shared by the message decoders. Ranges are {@code [off, end)} over a frame's bytes.
 * Allocation-free; every method tolerates empty or truncated ranges (returns -1 or false, never throws).
 */
final class Bytes {
    private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
        long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private Bytes() {
    }

    /** ASCII bytes of a constant (class initialisation only). */
    static byte[] a(final String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static int indexOf(final byte[] b, final int from, final int end, final byte c) {
        int i = Math.max(from, 0);
        final int stop = Math.min(end, b.length);
        // Eight bytes per step (SWAR): a byte equal to c becomes zero after the XOR, and the classic
        // (x - 0x01..) & ~x & 0x80.. test flags zero bytes; the lowest flag is the first match (little-endian reads).
        final long pattern = (c & 0xFFL) * ONES;
        for (; i + Long.BYTES <= stop; i += Long.BYTES) {
            final long x = (long) LONG.get(b, i) ^ pattern;
            final long t = (x - ONES) & ~x & HIGHS;
            if (t != 0) {
                return i + (Long.numberOfTrailingZeros(t) >>> 3);
            }
        }
        for (; i < stop; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    static int lastIndexOf(final byte[] b, final int from, final int end, final byte c) {
        for (int i = end - 1; i >= from; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** First index of {@code needle} in {@code [from, end)}, or -1. */
    static int indexOf(final byte[] b, final int from, final int end, final byte[] needle) {
        final int n = needle.length;
        if (n == 0) {
            return from;
        }
        final byte first = needle[0];
        final int last = end - n;
        for (int i = indexOf(b, from, last + 1, first); i >= 0; i = indexOf(b, i + 1, last + 1, first)) {
            if (regionMatches(b, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    /** Last index of {@code needle} in {@code [from, end)}, or -1. */
    static int lastIndexOf(final byte[] b, final int from, final int end, final byte[] needle) {
        for (int i = end - needle.length; i >= from; i--) {
            if (regionMatches(b, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    /** True when {@code b[at..]} starts with {@code p}; the caller guarantees the bound or checks it here. */
    static boolean regionMatches(final byte[] b, final int at, final byte[] p) {
        if (at < 0 || at + p.length > b.length) {
            return false;
        }
        for (int j = 0; j < p.length; j++) {
            if (b[at + j] != p[j]) {
                return false;
            }
        }
        return true;
    }

    static boolean startsWith(final byte[] b, final int off, final int end, final byte[] p) {
        return end - off >= p.length && regionMatches(b, off, p);
    }

    static boolean equals(final byte[] b, final int off, final int end, final byte[] p) {
        return end - off == p.length && regionMatches(b, off, p);
    }

    static boolean equalsIgnoreCase(final byte[] b, final int off, final int end, final byte[] lowerP) {
        if (end - off != lowerP.length) {
            return false;
        }
        for (int j = 0; j < lowerP.length; j++) {
            if (lower(b[off + j]) != lowerP[j]) {
                return false;
            }
        }
        return true;
    }

    static boolean endsWith(final byte[] b, final int off, final int end, final byte[] p) {
        return end - off >= p.length && regionMatches(b, end - p.length, p);
    }

    static byte lower(final byte c) {
        return c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
    }

    static int skipSpaces(final byte[] b, final int from, final int end) {
        int i = from;
        while (i < end && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** End (exclusive) of the run of non-space bytes starting at {@code from}. */
    static int tokenEnd(final byte[] b, final int from, final int end) {
        int i = from;
        while (i < end && b[i] != ' ' && b[i] != '\t') {
            i++;
        }
        return i;
    }

    static int trimEnd(final byte[] b, final int from, final int end) {
        int e = end;
        while (e > from && (b[e - 1] == ' ' || b[e - 1] == '\t' || b[e - 1] == '\r' || b[e - 1] == '\n')) {
            e--;
        }
        return e;
    }

    static boolean isDigit(final byte c) {
        return c >= '0' && c <= '9';
    }

    static boolean isHex(final byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static int hexValue(final byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c - 'A' + 10;
    }

    static int digitsEnd(final byte[] b, final int from, final int end) {
        int i = from;
        while (i < end && isDigit(b[i])) {
            i++;
        }
        return i;
    }

    /** Decimal value of {@code [off, end)}, or {@code missing} when empty, not all digits or too long. */
    static long parseLong(final byte[] b, final int off, final int end, final long missing) {
        return TelemetryEvent.parseLong(b, off, end - off, missing);
    }

    /** True when {@code [off, end)} is a dotted-quad IPv4 address with octets 0..255. */
    static boolean isIpv4(final byte[] b, final int off, final int end) {
        int i = off;
        for (int part = 0; part < 4; part++) {
            final int s = i;
            int v = 0;
            while (i < end && isDigit(b[i]) && i - s < 3) {
                v = v * 10 + b[i] - '0';
                i++;
            }
            if (i == s || v > 255) {
                return false;
            }
            if (part < 3) {
                if (i >= end || b[i] != '.') {
                    return false;
                }
                i++;
            }
        }
        return i == end;
    }

    /** True when {@code [off, end)} is an IPv6 address (hex groups, one {@code ::}, optional IPv4 tail, zone). */
    static boolean isIpv6(final byte[] b, final int off, final int end) {
        int e = end;
        final int pct = indexOf(b, off, end, (byte) '%');
        if (pct >= 0) {
            e = pct;
        }
        if (e - off < 2 || e - off > 45) {
            return false;
        }
        int groups = 0;
        boolean compressed = false;
        int i = off;
        if (b[i] == ':') {
            if (b[i + 1] != ':') {
                return false;
            }
            compressed = true;
            i += 2;
            if (i == e) {
                return true;
            }
        }
        while (i < e) {
            final int s = i;
            while (i < e && isHex(b[i]) && i - s < 4) {
                i++;
            }
            if (i < e && b[i] == '.') {
                // IPv4 tail, counts as two groups
                if (!isIpv4(b, s, e)) {
                    return false;
                }
                groups += 2;
                i = e;
                break;
            }
            if (i == s) {
                return false;
            }
            groups++;
            if (i == e) {
                break;
            }
            if (b[i] != ':') {
                return false;
            }
            i++;
            if (i < e && b[i] == ':') {
                if (compressed) {
                    return false;
                }
                compressed = true;
                i++;
                if (i == e) {
                    break;
                }
            } else if (i == e) {
                return false;
            }
        }
        return compressed ? groups < 8 : groups == 8;
    }

    static boolean isIp(final byte[] b, final int off, final int end) {
        return end > off && (isIpv4(b, off, end) || isIpv6(b, off, end));
    }

    /** Adds a field with value {@code [off, end)} when non-empty. */
    static void put(final TelemetryEvent e, final int id, final byte[] b, final int off, final int end) {
        if (end > off) {
            e.addField(id, b, off, end - off);
        }
    }

    /** Adds an IP field when {@code [off, end)} is an IP address, else a domain field when given (id >= 0). */
    static boolean putIp(final TelemetryEvent e, final int ipId, final int domainId, final byte[] b, final int off,
                         final int end) {
        if (isIp(b, off, end)) {
            e.addField(ipId, b, off, end - off);
            return true;
        }
        if (domainId >= 0 && end > off) {
            e.addField(domainId, b, off, end - off);
        }
        return false;
    }

    /** Adds a numeric field when {@code [off, end)} is a decimal number. */
    static boolean putLong(final TelemetryEvent e, final int id, final byte[] b, final int off, final int end) {
        final long v = parseLong(b, off, end, Long.MIN_VALUE);
        if (v == Long.MIN_VALUE) {
            return false;
        }
        e.addField(id, v);
        return true;
    }

    /** Adds a field with the lower-cased value {@code [off, end)} (e.g. network.transport). */
    static void putLower(final TelemetryEvent e, final int id, final byte[] b, final int off, final int end) {
        if (end <= off) {
            return;
        }
        e.beginField(id);
        for (int i = off; i < end; i++) {
            e.appendByte(lower(b[i]));
        }
        e.endField();
    }

    /** True when the event already has a field of that id. */
    static boolean has(final TelemetryEvent e, final int id) {
        return e.indexOf(id) >= 0;
    }
}
