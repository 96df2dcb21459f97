package io.vigie.ingest.codec.json;

/**
 * Allocation-free parsing of RFC 3339 timestamps ({@code 2024-05-01T12:34:56.789Z}, {@code ...+02:00}) and the civil
 * calendar arithmetic the text decoders share. Stateless; safe from any thread.
 */
public final class Rfc3339 {
    /** Returned when the text is not a valid timestamp. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Rfc3339() {
    }

    /**
     * Parses {@code b[offset, offset + length)} as an RFC 3339 date-time (section 5.6: {@code T} or {@code t} or a
     * space between date and time, fraction of 1 to 9 digits, {@code Z} or a numeric offset required).
     *
     * @return epoch nanoseconds, or {@link #INVALID}
     */
    public static long parseNanos(final byte[] b, final int offset, final int length) {
        final int end = offset + length;
        // yyyy-MM-ddTHH:mm:ss is 19 bytes, plus at least "Z".
        if (length < 20) {
            return INVALID;
        }
        final int year = digits(b, offset, 4);
        final int month = digits(b, offset + 5, 2);
        final int day = digits(b, offset + 8, 2);
        final int hour = digits(b, offset + 11, 2);
        final int minute = digits(b, offset + 14, 2);
        final int second = digits(b, offset + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23
            || minute > 59 || second > 60 || hour < 0 || minute < 0 || second < 0
            || b[offset + 4] != '-' || b[offset + 7] != '-' || b[offset + 13] != ':' || b[offset + 16] != ':') {
            return INVALID;
        }
        final byte t = b[offset + 10];
        if (t != 'T' && t != 't' && t != ' ') {
            return INVALID;
        }
        int p = offset + 19;
        long nanos = 0;
        if (b[p] == '.') {
            p++;
            final int start = p;
            long scale = 100_000_000L;
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                if (p - start < 9) {
                    nanos += (b[p] - '0') * scale;
                    scale /= 10;
                }
                p++;
            }
            if (p == start) {
                return INVALID;
            }
        }
        if (p >= end) {
            return INVALID;
        }
        final int offsetSeconds;
        final byte z = b[p];
        if ((z == 'Z' || z == 'z') && p + 1 == end) {
            offsetSeconds = 0;
        } else if ((z == '+' || z == '-') && p + 6 == end && b[p + 3] == ':') {
            final int oh = digits(b, p + 1, 2);
            final int om = digits(b, p + 4, 2);
            if (oh < 0 || om < 0 || oh > 23 || om > 59) {
                return INVALID;
            }
            offsetSeconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        } else {
            return INVALID;
        }
        final long epochSeconds = epochSeconds(year, month, day, hour, minute, Math.min(second, 59)) - offsetSeconds;
        return epochSeconds * NANOS_PER_SECOND + nanos;
    }

    /** Epoch seconds of a UTC civil date-time (proleptic Gregorian), no range check. */
    public static long epochSeconds(final int year, final int month, final int day, final int hour, final int minute,
                                    final int second) {
        return daysFromCivil(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second;
    }

    /** Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
    public static long daysFromCivil(final int year, final int month, final int day) {
        final int y = month <= 2 ? year - 1 : year;
        final int era = Math.floorDiv(y, 400);
        final int yoe = y - era * 400;
        final int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        final int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097L + doe - 719_468L;
    }

    /** The civil year of an epoch day. */
    public static int yearOfEpochDay(final long epochDay) {
        final long z = epochDay + 719_468L;
        final long era = Math.floorDiv(z, 146_097L);
        final long doe = z - era * 146_097L;
        final long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        final long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        final long mp = (5 * doy + 2) / 153;
        final long month = mp < 10 ? mp + 3 : mp - 9;
        return (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
    }

    /** Number of days of a month (1-12) in a year. */
    public static int daysInMonth(final int year, final int month) {
        switch (month) {
            case 2:
                return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** Parses exactly {@code n} ASCII digits; -1 when any is not a digit. */
    public static int digits(final byte[] b, final int offset, final int n) {
        int v = 0;
        for (int i = offset; i < offset + n; i++) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
