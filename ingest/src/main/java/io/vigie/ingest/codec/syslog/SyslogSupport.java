package io.vigie.ingest.codec.syslog;

/**
 * Byte-level helpers shared by the syslog header decoders: PRI, calendar arithmetic, UTF-8 validation. Static and
 * allocation-free.
 */
final class SyslogSupport {
    /** RFC 5424 section 6.2.1: PRIVAL is 0..191 (facility 0..23 times 8 plus severity 0..7). */
    static final int MAX_PRI = 191;
    static final long NANOS_PER_SECOND = 1_000_000_000L;
    static final long SECONDS_PER_DAY = 86_400L;
    /** Epoch seconds that still fit in a long of nanoseconds (years 1677..2262). */
    static final long MIN_EPOCH_SECONDS = Long.MIN_VALUE / NANOS_PER_SECOND + 1;
    static final long MAX_EPOCH_SECONDS = Long.MAX_VALUE / NANOS_PER_SECOND - 1;

    private static final int[] DAYS_IN_MONTH = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private SyslogSupport() {
    }

    /**
     * Parses {@code <PRIVAL>} at {@code i} (RFC 5424 section 6.2.1: 1-3 digits, 0..191, no leading zero except
     * {@code <0>}).
     *
     * @return {@code (positionAfterGreaterThan << 8) | prival}, or -1 when malformed
     */
    static int pri(final byte[] b, final int i, final int end) {
        if (i >= end || b[i] != '<') {
            return -1;
        }
        int j = i + 1;
        int value = 0;
        int digits = 0;
        while (j < end && digits <= 3) {
            final int d = b[j] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            value = value * 10 + d;
            digits++;
            j++;
        }
        if (digits == 0 || digits > 3 || j >= end || b[j] != '>') {
            return -1;
        }
        if (digits > 1 && b[i + 1] == '0') {
            return -1;
        }
        if (value > MAX_PRI) {
            return -1;
        }
        return ((j + 1) << 8) | value;
    }

    static boolean isDigit(final byte c) {
        return c >= '0' && c <= '9';
    }

    /** RFC 5424 section 6: PRINTUSASCII = %d33-126. */
    static boolean isPrintUsAscii(final byte c) {
        return c >= 33 && c <= 126;
    }

    /** Two ASCII digits at {@code i} as a number, or -1. */
    static int twoDigits(final byte[] b, final int i, final int end) {
        if (i + 2 > end) {
            return -1;
        }
        final int a = b[i] - '0';
        final int c = b[i + 1] - '0';
        if (a < 0 || a > 9 || c < 0 || c > 9) {
            return -1;
        }
        return a * 10 + c;
    }

    static boolean isLeap(final int year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    static int daysInMonth(final int year, final int month) {
        return month == 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month];
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long daysFromCivil(final int year, final int month, final int day) {
        final int y = month <= 2 ? year - 1 : year;
        final int era = (y >= 0 ? y : y - 399) / 400;
        final int yoe = y - era * 400;
        final int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        final int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097L + doe - 719_468L;
    }

    /** The Gregorian year of a day count since 1970-01-01 (inverse of {@link #daysFromCivil}). */
    static int yearOfEpochDay(final long epochDay) {
        final long z = epochDay + 719_468L;
        final long era = (z >= 0 ? z : z - 146_096L) / 146_097L;
        final long doe = z - era * 146_097L;
        final long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        final long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        final long mp = (5 * doy + 2) / 153;
        final long month = mp < 10 ? mp + 3 : mp - 9;
        final long y = yoe + era * 400;
        return (int) (month <= 2 ? y + 1 : y);
    }

    /** Floor division of epoch nanoseconds to seconds. */
    static long epochSecond(final long epochNanos) {
        return Math.floorDiv(epochNanos, NANOS_PER_SECOND);
    }

    /**
     * Validates UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
     *
     * @return true when {@code b[offset, end)} is well-formed
     */
    static boolean isValidUtf8(final byte[] b, final int offset, final int end) {
        int i = offset;
        while (i < end) {
            final int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            final int n;
            final int min;
            final int lo;
            final int hi;
            if (c >= 0xC2 && c <= 0xDF) {
                n = 1;
                lo = 0x80;
                hi = 0xBF;
            } else if (c == 0xE0) {
                n = 2;
                lo = 0xA0;
                hi = 0xBF;
            } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
                n = 2;
                lo = 0x80;
                hi = 0xBF;
            } else if (c == 0xED) {
                n = 2;
                lo = 0x80;
                hi = 0x9F;
            } else if (c == 0xF0) {
                n = 3;
                lo = 0x90;
                hi = 0xBF;
            } else if (c >= 0xF1 && c <= 0xF3) {
                n = 3;
                lo = 0x80;
                hi = 0xBF;
            } else if (c == 0xF4) {
                n = 3;
                lo = 0x80;
                hi = 0x8F;
            } else {
                return false;
            }
            min = i + 1 + n;
            if (min > end) {
                return false;
            }
            final int second = b[i + 1] & 0xFF;
            if (second < lo || second > hi) {
                return false;
            }
            for (int k = i + 2; k < min; k++) {
                final int cont = b[k] & 0xFF;
                if (cont < 0x80 || cont > 0xBF) {
                    return false;
                }
            }
            i = min;
        }
        return true;
    }

    /** True when {@code b[i, end)} starts with the ASCII bytes of {@code prefix}. */
    static boolean startsWith(final byte[] b, final int i, final int end, final byte[] prefix) {
        if (end - i < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (b[i + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
