package io.vigie.ingest.codec.syslog;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.cef.CefDecoder;
import io.vigie.ingest.codec.message.MessageDecoders;

import java.nio.charset.StandardCharsets;

/**
 * BSD syslog (RFC 3164) decoder, as real senders write it rather than as the RFC describes it:
 * <pre>
 *   [&lt;PRI&gt;] TIMESTAMP [SP HOSTNAME] SP [TAG["[" PID "]"] ":"] SP MSG
 *   TIMESTAMP = Mmm SP+ d?d SP+ [YYYY SP+] HH:MM:SS[.frac][SP YYYY][":"]   (RFC 3164 section 4.1.2, relaxed)
 *             / RFC 3339 (rsyslog, syslog-ng "ISO" templates), zone optional
 * </pre>
 * Without a year the year is inferred from the receive time ({@code event.receivedNanos}): a date more than
 * {@value #FUTURE_TOLERANCE_DAYS} days ahead of it belongs to the previous year, one more than
 * {@value #PAST_TOLERANCE_DAYS} days behind to the next. Times without a zone are in {@link DecoderSettings#timeZone}.
 * The word after the timestamp is the HOSTNAME unless it looks like a TAG ({@code prog:} or {@code prog[pid]:}).
 * Confined to one thread; no allocation per frame in the steady state.
 */
public final class Rfc3164Decoder {
    /** RFC 3164 section 4.1.3 says 32 characters for TAG; real programs go beyond, so up to 48 are accepted. */
    static final int MAX_TAG = 48;
    static final int MAX_HOSTNAME = 255;
    static final int MAX_PROCID = 128;
    static final int FUTURE_TOLERANCE_DAYS = 31;
    static final int PAST_TOLERANCE_DAYS = 334;

    private static final byte[] CEF_MAGIC = "CEF:".getBytes(StandardCharsets.US_ASCII);
    /** Month abbreviations, lower case, packed as 3 bytes. */
    private static final int[] MONTHS = new int[12];

    static {
        final String[] names = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
        for (int m = 0; m < 12; m++) {
            MONTHS[m] = names[m].charAt(0) << 16 | names[m].charAt(1) << 8 | names[m].charAt(2);
        }
    }

    private final MessageDecoders messages;
    private final CefDecoder cef;
    private final int product;
    private final ZoneOffsets zone;
    private final Rfc3339Parser iso;

    // Results of the last timestamp/tag scan (single thread).
    private long parsedNanos;
    private int tagEnd;
    private int pidStart;
    private int pidEnd;

    /** A decoder with its own CEF decoder. */
    public Rfc3164Decoder(final DecoderSettings settings, final MessageDecoders messages) {
        this(settings, messages, new CefDecoder());
    }

    /**
     * @param settings decoder settings (time zone, product)
     * @param messages message decoders run on MSG (thread-confined with this decoder)
     * @param cef      CEF decoder run when the content starts with {@code CEF:}
     */
    public Rfc3164Decoder(final DecoderSettings settings, final MessageDecoders messages, final CefDecoder cef) {
        this.messages = messages;
        this.cef = cef;
        this.product = Logsources.id(settings.defaultProduct);
        this.zone = new ZoneOffsets(settings.timeZone);
        this.iso = new Rfc3339Parser(zone);
    }

    /** True when {@code raw[offset, end)} starts with a BSD timestamp ({@code Mmm SP+ digit}). */
    public static boolean looksLikeBsdTimestamp(final byte[] b, final int offset, final int end) {
        if (month(b, offset, end) < 0 || offset + 4 >= end || b[offset + 3] != ' ') {
            return false;
        }
        int i = offset + 3;
        while (i < end && b[i] == ' ') {
            i++;
        }
        return i < end && SyslogSupport.isDigit(b[i]);
    }

    /** True when {@code raw[offset, end)} starts with an RFC 3339 date ({@code YYYY-MM-DDT}). */
    public static boolean looksLikeIsoTimestamp(final byte[] b, final int offset, final int end) {
        return end - offset >= 11 && SyslogSupport.isDigit(b[offset]) && SyslogSupport.isDigit(b[offset + 3])
            && b[offset + 4] == '-' && b[offset + 7] == '-' && b[offset + 10] == 'T';
    }

    /**
     * Decodes {@code event.raw()[offset, end)}.
     *
     * @return true when accepted; false with {@code event.rejectReason} set
     */
    public boolean decode(final TelemetryEvent e, final int offset, final int end) {
        final byte[] b = e.raw();
        e.format = EventFormat.RFC3164;
        e.logProduct = product;
        e.logService = Logsources.SYSLOG;
        int i = offset;
        boolean hasPri = false;
        if (i < end && b[i] == '<') {
            final int pri = SyslogSupport.pri(b, i, end);
            if (pri < 0) {
                return reject(e, RejectReason.BAD_PRI);
            }
            final int prival = pri & 0xFF;
            e.addField(Fields.LOG_SYSLOG_PRIORITY, prival);
            e.addField(Fields.LOG_SYSLOG_FACILITY_CODE, prival >> 3);
            e.addField(Fields.LOG_SYSLOG_SEVERITY_CODE, prival & 7);
            i = pri >>> 8;
            hasPri = true;
        }
        final int t = timestamp(b, i, end, e.receivedNanos);
        if (t == -2) {
            return reject(e, RejectReason.BAD_TIMESTAMP);
        }
        if (t == -1) {
            if (!hasPri) {
                return reject(e, RejectReason.BAD_TIMESTAMP);
            }
            // RFC 3164 section 4.3.3: no valid TIMESTAMP after PRI, the rest is the content.
            return content(e, b, skipSpaces(b, i, end), end);
        }
        e.timestampNanos = parsedNanos;
        i = skipSpaces(b, t, end);
        if (i == end) {
            return true;
        }
        if (SyslogSupport.startsWith(b, i, end, CEF_MAGIC)) {
            return Rfc5424Decoder.decodeCef(e, cef, b, i, end);
        }
        int after = tag(b, i, end);
        if (after < 0) {
            // HOSTNAME (section 4.1.2), unless the word is not a plausible host name.
            final int hostEnd = word(b, i, end);
            if (hostEnd < 0) {
                return content(e, b, i, end);
            }
            e.addRawField(Fields.LOG_SYSLOG_HOSTNAME, i, hostEnd - i);
            e.addRawField(Fields.HOST_NAME, i, hostEnd - i);
            i = skipSpaces(b, hostEnd, end);
            if (i == end) {
                return true;
            }
            if (SyslogSupport.startsWith(b, i, end, CEF_MAGIC)) {
                return Rfc5424Decoder.decodeCef(e, cef, b, i, end);
            }
            after = tag(b, i, end);
            if (after < 0) {
                return content(e, b, i, end);
            }
        }
        e.addRawField(Fields.LOG_SYSLOG_APPNAME, i, tagEnd - i);
        e.addRawField(Fields.PROCESS_NAME, i, tagEnd - i);
        if (pidEnd > pidStart) {
            e.addRawField(Fields.LOG_SYSLOG_PROCID, pidStart, pidEnd - pidStart);
            if (Rfc5424Decoder.isNumber(b, pidStart, pidEnd)) {
                e.addRawField(Fields.PROCESS_PID, pidStart, pidEnd - pidStart);
            }
        }
        return content(e, b, skipSpaces(b, after, end), end);
    }

    private boolean content(final TelemetryEvent e, final byte[] b, final int m, final int end) {
        if (m >= end) {
            return true;
        }
        if (SyslogSupport.startsWith(b, m, end, CEF_MAGIC)) {
            return Rfc5424Decoder.decodeCef(e, cef, b, m, end);
        }
        e.addRawField(Fields.MESSAGE, m, end - m);
        messages.decode(e, m, end);
        return true;
    }

    /**
     * Scans a TAG at {@code i}: {@code prog:}, {@code prog[pid]:} or {@code prog[pid]} followed by SP. Sets
     * {@link #tagEnd}, {@link #pidStart}, {@link #pidEnd}.
     *
     * @return the position after the tag (after ':' if any), or -1 when the word is not a tag
     */
    private int tag(final byte[] b, final int start, final int end) {
        int i = start;
        while (i < end) {
            final byte c = b[i];
            if (c == ':' || c == '[' || c == ' ') {
                break;
            }
            if (!SyslogSupport.isPrintUsAscii(c) || i - start >= MAX_TAG) {
                return -1;
            }
            i++;
        }
        if (i == start || i >= end) {
            return -1;
        }
        tagEnd = i;
        pidStart = 0;
        pidEnd = 0;
        if (b[i] == ':') {
            // "prog:" must end the word, so that an IPv6 host name ("fe80::1") is not taken for a tag; except
            // "prog:CEF:0|...", the form F5 ASM and other appliances send (the content is the CEF record).
            return i + 1 == end || b[i + 1] == ' ' || SyslogSupport.startsWith(b, i + 1, end, CEF_MAGIC) ? i + 1 : -1;
        }
        if (b[i] != '[') {
            return -1;
        }
        i++;
        final int ps = i;
        while (i < end && b[i] != ']') {
            if (!SyslogSupport.isPrintUsAscii(b[i]) || i - ps >= MAX_PROCID) {
                return -1;
            }
            i++;
        }
        if (i >= end) {
            return -1;
        }
        pidStart = ps;
        pidEnd = i;
        i++;
        if (i == end) {
            return i;
        }
        if (b[i] == ':') {
            return i + 1;
        }
        return b[i] == ' ' ? i : -1;
    }

    /** A host-name word at {@code i} ending at SP or end: returns its end, or -1 when implausible. */
    private static int word(final byte[] b, final int start, final int end) {
        int i = start;
        while (i < end && b[i] != ' ') {
            if (!SyslogSupport.isPrintUsAscii(b[i]) || i - start >= MAX_HOSTNAME) {
                return -1;
            }
            i++;
        }
        return i == start ? -1 : i;
    }

    /**
     * Parses the timestamp at {@code i} into {@link #parsedNanos}.
     *
     * @return the position after it; -1 when there is no timestamp; -2 when one is there but malformed
     */
    private int timestamp(final byte[] b, final int start, final int end, final long receivedNanos) {
        if (looksLikeIsoTimestamp(b, start, end)) {
            final int p = iso.parse(b, start, end, Rfc3339Parser.RELAXED_MAX_FRACTION_DIGITS, true);
            if (p < 0 || (p < end && b[p] != ' ')) {
                return -2;
            }
            parsedNanos = iso.epochNanos;
            return p;
        }
        final int month = month(b, start, end);
        if (month < 0 || start + 3 >= end || b[start + 3] != ' ') {
            return -1;
        }
        int i = skipSpaces(b, start + 3, end);
        // Day: one or two digits (space-padded "Mar  7" is the RFC form).
        int day = 0;
        final int dayStart = i;
        while (i < end && SyslogSupport.isDigit(b[i]) && i - dayStart < 2) {
            day = day * 10 + (b[i] - '0');
            i++;
        }
        if (i == dayStart || i >= end || b[i] != ' ') {
            return i == dayStart ? -1 : -2;
        }
        i = skipSpaces(b, i, end);
        int year = -1;
        // Cisco style "Mmm dd YYYY HH:MM:SS".
        if (end - i >= 5 && isFourDigits(b, i) && b[i + 4] == ' ') {
            year = fourDigits(b, i);
            i = skipSpaces(b, i + 4, end);
        }
        final int hour = SyslogSupport.twoDigits(b, i, end);
        final int minute = SyslogSupport.twoDigits(b, i + 3, end);
        final int second = SyslogSupport.twoDigits(b, i + 6, end);
        if (hour < 0 || minute < 0 || second < 0 || b[i + 2] != ':' || b[i + 5] != ':'
            || hour > 23 || minute > 59 || second > 59) {
            return -2;
        }
        i += 8;
        long fraction = 0;
        if (i < end && b[i] == '.') {
            i++;
            final int fs = i;
            long scale = 100_000_000L;
            while (i < end && SyslogSupport.isDigit(b[i])) {
                if (i - fs >= Rfc3339Parser.RELAXED_MAX_FRACTION_DIGITS) {
                    return -2;
                }
                fraction += (b[i] - '0') * scale;
                scale /= 10;
                i++;
            }
            if (i == fs) {
                return -2;
            }
        }
        // Optional year after the time ("Mmm dd HH:MM:SS YYYY"), then an optional ':' (Cisco).
        if (year < 0 && end - i >= 5 && b[i] == ' ' && isFourDigits(b, i + 1) && (i + 5 == end || b[i + 5] == ' ')) {
            year = fourDigits(b, i + 1);
            i += 5;
        }
        // An explicit UTC zone after the time ("May 02 15:27:43.000 UTC host ..."), as Cisco and ArcSight relays
        // write it; the listener's zone is then not applied. Other abbreviations are ambiguous (CST) and stay words.
        boolean utc = false;
        if (end - i >= 4 && b[i] == ' ' && isUtcToken(b, i + 1) && (i + 4 == end || b[i + 4] == ' '
            || b[i + 4] == ':')) {
            utc = true;
            i += 4;
        }
        if (i < end && b[i] == ':') {
            i++;
        }
        if (i < end && b[i] != ' ') {
            return -2;
        }
        final long timeOfDay = hour * 3600L + minute * 60L + second;
        if (year < 0) {
            year = inferYear(month, day, timeOfDay, receivedNanos);
        }
        if (year < 1 || day < 1 || day > SyslogSupport.daysInMonth(year, month)) {
            return -2;
        }
        final long local = SyslogSupport.daysFromCivil(year, month, day) * SyslogSupport.SECONDS_PER_DAY + timeOfDay;
        final long epochSeconds = utc ? local : local - zone.offsetOfLocal(local);
        if (epochSeconds < SyslogSupport.MIN_EPOCH_SECONDS || epochSeconds > SyslogSupport.MAX_EPOCH_SECONDS) {
            return -2;
        }
        parsedNanos = epochSeconds * SyslogSupport.NANOS_PER_SECOND + fraction;
        return i;
    }

    /** "UTC" or "GMT" at {@code i} (three bytes available). */
    private static boolean isUtcToken(final byte[] b, final int i) {
        return (b[i] == 'U' && b[i + 1] == 'T' && b[i + 2] == 'C')
            || (b[i] == 'G' && b[i + 1] == 'M' && b[i + 2] == 'T');
    }

    private int inferYear(final int month, final int day, final long timeOfDay, final long receivedNanos) {
        final long receivedSecond = SyslogSupport.epochSecond(receivedNanos);
        final long nowLocal = receivedSecond + zone.offsetOfInstant(receivedSecond);
        final int year = SyslogSupport.yearOfEpochDay(Math.floorDiv(nowLocal, SyslogSupport.SECONDS_PER_DAY));
        // Feb 29 is checked later against the chosen year; clamp here only to compute the distance.
        final int d = Math.min(day, SyslogSupport.daysInMonth(year, month));
        final long candidate = SyslogSupport.daysFromCivil(year, month, Math.max(1, d)) * SyslogSupport.SECONDS_PER_DAY
            + timeOfDay;
        if (candidate - nowLocal > FUTURE_TOLERANCE_DAYS * SyslogSupport.SECONDS_PER_DAY) {
            return year - 1;
        }
        if (nowLocal - candidate > PAST_TOLERANCE_DAYS * SyslogSupport.SECONDS_PER_DAY) {
            return year + 1;
        }
        return year;
    }

    /** Month 1..12 of a three-letter English abbreviation (any case) at {@code i}, or -1. */
    static int month(final byte[] b, final int i, final int end) {
        if (end - i < 3) {
            return -1;
        }
        final int key = (b[i] | 0x20) << 16 | (b[i + 1] | 0x20) << 8 | (b[i + 2] | 0x20);
        for (int m = 0; m < 12; m++) {
            if (MONTHS[m] == key) {
                return m + 1;
            }
        }
        return -1;
    }

    private static boolean isFourDigits(final byte[] b, final int i) {
        return SyslogSupport.isDigit(b[i]) && SyslogSupport.isDigit(b[i + 1]) && SyslogSupport.isDigit(b[i + 2])
            && SyslogSupport.isDigit(b[i + 3]);
    }

    private static int fourDigits(final byte[] b, final int i) {
        return (b[i] - '0') * 1000 + (b[i + 1] - '0') * 100 + (b[i + 2] - '0') * 10 + (b[i + 3] - '0');
    }

    private static int skipSpaces(final byte[] b, final int start, final int end) {
        int i = start;
        while (i < end && b[i] == ' ') {
            i++;
        }
        return i;
    }

    private static boolean reject(final TelemetryEvent e, final RejectReason reason) {
        e.rejectReason = reason.ordinal();
        return false;
    }
}
