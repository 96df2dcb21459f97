package io.vigie.ingest.codec.syslog;

/**
 * Parses an RFC 3339 timestamp as profiled by RFC 5424 section 6.2.3 ({@code FULL-DATE "T" FULL-TIME}) into epoch
 * nanoseconds, UTC-normalised. The result is left in {@link #epochNanos} so that nothing is allocated. Confined to
 * one thread (owned by its decoder).
 */
final class Rfc3339Parser {
    /** RFC 5424 section 6.2.3: TIME-SECFRAC is 1*6DIGIT. */
    static final int RFC5424_MAX_FRACTION_DIGITS = 6;
    /** Relaxed (RFC 3164 relays): nanosecond precision. */
    static final int RELAXED_MAX_FRACTION_DIGITS = 9;

    private static final long[] FRACTION_SCALE = {
        0, 100_000_000L, 10_000_000L, 1_000_000L, 100_000L, 10_000L, 1_000L, 100L, 10L, 1L};

    /** Result of the last successful parse. */
    long epochNanos;

    private final ZoneOffsets zone;

    /** @param zone zone used when the offset is absent and {@code offsetOptional} is set, or null */
    Rfc3339Parser(final ZoneOffsets zone) {
        this.zone = zone;
    }

    /**
     * Parses a timestamp at {@code i}.
     *
     * @param maxFractionDigits {@link #RFC5424_MAX_FRACTION_DIGITS} (strict) or more (relaxed)
     * @param offsetOptional    when true a missing offset means the local zone (relaxed)
     * @return the position after the timestamp, or -1 when malformed or impossible
     */
    int parse(final byte[] b, final int i, final int end, final int maxFractionDigits,
              final boolean offsetOptional) {
        if (i + 19 > end) {
            return -1;
        }
        final int y1 = SyslogSupport.twoDigits(b, i, end);
        final int y2 = SyslogSupport.twoDigits(b, i + 2, end);
        if (y1 < 0 || y2 < 0 || b[i + 4] != '-' || b[i + 7] != '-' || b[i + 10] != 'T'
            || b[i + 13] != ':' || b[i + 16] != ':') {
            return -1;
        }
        final int year = y1 * 100 + y2;
        final int month = SyslogSupport.twoDigits(b, i + 5, end);
        final int day = SyslogSupport.twoDigits(b, i + 8, end);
        final int hour = SyslogSupport.twoDigits(b, i + 11, end);
        final int minute = SyslogSupport.twoDigits(b, i + 14, end);
        final int second = SyslogSupport.twoDigits(b, i + 17, end);
        // RFC 3339 section 5.6 ranges; year 0000 and leap seconds are refused (no civil time to map them to).
        if (year == 0 || month < 1 || month > 12 || day < 1 || day > SyslogSupport.daysInMonth(year, month)
            || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return -1;
        }
        int p = i + 19;
        long fraction = 0;
        if (p < end && b[p] == '.') {
            p++;
            final int start = p;
            while (p < end && SyslogSupport.isDigit(b[p])) {
                if (p - start >= maxFractionDigits) {
                    return -1;
                }
                fraction = fraction * 10 + (b[p] - '0');
                p++;
            }
            final int digits = p - start;
            if (digits == 0) {
                return -1;
            }
            fraction *= FRACTION_SCALE[digits];
        }
        final long local = SyslogSupport.daysFromCivil(year, month, day) * SyslogSupport.SECONDS_PER_DAY
            + hour * 3600L + minute * 60L + second;
        final long offsetSeconds;
        if (p < end && b[p] == 'Z') {
            offsetSeconds = 0;
            p++;
        } else if (p < end && (b[p] == '+' || b[p] == '-')) {
            final int oh = SyslogSupport.twoDigits(b, p + 1, end);
            final int om = SyslogSupport.twoDigits(b, p + 4, end);
            if (oh < 0 || om < 0 || b[p + 3] != ':' || oh > 23 || om > 59) {
                return -1;
            }
            final long sign = b[p] == '-' ? -1 : 1;
            offsetSeconds = sign * (oh * 3600L + om * 60L);
            p += 6;
        } else if (offsetOptional && zone != null) {
            offsetSeconds = zone.offsetOfLocal(local);
        } else {
            return -1;
        }
        final long epochSeconds = local - offsetSeconds;
        if (epochSeconds < SyslogSupport.MIN_EPOCH_SECONDS || epochSeconds > SyslogSupport.MAX_EPOCH_SECONDS) {
            return -1;
        }
        epochNanos = epochSeconds * SyslogSupport.NANOS_PER_SECOND + fraction;
        return p;
    }
}
