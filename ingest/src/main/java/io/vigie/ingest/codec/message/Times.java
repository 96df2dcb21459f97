package io.vigie.ingest.codec.message;

/**
 * Allocation-free parsing of the timestamps found inside messages (access-log {@code [10/Oct/2000:13:55:36 -0700]},
 * ISO 8601, auditd {@code 1600000000.123}), to epoch nanoseconds. Returns {@link #NONE} for anything malformed.
 */
final class Times {
    static final long NONE = Long.MIN_VALUE;
    private static final long NANOS = 1_000_000_000L;

    private Times() {
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long daysFromCivil(final int year, final int month, final int day) {
        final int y = month <= 2 ? year - 1 : year;
        final int era = (y >= 0 ? y : y - 399) / 400;
        final int yoe = y - era * 400;
        final int mp = (month + 9) % 12;
        final int doy = (153 * mp + 2) / 5 + day - 1;
        final int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return (long) era * 146097 + doe - 719468;
    }

    /** Month 1..12 of an English three-letter abbreviation at {@code off}, or 0. */
    static int month(final byte[] b, final int off, final int end) {
        if (end - off < 3) {
            return 0;
        }
        final int c0 = b[off] | 0x20;
        final int c1 = b[off + 1] | 0x20;
        final int c2 = b[off + 2] | 0x20;
        final int key = c0 << 16 | c1 << 8 | c2;
        switch (key) {
            case 'j' << 16 | 'a' << 8 | 'n': return 1;
            case 'f' << 16 | 'e' << 8 | 'b': return 2;
            case 'm' << 16 | 'a' << 8 | 'r': return 3;
            case 'a' << 16 | 'p' << 8 | 'r': return 4;
            case 'm' << 16 | 'a' << 8 | 'y': return 5;
            case 'j' << 16 | 'u' << 8 | 'n': return 6;
            case 'j' << 16 | 'u' << 8 | 'l': return 7;
            case 'a' << 16 | 'u' << 8 | 'g': return 8;
            case 's' << 16 | 'e' << 8 | 'p': return 9;
            case 'o' << 16 | 'c' << 8 | 't': return 10;
            case 'n' << 16 | 'o' << 8 | 'v': return 11;
            case 'd' << 16 | 'e' << 8 | 'c': return 12;
            default: return 0;
        }
    }

    private static int num(final byte[] b, final int off, final int len) {
        int v = 0;
        for (int i = off; i < off + len; i++) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static long civil(final int year, final int month, final int day, final int h, final int m, final int s) {
        if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 || h < 0 || h > 23
            || m < 0 || m > 59 || s < 0 || s > 60) {
            return NONE;
        }
        return ((daysFromCivil(year, month, day) * 24 + h) * 60 + m) * 60 + s;
    }

    /** {@code dd/Mmm/yyyy:HH:MM:SS +zzzz} (Apache/nginx %t without brackets); {@link #NONE} when malformed. */
    static long httpDate(final byte[] b, final int off, final int end) {
        if (end - off < 20) {
            return NONE;
        }
        final int day = num(b, off, 2);
        final int mon = month(b, off + 3, end);
        final int year = num(b, off + 7, 4);
        if (b[off + 2] != '/' || b[off + 6] != '/' || b[off + 11] != ':') {
            return NONE;
        }
        final int h = num(b, off + 12, 2);
        final int m = num(b, off + 15, 2);
        final int s = num(b, off + 18, 2);
        long secs = civil(year, mon, day, h, m, s);
        if (secs == NONE) {
            return NONE;
        }
        final int i = off + 20;
        if (i + 5 <= end && b[i] == ' ' && (b[i + 1] == '+' || b[i + 1] == '-')) {
            final int zh = num(b, i + 2, 2);
            final int zm = num(b, i + 4, 2);
            if (zh >= 0 && zm >= 0) {
                final int z = (zh * 60 + zm) * 60;
                secs += b[i + 1] == '+' ? -z : z;
            }
        }
        return secs * NANOS;
    }

    /**
     * ISO 8601 / RFC 3339 {@code yyyy-mm-ddTHH:MM:SS[.fff][Z|+hh:mm]} (also a space instead of T; no zone = UTC).
     */
    static long iso8601(final byte[] b, final int off, final int end) {
        if (end - off < 19 || b[off + 4] != '-' || b[off + 7] != '-' || b[off + 13] != ':' || b[off + 16] != ':') {
            return NONE;
        }
        final long secs = civil(num(b, off, 4), num(b, off + 5, 2), num(b, off + 8, 2), num(b, off + 11, 2),
            num(b, off + 14, 2), num(b, off + 17, 2));
        if (secs == NONE) {
            return NONE;
        }
        int i = off + 19;
        long frac = 0;
        if (i < end && (b[i] == '.' || b[i] == ',')) {
            i++;
            long scale = 100_000_000L;
            while (i < end && Bytes.isDigit(b[i])) {
                frac += (b[i] - '0') * scale;
                scale /= 10;
                i++;
            }
        }
        long zone = 0;
        if (i + 6 <= end && (b[i] == '+' || b[i] == '-') && b[i + 3] == ':') {
            final int zh = num(b, i + 1, 2);
            final int zm = num(b, i + 4, 2);
            if (zh >= 0 && zm >= 0) {
                zone = (zh * 60L + zm) * 60 * (b[i] == '+' ? -1 : 1);
            }
        }
        return (secs + zone) * NANOS + frac;
    }

    /** Epoch seconds with optional fraction ({@code 1600000000.123}); {@link #NONE} when malformed. */
    static long epochSeconds(final byte[] b, final int off, final int end) {
        final int dot = Bytes.indexOf(b, off, end, (byte) '.');
        final int secEnd = dot < 0 ? end : dot;
        final long secs = Bytes.parseLong(b, off, secEnd, NONE);
        if (secs == NONE || secs < 0 || secs > 253_402_300_799L) {
            return NONE;
        }
        long frac = 0;
        if (dot >= 0) {
            long scale = 100_000_000L;
            for (int i = dot + 1; i < end && scale > 0; i++) {
                if (!Bytes.isDigit(b[i])) {
                    return NONE;
                }
                frac += (b[i] - '0') * scale;
                scale /= 10;
            }
        }
        return secs * NANOS + frac;
    }

    /** Epoch in seconds, milliseconds, microseconds or nanoseconds, chosen by digit count (10/13/16/19). */
    static long epochAuto(final byte[] b, final int off, final int end) {
        final long v = Bytes.parseLong(b, off, end, NONE);
        if (v == NONE || v < 0) {
            return NONE;
        }
        switch (end - off) {
            case 10: return v * NANOS;
            case 13: return v * 1_000_000L;
            case 16: return v * 1_000L;
            case 19: return v;
            default: return NONE;
        }
    }
}
