package io.vigie.ingest.codec.cef;

import io.vigie.ingest.codec.json.Rfc3339;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Arrays;

/**
 * Parses CEF time values ({@code rt}, {@code start}, {@code end}, {@code deviceCustomDate1}...) into epoch nanos:
 * epoch milliseconds, {@code MMM dd [yyyy] HH:mm:ss[.SSS] [zone]} (CEF Implementation Standard, "Date Formats"), or
 * RFC 3339. Zone names are resolved once and cached (at most {@link #MAX_ZONES}); the offset of a named zone is
 * cached per DST period, so steady-state parsing allocates nothing.
 *
 * <p>Confined to its decoder's thread.
 */
final class CefTime {
    /** Returned when a value is not a time. */
    static final long INVALID = Long.MIN_VALUE;
    /** Zone index meaning UTC. */
    static final int UTC = -1;
    /** Zone index meaning "unknown zone": times in it are not used. */
    static final int BAD_ZONE = -2;

    private static final int MAX_ZONES = 32;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long SECONDS_THRESHOLD = 100_000_000_000L;
    private static final byte[] MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec".getBytes(StandardCharsets.US_ASCII);

    private final ZoneId defaultZone;
    private final int defaultZoneIndex;
    private final byte[][] zoneNames = new byte[MAX_ZONES][];
    private final ZoneRules[] zoneRules = new ZoneRules[MAX_ZONES];
    private final long[] windowFrom = new long[MAX_ZONES];
    private final long[] windowTo = new long[MAX_ZONES];
    private final int[] windowOffset = new int[MAX_ZONES];
    private int zones;

    CefTime(final ZoneId defaultZone) {
        this.defaultZone = defaultZone;
        if (defaultZone.getRules().isFixedOffset()
            && defaultZone.getRules().getOffset(Instant.EPOCH).getTotalSeconds() == 0) {
            defaultZoneIndex = UTC;
        } else {
            final byte[] id = defaultZone.getId().getBytes(StandardCharsets.UTF_8);
            defaultZoneIndex = zone(id, 0, id.length);
        }
    }

    /** The zone index of the decoder's default zone (used when neither the value nor {@code dtz} names one). */
    int defaultZone() {
        return defaultZoneIndex;
    }

    /**
     * Resolves a zone name (an id such as {@code Europe/Moscow}, a short id such as {@code EST}, {@code UTC},
     * {@code GMT+08:00}, {@code +0800}) to a cache index, {@link #UTC}, or {@link #BAD_ZONE}.
     */
    int zone(final byte[] b, final int offset, final int length) {
        if (length == 0 || length > 64) {
            return BAD_ZONE;
        }
        final int fixed = fixedOffsetSeconds(b, offset, length);
        if (fixed == 0) {
            return UTC;
        }
        for (int i = 0; i < zones; i++) {
            final byte[] n = zoneNames[i];
            if (n.length == length && Arrays.equals(n, 0, length, b, offset, offset + length)) {
                return zoneRules[i] == null ? BAD_ZONE : i;
            }
        }
        if (zones == MAX_ZONES) {
            return BAD_ZONE;
        }
        // First sight of this name: resolve it once (allocates), then cache it, valid or not.
        ZoneRules rules = null;
        if (fixed != Integer.MIN_VALUE) {
            rules = ZoneOffset.ofTotalSeconds(fixed).getRules();
        } else {
            try {
                rules = ZoneId.of(new String(b, offset, length, StandardCharsets.US_ASCII), ZoneId.SHORT_IDS)
                    .getRules();
            } catch (DateTimeException e) {
                rules = null;
            }
        }
        final int i = zones++;
        zoneNames[i] = Arrays.copyOfRange(b, offset, offset + length);
        zoneRules[i] = rules;
        windowFrom[i] = Long.MAX_VALUE;
        windowTo[i] = Long.MIN_VALUE;
        return rules == null ? BAD_ZONE : i;
    }

    /** Offset in seconds of {@code UTC}, {@code GMT}, {@code Z}, optionally followed by a signed hh[:mm]; or MIN. */
    private static int fixedOffsetSeconds(final byte[] b, final int offset, final int length) {
        int p = offset;
        final int end = offset + length;
        if (length == 1 && (b[p] == 'Z' || b[p] == 'z')) {
            return 0;
        }
        if (length >= 3 && ((b[p] == 'U' && b[p + 1] == 'T' && b[p + 2] == 'C')
            || (b[p] == 'G' && b[p + 1] == 'M' && b[p + 2] == 'T'))) {
            p += 3;
            if (p == end) {
                return 0;
            }
        }
        if (b[p] != '+' && b[p] != '-') {
            return Integer.MIN_VALUE;
        }
        final int sign = b[p] == '-' ? -1 : 1;
        p++;
        final int n = end - p;
        final int h;
        int m = 0;
        if (n == 2 || n == 1) {
            h = Rfc3339.digits(b, p, n);
        } else if (n == 4) {
            h = Rfc3339.digits(b, p, 2);
            m = Rfc3339.digits(b, p + 2, 2);
        } else if (n == 5 && b[p + 2] == ':') {
            h = Rfc3339.digits(b, p, 2);
            m = Rfc3339.digits(b, p + 3, 2);
        } else {
            return Integer.MIN_VALUE;
        }
        if (h < 0 || m < 0 || h > 18 || m > 59) {
            return Integer.MIN_VALUE;
        }
        final int total = sign * (h * 3600 + m * 60);
        // A non-zero fixed offset is cached like a named zone; zero is plain UTC.
        return total == 0 ? 0 : total;
    }

    /**
     * Parses a CEF time value.
     *
     * @param zone          zone index for values without a zone ({@link #UTC}, a cache index or {@link #BAD_ZONE})
     * @param receivedNanos receive time, epoch nanos (supplies the year when the value has none)
     * @return epoch nanos, or {@link #INVALID}
     */
    long parse(final byte[] b, final int offset, final int length, final int zone, final long receivedNanos) {
        if (length <= 0) {
            return INVALID;
        }
        final byte c = b[offset];
        if (c >= '0' && c <= '9') {
            if (length >= 20 && b[offset + 4] == '-') {
                final long t = Rfc3339.parseNanos(b, offset, length);
                return t == Rfc3339.INVALID ? INVALID : t;
            }
            return epochNumber(b, offset, length);
        }
        return parseMonthForm(b, offset, offset + length, zone, receivedNanos);
    }

    private static long epochNumber(final byte[] b, final int offset, final int length) {
        if (length > 16) {
            return INVALID;
        }
        long v = 0;
        for (int i = offset; i < offset + length; i++) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return INVALID;
            }
            v = v * 10 + d;
        }
        // CEF says epoch milliseconds; some devices send seconds (up to 11 digits is before 1973 as millis).
        return v < SECONDS_THRESHOLD ? v * 1_000_000_000L : v * NANOS_PER_MILLI;
    }

    private long parseMonthForm(final byte[] b, final int offset, final int end, final int zone,
                                final long receivedNanos) {
        int p = offset;
        if (end - p < 3) {
            return INVALID;
        }
        final int month = month(b, p);
        if (month < 0) {
            return INVALID;
        }
        p = skipSpaces(b, p + 3, end);
        int q = digitsEnd(b, p, end);
        if (q - p < 1 || q - p > 2) {
            return INVALID;
        }
        final int day = Rfc3339.digits(b, p, q - p);
        p = skipSpaces(b, q, end);
        q = digitsEnd(b, p, end);
        int year = -1;
        if (q - p == 4) {
            year = Rfc3339.digits(b, p, 4);
            p = skipSpaces(b, q, end);
            q = digitsEnd(b, p, end);
        }
        // HH:mm:ss
        if (q - p != 2 || q + 6 > end || b[q] != ':' || b[q + 3] != ':') {
            return INVALID;
        }
        final int hour = Rfc3339.digits(b, p, 2);
        final int minute = Rfc3339.digits(b, q + 1, 2);
        final int second = Rfc3339.digits(b, q + 4, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
            return INVALID;
        }
        p = q + 6;
        long nanos = 0;
        if (p < end && b[p] == '.') {
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
        int zoneIndex = zone;
        final int zs = skipSpaces(b, p, end);
        if (zs < end) {
            if (zs == p) {
                return INVALID;
            }
            zoneIndex = zone(b, zs, end - zs);
        }
        if (zoneIndex == BAD_ZONE) {
            return INVALID;
        }
        if (year < 0) {
            year = inferYear(month, day, receivedNanos);
        }
        if (day < 1 || day > Rfc3339.daysInMonth(year, month)) {
            return INVALID;
        }
        final long local = Rfc3339.epochSeconds(year, month, day, hour, minute, Math.min(second, 59));
        final long epochSeconds = zoneIndex == UTC ? local : local - localOffset(zoneIndex, local);
        return epochSeconds * 1_000_000_000L + nanos;
    }

    /** The year of the receive time, or the previous one when the date would be more than a day in the future. */
    private static int inferYear(final int month, final int day, final long receivedNanos) {
        final long receivedSeconds = Math.floorDiv(receivedNanos, 1_000_000_000L);
        final int year = Rfc3339.yearOfEpochDay(Math.floorDiv(receivedSeconds, 86_400L));
        final long candidate = Rfc3339.epochSeconds(year, month, Math.min(day, 28), 0, 0, 0);
        return candidate > receivedSeconds + 86_400L * 2 ? year - 1 : year;
    }

    /** Offset of a zone at a local date-time given as "epoch seconds as if UTC" (two-pass, DST gaps resolved late). */
    private int localOffset(final int zone, final long localSeconds) {
        final int first = offsetAt(zone, localSeconds);
        return offsetAt(zone, localSeconds - first);
    }

    private int offsetAt(final int zone, final long epochSeconds) {
        if (epochSeconds >= windowFrom[zone] && epochSeconds < windowTo[zone]) {
            return windowOffset[zone];
        }
        // Cache miss: once per zone per DST period (allocates an Instant and the transitions).
        final ZoneRules rules = zoneRules[zone];
        final Instant instant = Instant.ofEpochSecond(epochSeconds);
        final int offset = rules.getOffset(instant).getTotalSeconds();
        final ZoneOffsetTransition previous = rules.previousTransition(instant.plusSeconds(1));
        final ZoneOffsetTransition next = rules.nextTransition(instant);
        windowFrom[zone] = previous == null ? Long.MIN_VALUE : previous.toEpochSecond();
        windowTo[zone] = next == null ? Long.MAX_VALUE : next.toEpochSecond();
        windowOffset[zone] = offset;
        return offset;
    }

    private static int month(final byte[] b, final int p) {
        final int c0 = b[p] | 0x20;
        final int c1 = b[p + 1] | 0x20;
        final int c2 = b[p + 2] | 0x20;
        for (int m = 0; m < 12; m++) {
            if (MONTHS[m * 3] == c0 && MONTHS[m * 3 + 1] == c1 && MONTHS[m * 3 + 2] == c2) {
                return m + 1;
            }
        }
        return -1;
    }

    private static int skipSpaces(final byte[] b, final int p, final int end) {
        int i = p;
        while (i < end && b[i] == ' ') {
            i++;
        }
        return i;
    }

    private static int digitsEnd(final byte[] b, final int p, final int end) {
        int i = p;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    ZoneId defaultZoneId() {
        return defaultZone;
    }
}
