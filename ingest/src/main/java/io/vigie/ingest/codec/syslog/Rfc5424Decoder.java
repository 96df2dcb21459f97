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
 * RFC 5424 syslog decoder: a hand-written scanner over the event's raw bytes that fills the ECS fields in place.
 *
 * <pre>
 *   SYSLOG-MSG = HEADER SP STRUCTURED-DATA [SP MSG]                                   (RFC 5424 section 6)
 *   HEADER     = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID
 * </pre>
 * Every length is capped (section 6.2), every value checked; a bad frame sets {@code event.rejectReason} and the
 * decoder returns false. Leading spaces of MSG are skipped (rsyslog writes {@code "%msg%"} of legacy messages with
 * one); the raw bytes keep them. Confined to one thread; no allocation per frame in the steady state (a structured
 * data name seen for the first time is interned once).
 */
public final class Rfc5424Decoder {
    /** RFC 5424 section 6: field length caps. */
    static final int MAX_HOSTNAME = 255;
    static final int MAX_APP_NAME = 48;
    static final int MAX_PROCID = 128;
    static final int MAX_MSGID = 32;
    /** RFC 5424 section 6.3.2/6.3.3: SD-NAME = 1*32PRINTUSASCII except '=', SP, ']', '"'. */
    static final int MAX_SD_NAME = 32;

    private static final byte[] SD_PREFIX = "log.syslog.structured_data.".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CEF_MAGIC = "CEF:".getBytes(StandardCharsets.US_ASCII);

    private final MessageDecoders messages;
    private final CefDecoder cef;
    private final int product;
    private final int maxElements;
    private final int maxParams;
    private final Rfc3339Parser time = new Rfc3339Parser(null);
    private final byte[] name = new byte[SD_PREFIX.length + MAX_SD_NAME + 1 + MAX_SD_NAME];
    private byte[] scratch = new byte[512];

    /** A decoder with its own CEF decoder. */
    public Rfc5424Decoder(final DecoderSettings settings, final MessageDecoders messages) {
        this(settings, messages, new CefDecoder());
    }

    /**
     * @param settings decoder settings (product, structured-data caps)
     * @param messages message decoders run on MSG (thread-confined with this decoder)
     * @param cef      CEF decoder run when MSG starts with {@code CEF:}
     */
    public Rfc5424Decoder(final DecoderSettings settings, final MessageDecoders messages, final CefDecoder cef) {
        this.messages = messages;
        this.cef = cef;
        this.product = Logsources.id(settings.defaultProduct);
        this.maxElements = settings.maxStructuredDataElements;
        this.maxParams = settings.maxStructuredDataParams;
        System.arraycopy(SD_PREFIX, 0, name, 0, SD_PREFIX.length);
    }

    /**
     * True when {@code raw[offset, end)} starts like an RFC 5424 frame: {@code <digits>1 }, or a header with another
     * VERSION ({@code <digits>} NONZERO-DIGIT 0*2DIGIT SP, then a timestamp or NILVALUE), which the decoder rejects
     * as {@code BAD_VERSION} rather than letting it pass as RFC 3164 text.
     */
    public static boolean looksLikeRfc5424(final byte[] b, final int offset, final int end) {
        if (offset >= end || b[offset] != '<') {
            return false;
        }
        int i = offset + 1;
        final int limit = Math.min(end, offset + 5);
        while (i < limit && SyslogSupport.isDigit(b[i])) {
            i++;
        }
        if (i == offset + 1 || i + 2 >= end || b[i] != '>') {
            return false;
        }
        if (b[i + 1] == '1' && b[i + 2] == ' ') {
            return true;
        }
        // Section 6.2.2: VERSION = NONZERO-DIGIT 0*2DIGIT.
        int j = i + 1;
        if (b[j] < '1' || b[j] > '9') {
            return false;
        }
        while (j < end && j - i <= 3 && SyslogSupport.isDigit(b[j])) {
            j++;
        }
        return j - i <= 3 && j + 1 < end && b[j] == ' ' && (b[j + 1] == '-' || SyslogSupport.isDigit(b[j + 1]));
    }

    /**
     * Decodes {@code event.raw()[offset, end)}.
     *
     * @return true when accepted; false with {@code event.rejectReason} set
     */
    public boolean decode(final TelemetryEvent e, final int offset, final int end) {
        final byte[] b = e.raw();
        e.format = EventFormat.RFC5424;
        e.logProduct = product;
        e.logService = Logsources.SYSLOG;

        final int pri = SyslogSupport.pri(b, offset, end);
        if (pri < 0) {
            return reject(e, RejectReason.BAD_PRI);
        }
        int i = pri >>> 8;
        final int prival = pri & 0xFF;

        // VERSION = NONZERO-DIGIT 0*2DIGIT; only 1 is defined (section 6.2.2).
        final int versionStart = i;
        int version = 0;
        while (i < end && SyslogSupport.isDigit(b[i]) && i - versionStart < 3) {
            version = version * 10 + (b[i] - '0');
            i++;
        }
        if (version != 1 || i - versionStart != 1 || i >= end || b[i] != ' ') {
            return reject(e, RejectReason.BAD_VERSION);
        }
        i++;
        e.addField(Fields.LOG_SYSLOG_PRIORITY, prival);
        e.addField(Fields.LOG_SYSLOG_FACILITY_CODE, prival >> 3);
        e.addField(Fields.LOG_SYSLOG_SEVERITY_CODE, prival & 7);
        e.addField(Fields.LOG_SYSLOG_VERSION, version);

        // TIMESTAMP = NILVALUE / FULL-DATE "T" FULL-TIME (section 6.2.3)
        if (i < end && b[i] == '-') {
            i++;
        } else {
            final int p = time.parse(b, i, end, Rfc3339Parser.RFC5424_MAX_FRACTION_DIGITS, false);
            if (p < 0) {
                return reject(e, RejectReason.BAD_TIMESTAMP);
            }
            e.timestampNanos = time.epochNanos;
            i = p;
        }
        if (i >= end || b[i] != ' ') {
            return reject(e, RejectReason.BAD_TIMESTAMP);
        }
        i++;

        // HOSTNAME SP APP-NAME SP PROCID SP MSGID SP (sections 6.2.4 to 6.2.7)
        int t = token(b, i, end, MAX_HOSTNAME);
        if (t < 0) {
            return reject(e, RejectReason.BAD_HEADER);
        }
        if (!isNil(b, i, t)) {
            e.addRawField(Fields.LOG_SYSLOG_HOSTNAME, i, t - i);
            e.addRawField(Fields.HOST_NAME, i, t - i);
        }
        i = t + 1;
        t = token(b, i, end, MAX_APP_NAME);
        if (t < 0) {
            return reject(e, RejectReason.BAD_HEADER);
        }
        if (!isNil(b, i, t)) {
            e.addRawField(Fields.LOG_SYSLOG_APPNAME, i, t - i);
            e.addRawField(Fields.PROCESS_NAME, i, t - i);
        }
        i = t + 1;
        t = token(b, i, end, MAX_PROCID);
        if (t < 0) {
            return reject(e, RejectReason.BAD_HEADER);
        }
        if (!isNil(b, i, t)) {
            e.addRawField(Fields.LOG_SYSLOG_PROCID, i, t - i);
            if (isNumber(b, i, t)) {
                e.addRawField(Fields.PROCESS_PID, i, t - i);
            }
        }
        i = t + 1;
        t = token(b, i, end, MAX_MSGID);
        if (t < 0) {
            return reject(e, RejectReason.BAD_HEADER);
        }
        if (!isNil(b, i, t)) {
            e.addRawField(Fields.LOG_SYSLOG_MSGID, i, t - i);
        }
        i = t + 1;

        // STRUCTURED-DATA = NILVALUE / 1*SD-ELEMENT (section 6.3)
        if (i >= end) {
            return reject(e, RejectReason.BAD_STRUCTURED_DATA);
        }
        if (b[i] == '-') {
            i++;
        } else {
            i = structuredData(e, b, i, end);
            if (i < 0) {
                return false;
            }
        }
        if (i == end) {
            return true;
        }
        if (b[i] != ' ') {
            return reject(e, RejectReason.BAD_STRUCTURED_DATA);
        }
        return message(e, b, i + 1, end);
    }

    private boolean message(final TelemetryEvent e, final byte[] b, final int start, final int end) {
        int m = start;
        // MSG-UTF8 = BOM UTF-8-STRING (section 6.4): with a BOM the text must be valid UTF-8.
        if (end - m >= 3 && b[m] == (byte) 0xEF && b[m + 1] == (byte) 0xBB && b[m + 2] == (byte) 0xBF) {
            m += 3;
            if (!SyslogSupport.isValidUtf8(b, m, end)) {
                return reject(e, RejectReason.BAD_UTF8);
            }
        }
        while (m < end && b[m] == ' ') {
            m++;
        }
        if (m == end) {
            return true;
        }
        if (SyslogSupport.startsWith(b, m, end, CEF_MAGIC)) {
            return decodeCef(e, cef, b, m, end);
        }
        e.addRawField(Fields.MESSAGE, m, end - m);
        messages.decode(e, m, end);
        return true;
    }

    /**
     * Runs the CEF decoder on {@code [m, end)}; when it declines without a reject reason the text is kept as
     * {@code message} (the syslog header stays valid).
     */
    static boolean decodeCef(final TelemetryEvent e, final CefDecoder cef, final byte[] b, final int m,
                             final int end) {
        if (cef.decode(e, m, end)) {
            return true;
        }
        if (e.rejectReason != 0) {
            return false;
        }
        e.addRawField(Fields.MESSAGE, m, end - m);
        return true;
    }

    /** Parses 1*SD-ELEMENT at {@code i}; returns the position after it, or -1 with the reject reason set. */
    private int structuredData(final TelemetryEvent e, final byte[] b, final int start, final int end) {
        int i = start;
        int elements = 0;
        int params = 0;
        if (b[i] != '[') {
            return rejectInt(e, RejectReason.BAD_STRUCTURED_DATA);
        }
        while (i < end && b[i] == '[') {
            if (++elements > maxElements) {
                return rejectInt(e, RejectReason.TOO_MANY_FIELDS);
            }
            i++;
            final int idStart = i;
            i = sdName(b, i, end);
            if (i < 0) {
                return rejectInt(e, RejectReason.BAD_STRUCTURED_DATA);
            }
            int nameLength = SD_PREFIX.length;
            System.arraycopy(b, idStart, name, nameLength, i - idStart);
            nameLength += i - idStart;
            name[nameLength++] = '.';
            final int prefixLength = nameLength;
            while (true) {
                if (i >= end) {
                    return rejectInt(e, RejectReason.BAD_STRUCTURED_DATA);
                }
                if (b[i] == ']') {
                    i++;
                    break;
                }
                if (b[i] != ' ') {
                    return rejectInt(e, RejectReason.BAD_STRUCTURED_DATA);
                }
                i++;
                final int paramStart = i;
                i = sdName(b, i, end);
                if (i < 0 || i + 1 >= end || b[i] != '=' || b[i + 1] != '"') {
                    return rejectInt(e, RejectReason.BAD_STRUCTURED_DATA);
                }
                if (++params > maxParams) {
                    return rejectInt(e, RejectReason.TOO_MANY_FIELDS);
                }
                System.arraycopy(b, paramStart, name, prefixLength, i - paramStart);
                nameLength = prefixLength + i - paramStart;
                i += 2;
                // PARAM-VALUE: '"', '\' and ']' are escaped with '\' (section 6.3.3); other '\' stay as they are.
                final int valueStart = i;
                boolean escaped = false;
                while (i < end) {
                    final byte c = b[i];
                    if (c == '\\' && i + 1 < end && isEscapable(b[i + 1])) {
                        escaped = true;
                        i += 2;
                    } else if (c == '"') {
                        break;
                    } else {
                        i++;
                    }
                }
                if (i >= end) {
                    return rejectInt(e, RejectReason.BAD_STRUCTURED_DATA);
                }
                if (escaped) {
                    addUnescaped(e, b, valueStart, i, nameLength);
                } else {
                    e.addNamedField(name, 0, nameLength, b, valueStart, i - valueStart);
                }
                i++;
            }
        }
        e.addRawField(Fields.LOG_SYSLOG_STRUCTURED_DATA, start, i - start);
        return i;
    }

    private void addUnescaped(final TelemetryEvent e, final byte[] b, final int from, final int to,
                              final int nameLength) {
        final int id = Fields.intern(name, 0, nameLength);
        if (id != Fields.NO_FIELD) {
            e.beginField(id);
            for (int k = from; k < to; k++) {
                if (b[k] == '\\' && k + 1 < to && isEscapable(b[k + 1])) {
                    k++;
                }
                e.appendByte(b[k]);
            }
            e.endField();
            return;
        }
        // Dictionary full: the name goes inline, so unescape into scratch first.
        if (scratch.length < to - from) {
            scratch = new byte[Math.max(to - from, scratch.length * 2)];
        }
        int n = 0;
        for (int k = from; k < to; k++) {
            if (b[k] == '\\' && k + 1 < to && isEscapable(b[k + 1])) {
                k++;
            }
            scratch[n++] = b[k];
        }
        e.addNamedField(name, 0, nameLength, scratch, 0, n);
    }

    private static boolean isEscapable(final byte c) {
        return c == '"' || c == '\\' || c == ']';
    }

    /** SD-NAME at {@code i}: returns its end, or -1 when empty, too long or with a forbidden byte. */
    private static int sdName(final byte[] b, final int start, final int end) {
        int i = start;
        while (i < end) {
            final byte c = b[i];
            if (c == '=' || c == ' ' || c == ']' || c == '"') {
                break;
            }
            if (!SyslogSupport.isPrintUsAscii(c) || i - start >= MAX_SD_NAME) {
                return -1;
            }
            i++;
        }
        return i == start ? -1 : i;
    }

    /** A header token of PRINTUSASCII ending at SP: returns the SP position, or -1 (empty, too long, bad byte). */
    private static int token(final byte[] b, final int start, final int end, final int max) {
        int i = start;
        while (i < end && b[i] != ' ') {
            if (!SyslogSupport.isPrintUsAscii(b[i]) || i - start >= max) {
                return -1;
            }
            i++;
        }
        return i == start || i >= end ? -1 : i;
    }

    private static boolean isNil(final byte[] b, final int start, final int end) {
        return end - start == 1 && b[start] == '-';
    }

    static boolean isNumber(final byte[] b, final int start, final int end) {
        if (end <= start || end - start > 18) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (!SyslogSupport.isDigit(b[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean reject(final TelemetryEvent e, final RejectReason reason) {
        e.rejectReason = reason.ordinal();
        return false;
    }

    private static int rejectInt(final TelemetryEvent e, final RejectReason reason) {
        e.rejectReason = reason.ordinal();
        return -1;
    }
}
