package io.vigie.ingest.codec.cef;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.json.Utf8;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Frozen copy of {@link CefDecoder} as of the start of the CEF performance work (main at 9530bd5), kept as the
 * oracle of {@code CefEquivalenceTest}: the optimised decoder must produce byte-identical fields on every input.
 * It uses the production {@link CefTime} (unchanged by that work) and {@link CefLogsource} (only its cache-slot hash
 * changed; classification did not), so only the decoder itself is frozen here. When CEF decoding is next changed on
 * purpose, delete this copy and the equivalence test rather than teach the copy the change.
 *
 * <p>Original contract:
 * ArcSight CEF decoder: header fields and extensions, mapped to ECS (DESIGN.md section 2), unmapped keys kept.
 * Confined to the publishing thread; no allocation per frame in the steady state; never throws for bad input.
 *
 * <pre>
 *   CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
 *   (header: \| and \\ escaped; extension: key=value pairs, \= \\ \n \r escaped in values)
 * </pre>
 *
 * <p>Field naming (the contract rules rely on):
 * <ul>
 * <li>Header: {@code cef.version}, {@code observer.vendor}, {@code observer.product}, {@code observer.version},
 *     {@code event.code} (Signature ID), {@code cef.name} (Name; also {@code message} when there is no {@code msg}),
 *     {@code cef.severity} (as sent) and {@code event.severity} (0-10: numbers clamped; {@code Unknown} 0,
 *     {@code Low} 3, {@code Medium} 6, {@code High} 8, {@code Very-High} 10; absent for other text).</li>
 * <li>Extension keys with an ECS twin (short or long CEF name) are stored only under the ECS name (see
 *     {@link #ecsName(String)}): {@code src}→{@code source.ip}, {@code duser}→{@code user.name} and
 *     {@code destination.user.name}, {@code fileHash}→{@code file.hash.md5|sha1|sha256} by length (other lengths
 *     stay {@code fileHash}), {@code dvc}→{@code observer.ip} ({@code observer.hostname} when not an address),
 *     {@code proto}/{@code app}/{@code outcome} lower-cased, ...</li>
 * <li>Every other key is kept under its own name, bare ({@code cat}, {@code cs1}, {@code ad.Error_,Code}), except
 *     names in an ECS/Vigie namespace ({@code event.*}, {@code source.*}, {@code message}...), stored as
 *     {@code cef.extensions.<key>} so that a sender cannot pose as a normalised field.</li>
 * <li>Custom fields: {@code csN}, {@code cnN}, {@code cfpN}, {@code c6aN}, {@code flexStringN},
 *     {@code deviceCustomDateN}... (any key ending in a digit) paired with {@code <key>Label}: the value is also added
 *     under the label's text as field name (Graylog behaviour; same namespace guard), and both {@code csN} and
 *     {@code csNLabel} stay as sent (Logstash behaviour).</li>
 * <li>Duplicate keys are kept as multi-valued fields, in order. Empty values are kept as empty fields.</li>
 * <li>Time: {@code rt}, else {@code start}, else {@code end} (epoch ms, {@code MMM dd [yyyy] HH:mm:ss[.SSS] [zone]}
 *     or RFC 3339; zone-less values in {@code dtz}, else the decoder's zone) sets {@code event.timestampNanos},
 *     overriding a syslog header time. The raw values stay under their keys.</li>
 * </ul>
 *
 * <p>Leniency (as Graylog/Logstash): unescaped {@code =} and {@code |} in values are data; a value runs to the last
 * space before the next {@code key=} token; unknown escapes and a trailing lone backslash are kept verbatim (strict
 * mode rejects them as {@code CEF_BAD_ESCAPE}). Rejects: {@code BAD_UTF8}, {@code BAD_CHARACTER} (raw LF inside),
 * {@code CEF_BAD_HEADER} (fewer than 7 header fields, bad version), {@code CEF_BAD_EXTENSION} (keyless extension),
 * {@code TOO_MANY_FIELDS} (more than the pair cap).
 */
final class CefReferenceDecoder {
    /** Default cap on extension pairs per frame. */
    public static final int DEFAULT_MAX_PAIRS = 1000;
    /** Longest extension key treated as a key (longer key-shaped tokens are value text). */
    static final int MAX_KEY_BYTES = 128;

    static final int CEF_VERSION = Fields.id("cef.version");
    static final int CEF_NAME = Fields.id("cef.name");
    static final int CEF_SEVERITY = Fields.id("cef.severity");
    static final int SOURCE_BYTES = Fields.id("source.bytes");
    static final int DESTINATION_BYTES = Fields.id("destination.bytes");
    static final int SOURCE_MAC = Fields.id("source.mac");
    static final int DESTINATION_MAC = Fields.id("destination.mac");

    private static final byte[] EXTENSIONS_PREFIX = "cef.extensions.".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LABEL = "Label".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] RESERVED_PREFIXES = bytes("event.", "source.", "destination.", "observer.", "log.",
        "vigie.", "cef.", "user.", "host.", "network.", "url.", "http.", "file.", "process.", "rule.", "user_agent.",
        "dns.", "@timestamp", "message", "tags");

    // Kinds of extension keys (what to do with the value besides storing it).
    private static final int PLAIN = 1;
    private static final int LOWER = 2;
    private static final int DUSER = 3;
    private static final int HASH = 4;
    private static final int DVC = 5;
    private static final int MSG = 6;
    private static final int RT = 7;
    private static final int START = 8;
    private static final int END = 9;
    private static final int DTZ = 10;

    /** Per field id: the kind of a CEF key (0 = unmapped) and its ECS target id. Indexed by dictionary id. */
    private static final byte[] KIND = new byte[Fields.MAX_FIELDS];
    private static final int[] TARGET = new int[Fields.MAX_FIELDS];

    static {
        map(PLAIN, Fields.SOURCE_IP, "src", "sourceAddress");
        map(PLAIN, Fields.SOURCE_PORT, "spt", "sourcePort");
        map(PLAIN, Fields.DESTINATION_IP, "dst", "destinationAddress");
        map(PLAIN, Fields.DESTINATION_PORT, "dpt", "destinationPort");
        map(PLAIN, Fields.SOURCE_USER_NAME, "suser", "sourceUserName");
        map(DUSER, Fields.USER_NAME, "duser", "destinationUserName");
        map(PLAIN, Fields.EVENT_ACTION, "act", "deviceAction");
        map(PLAIN, Fields.URL_ORIGINAL, "request", "requestUrl");
        map(PLAIN, Fields.HTTP_REQUEST_METHOD, "requestMethod");
        map(PLAIN, Fields.USER_AGENT_ORIGINAL, "requestClientApplication");
        map(LOWER, Fields.NETWORK_TRANSPORT, "proto", "transportProtocol");
        map(LOWER, Fields.NETWORK_PROTOCOL, "app", "applicationProtocol");
        map(PLAIN, Fields.DESTINATION_DOMAIN, "dhost", "destinationHostName");
        map(PLAIN, Fields.SOURCE_DOMAIN, "shost", "sourceHostName");
        map(HASH, Fields.NO_FIELD, "fileHash");
        map(PLAIN, Fields.FILE_NAME, "fname", "fileName");
        map(PLAIN, Fields.FILE_PATH, "filePath");
        map(MSG, Fields.MESSAGE, "msg", "message");
        map(DVC, Fields.OBSERVER_IP, "dvc", "deviceAddress");
        map(PLAIN, Fields.OBSERVER_HOSTNAME, "dvchost", "deviceHostName");
        map(PLAIN, SOURCE_BYTES, "in", "bytesIn");
        map(PLAIN, DESTINATION_BYTES, "out", "bytesOut");
        map(PLAIN, SOURCE_MAC, "smac", "sourceMacAddress");
        map(PLAIN, DESTINATION_MAC, "dmac", "destinationMacAddress");
        map(LOWER, Fields.EVENT_OUTCOME, "outcome", "eventOutcome");
        map(RT, Fields.NO_FIELD, "rt", "deviceReceiptTime");
        map(START, Fields.NO_FIELD, "start", "startTime");
        map(END, Fields.NO_FIELD, "end", "endTime");
        map(DTZ, Fields.NO_FIELD, "dtz", "deviceTimeZone");
    }

    private final int maxPairs;
    private final boolean strict;
    private final CefTime time;
    private final CefLogsource logsource = new CefLogsource();

    // Per-frame scratch, sized once.
    private final int[] pairKeyOffset;
    private final int[] pairKeyLength;
    private final int[] pairEntry;
    private final byte[] pairFlags;
    private byte[] scratch = new byte[256];
    private final byte[] nameScratch = new byte[EXTENSIONS_PREFIX.length + MAX_KEY_BYTES];

    private static final byte FLAG_LABEL = 1;
    private static final byte FLAG_NUMBERED = 2;

    /** A lenient decoder, zone-less times in UTC, at most {@link #DEFAULT_MAX_PAIRS} extension pairs. */
    public CefReferenceDecoder() {
        this(ZoneOffset.UTC, DEFAULT_MAX_PAIRS, false);
    }

    /**
     * @param timeZone zone of times that carry none and have no {@code dtz}
     * @param maxPairs cap on extension pairs per frame (more is rejected as {@code TOO_MANY_FIELDS})
     * @param strict   reject unknown escapes and a trailing lone backslash ({@code CEF_BAD_ESCAPE})
     */
    public CefReferenceDecoder(final ZoneId timeZone, final int maxPairs, final boolean strict) {
        this.maxPairs = maxPairs;
        this.strict = strict;
        this.time = new CefTime(timeZone);
        this.pairKeyOffset = new int[maxPairs];
        this.pairKeyLength = new int[maxPairs];
        this.pairEntry = new int[maxPairs];
        this.pairFlags = new byte[maxPairs];
    }

    /**
     * Decodes {@code event.raw()[offset, end)}, which starts with {@code CEF:}. Header fields already decoded by a
     * syslog header decoder are kept. On bad input sets {@code event.rejectReason} and returns false.
     */
    public boolean decode(final TelemetryEvent event, final int offset, final int end) {
        final int firstField = event.fieldCount();
        final int reason = decodeFields(event, offset, end);
        if (reason != 0) {
            event.truncateFields(firstField);
            event.rejectReason = reason;
            return false;
        }
        event.format = EventFormat.CEF;
        return true;
    }

    private int decodeFields(final TelemetryEvent event, final int offset, final int frameEnd) {
        final byte[] raw = event.raw();
        int end = frameEnd;
        while (end > offset && (raw[end - 1] == '\n' || raw[end - 1] == '\r')) {
            end--;
        }
        if (!Utf8.valid(raw, offset, end)) {
            return RejectReason.BAD_UTF8.ordinal();
        }
        for (int i = offset; i < end; i++) {
            if (raw[i] == '\n') {
                return RejectReason.BAD_CHARACTER.ordinal();
            }
        }
        // RFC-less format: "CEF:" then the version, digits with an optional ".minor".
        if (end - offset < 5 || raw[offset] != 'C' || raw[offset + 1] != 'E' || raw[offset + 2] != 'F'
            || raw[offset + 3] != ':') {
            return RejectReason.CEF_BAD_HEADER.ordinal();
        }
        int p = offset + 4;
        final int versionEnd = headerFieldEnd(raw, p, end);
        if (versionEnd >= end || !isVersion(raw, p, versionEnd)) {
            return RejectReason.CEF_BAD_HEADER.ordinal();
        }
        // Header fields 1..5 must each end with '|'; the severity may end the frame (no extension).
        final int[] ends = headerEnds;
        ends[0] = versionEnd;
        p = versionEnd + 1;
        for (int f = 1; f <= 6; f++) {
            final int e = headerFieldEnd(raw, p, end);
            if (e >= end && f < 6) {
                return RejectReason.CEF_BAD_HEADER.ordinal();
            }
            ends[f] = e;
            p = e + 1;
        }
        event.addRawField(CEF_VERSION, offset + 4, versionEnd - offset - 4);
        int start = versionEnd + 1;
        addHeaderField(event, raw, Fields.OBSERVER_VENDOR, start, ends[1]);
        final int vendorStart = start;
        start = ends[1] + 1;
        addHeaderField(event, raw, Fields.OBSERVER_PRODUCT, start, ends[2]);
        final int productStart = start;
        start = ends[2] + 1;
        addHeaderField(event, raw, Fields.OBSERVER_VERSION, start, ends[3]);
        start = ends[3] + 1;
        addHeaderField(event, raw, Fields.EVENT_CODE, start, ends[4]);
        start = ends[4] + 1;
        final int nameEntry = addHeaderField(event, raw, CEF_NAME, start, ends[5]);
        start = ends[5] + 1;
        final int severityEntry = addHeaderField(event, raw, CEF_SEVERITY, start, ends[6]);
        final long severity = severity(event.arena(), event.valueOffset(severityEntry),
            event.valueLength(severityEntry));
        if (severity >= 0) {
            event.addField(Fields.EVENT_SEVERITY, severity);
        }
        logsource.classify(event, raw, vendorStart, ends[1], productStart, ends[2]);

        final int reason = decodeExtension(event, raw, Math.min(ends[6] + 1, end), end, nameEntry);
        if (reason != 0) {
            return reason;
        }
        return 0;
    }

    private final int[] headerEnds = new int[7];

    /** Index of the unescaped '|' ending a header field at {@code p}, or {@code end}. */
    private static int headerFieldEnd(final byte[] raw, final int p, final int end) {
        int i = p;
        while (i < end) {
            final byte b = raw[i];
            if (b == '\\' && i + 1 < end && (raw[i + 1] == '|' || raw[i + 1] == '\\')) {
                i += 2;
            } else if (b == '|') {
                return i;
            } else {
                i++;
            }
        }
        return end;
    }

    private static boolean isVersion(final byte[] raw, final int p, final int end) {
        if (p == end) {
            return false;
        }
        boolean dot = false;
        for (int i = p; i < end; i++) {
            final byte b = raw[i];
            if (b == '.' && !dot && i > p && i + 1 < end) {
                dot = true;
            } else if (b < '0' || b > '9') {
                return false;
            }
        }
        return end - p <= 8;
    }

    /** Adds a header field, unescaping {@code \|} and {@code \\} (other backslashes are data). */
    private static int addHeaderField(final TelemetryEvent event, final byte[] raw, final int id, final int start,
                                      final int end) {
        event.beginField(id);
        int run = start;
        for (int i = start; i < end; i++) {
            if (raw[i] == '\\' && i + 1 < end && (raw[i + 1] == '|' || raw[i + 1] == '\\')) {
                event.appendBytes(raw, run, i - run);
                run = i + 1;
                i++;
            }
        }
        event.appendBytes(raw, run, end - run);
        return event.endField();
    }

    private int decodeExtension(final TelemetryEvent event, final byte[] raw, final int from, final int end,
                                final int nameEntry) {
        int p = from;
        while (p < end && raw[p] == ' ') {
            p++;
        }
        int pairs = 0;
        boolean hasMessage = false;
        int rt = -1;
        int startTime = -1;
        int endTime = -1;
        int dtz = -1;
        while (p < end) {
            int k = p;
            while (k < end && isKeyChar(raw[k])) {
                k++;
            }
            if (k == p || k >= end || raw[k] != '=' || k - p > MAX_KEY_BYTES) {
                return RejectReason.CEF_BAD_EXTENSION.ordinal();
            }
            final int keyOffset = p;
            final int keyLength = k - p;
            int valueStart = k + 1;
            int valueEnd = end;
            int next = end;
            int i = valueStart;
            while (i < end) {
                final byte b = raw[i];
                if (b == '\\') {
                    if (i + 1 >= end) {
                        if (strict) {
                            return RejectReason.CEF_BAD_ESCAPE.ordinal();
                        }
                        i++;
                    } else if (raw[i + 1] == ' ') {
                        if (strict) {
                            return RejectReason.CEF_BAD_ESCAPE.ordinal();
                        }
                        i++;
                    } else {
                        if (strict && !isExtensionEscape(raw[i + 1])) {
                            return RejectReason.CEF_BAD_ESCAPE.ordinal();
                        }
                        i += 2;
                    }
                } else if (b == ' ') {
                    int j = i + 1;
                    while (j < end && raw[j] == ' ') {
                        j++;
                    }
                    int kk = j;
                    while (kk < end && isKeyChar(raw[kk]) && kk - j <= MAX_KEY_BYTES) {
                        kk++;
                    }
                    if (kk > j && kk < end && raw[kk] == '=' && kk - j <= MAX_KEY_BYTES) {
                        valueEnd = i;
                        next = j;
                        break;
                    }
                    i = kk > j ? kk : j;
                } else {
                    i++;
                }
            }
            while (valueStart < valueEnd && raw[valueStart] == ' ') {
                valueStart++;
            }
            while (valueEnd > valueStart && raw[valueEnd - 1] == ' ') {
                valueEnd--;
            }
            if (pairs == maxPairs) {
                return RejectReason.TOO_MANY_FIELDS.ordinal();
            }
            final int keyId = Fields.intern(raw, keyOffset, keyLength);
            final int kind = keyId >= 0 ? KIND[keyId] : 0;
            final int entry;
            if (kind == 0 || kind >= RT) {
                final int id = keyId >= 0 && isReserved(raw, keyOffset, keyLength)
                    ? prefixed(raw, keyOffset, keyLength) : keyId;
                entry = addValue(event, raw, id, keyOffset, keyLength, valueStart, valueEnd);
                if (kind == RT && rt < 0) {
                    rt = entry;
                } else if (kind == START && startTime < 0) {
                    startTime = entry;
                } else if (kind == END && endTime < 0) {
                    endTime = entry;
                } else if (kind == DTZ && dtz < 0) {
                    dtz = entry;
                }
            } else {
                entry = addMapped(event, raw, kind, TARGET[keyId], keyId, valueStart, valueEnd);
                hasMessage |= kind == MSG;
            }
            pairKeyOffset[pairs] = keyOffset;
            pairKeyLength[pairs] = keyLength;
            pairEntry[pairs] = entry;
            byte flags = 0;
            if (keyLength > LABEL.length && endsWithLabel(raw, keyOffset, keyLength)
                && isDigit(raw[keyOffset + keyLength - LABEL.length - 1])) {
                flags = FLAG_LABEL;
            } else if (isDigit(raw[keyOffset + keyLength - 1])) {
                flags = FLAG_NUMBERED;
            }
            pairFlags[pairs] = flags;
            pairs++;
            p = next;
        }
        applyLabels(event, raw, pairs);
        if (!hasMessage) {
            event.addField(Fields.MESSAGE, event.arena(), event.valueOffset(nameEntry), event.valueLength(nameEntry));
        }
        setTime(event, rt, startTime, endTime, dtz);
        return 0;
    }

    private static boolean isExtensionEscape(final byte b) {
        return b == '\\' || b == '=' || b == 'n' || b == 'r';
    }

    /** Adds a value, unescaped, under {@code id} (or inline under the key when the dictionary is full). */
    private int addValue(final TelemetryEvent event, final byte[] raw, final int id, final int keyOffset,
                         final int keyLength, final int start, final int end) {
        if (id >= 0) {
            event.beginField(id);
            int run = start;
            for (int i = start; i < end; i++) {
                if (raw[i] == '\\' && i + 1 < end) {
                    final byte c = unescaped(raw[i + 1]);
                    if (c != 0) {
                        event.appendBytes(raw, run, i - run);
                        event.appendByte(c);
                        run = i + 2;
                        i++;
                    }
                }
            }
            event.appendBytes(raw, run, end - run);
            return event.endField();
        }
        final int n = unescapeTo(raw, start, end);
        return event.addNamedField(raw, keyOffset, keyLength, scratch, 0, n);
    }

    private int unescapeTo(final byte[] raw, final int start, final int end) {
        if (scratch.length < end - start) {
            scratch = new byte[Math.max(end - start, scratch.length * 2)];
        }
        int n = 0;
        for (int i = start; i < end; i++) {
            byte b = raw[i];
            if (b == '\\' && i + 1 < end) {
                final byte c = unescaped(raw[i + 1]);
                if (c != 0) {
                    b = c;
                    i++;
                }
            }
            scratch[n++] = b;
        }
        return n;
    }

    /** The byte an extension escape stands for, or 0 when {@code \x} is not an escape (kept verbatim). */
    private static byte unescaped(final byte b) {
        switch (b) {
            case '\\':
                return '\\';
            case '=':
                return '=';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            default:
                return 0;
        }
    }

    private int addMapped(final TelemetryEvent event, final byte[] raw, final int kind, final int target,
                          final int keyId, final int start, final int end) {
        final int entry = addValue(event, raw, target >= 0 ? target : keyId, 0, 0, start, end);
        final byte[] arena = event.arena();
        final int off = event.valueOffset(entry);
        final int len = event.valueLength(entry);
        switch (kind) {
            case LOWER:
                lowerCase(arena, off, len);
                break;
            case DUSER:
                event.addField(Fields.DESTINATION_USER_NAME, arena, off, len);
                break;
            case HASH:
                if (len == 32) {
                    event.setFieldId(entry, Fields.FILE_HASH_MD5);
                } else if (len == 40) {
                    event.setFieldId(entry, Fields.FILE_HASH_SHA1);
                } else if (len == 64) {
                    event.setFieldId(entry, Fields.FILE_HASH_SHA256);
                }
                if (len == 32 || len == 40 || len == 64) {
                    lowerCase(arena, off, len);
                }
                break;
            case DVC:
                if (!looksLikeAddress(arena, off, len)) {
                    event.setFieldId(entry, Fields.OBSERVER_HOSTNAME);
                }
                break;
            default:
                break;
        }
        return entry;
    }

    /** Adds each numbered key's value again under the text of its {@code <key>Label}. */
    private void applyLabels(final TelemetryEvent event, final byte[] raw, final int pairs) {
        for (int l = 0; l < pairs; l++) {
            if (pairFlags[l] != FLAG_LABEL) {
                continue;
            }
            final int labelEntry = pairEntry[l];
            final int labelLength = event.valueLength(labelEntry);
            if (labelLength == 0 || labelLength > MAX_KEY_BYTES) {
                continue;
            }
            final int baseLength = pairKeyLength[l] - LABEL.length;
            final int baseOffset = pairKeyOffset[l];
            for (int k = 0; k < pairs; k++) {
                if (pairFlags[k] != FLAG_NUMBERED || pairKeyLength[k] != baseLength
                    || !java.util.Arrays.equals(raw, pairKeyOffset[k], pairKeyOffset[k] + baseLength,
                    raw, baseOffset, baseOffset + baseLength)) {
                    continue;
                }
                // The label text is a field name: copied out of the arena first (adding a field may grow it).
                final byte[] arena = event.arena();
                final int labelOffset = event.valueOffset(labelEntry);
                int n = 0;
                if (isReserved(arena, labelOffset, labelLength)) {
                    System.arraycopy(EXTENSIONS_PREFIX, 0, nameScratch, 0, EXTENSIONS_PREFIX.length);
                    n = EXTENSIONS_PREFIX.length;
                }
                System.arraycopy(arena, labelOffset, nameScratch, n, labelLength);
                n += labelLength;
                final int valueEntry = pairEntry[k];
                event.addNamedField(nameScratch, 0, n, arena, event.valueOffset(valueEntry),
                    event.valueLength(valueEntry));
            }
        }
    }

    private void setTime(final TelemetryEvent event, final int rt, final int start, final int end, final int dtz) {
        if (rt < 0 && start < 0 && end < 0) {
            return;
        }
        int zone = time.defaultZone();
        if (dtz >= 0) {
            final int z = time.zone(event.arena(), event.valueOffset(dtz), event.valueLength(dtz));
            if (z != CefTime.BAD_ZONE) {
                zone = z;
            }
        }
        long t = parseTime(event, rt, zone);
        if (t == CefTime.INVALID) {
            t = parseTime(event, start, zone);
        }
        if (t == CefTime.INVALID) {
            t = parseTime(event, end, zone);
        }
        if (t != CefTime.INVALID) {
            event.timestampNanos = t;
        }
    }

    private long parseTime(final TelemetryEvent event, final int entry, final int zone) {
        if (entry < 0) {
            return CefTime.INVALID;
        }
        return time.parse(event.arena(), event.valueOffset(entry), event.valueLength(entry), zone,
            event.receivedNanos);
    }

    /**
     * Parses a CEF time value as this decoder would (for tests and tools).
     *
     * @return epoch nanos, or {@link Long#MIN_VALUE}
     */
    public long parseTime(final byte[] value, final int offset, final int length, final long receivedNanos) {
        return time.parse(value, offset, length, time.defaultZone(), receivedNanos);
    }

    /** Header severity to 0-10, or -1 when unknown text. */
    static long severity(final byte[] b, final int offset, final int length) {
        int s = offset;
        int e = offset + length;
        while (s < e && b[s] == ' ') {
            s++;
        }
        while (e > s && b[e - 1] == ' ') {
            e--;
        }
        if (s == e) {
            return -1;
        }
        final long n = TelemetryEvent.parseLong(b, s, e - s, Long.MIN_VALUE);
        if (n != Long.MIN_VALUE) {
            return Math.max(0, Math.min(10, n));
        }
        if (equalsIgnoreCase(b, s, e, "unknown")) {
            return 0;
        }
        if (equalsIgnoreCase(b, s, e, "low")) {
            return 3;
        }
        if (equalsIgnoreCase(b, s, e, "medium")) {
            return 6;
        }
        if (equalsIgnoreCase(b, s, e, "high")) {
            return 8;
        }
        if (equalsIgnoreCase(b, s, e, "very-high") || equalsIgnoreCase(b, s, e, "very high")) {
            return 10;
        }
        return -1;
    }

    static boolean equalsIgnoreCase(final byte[] b, final int s, final int e, final String lower) {
        if (e - s != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            if ((b[s + i] | 0x20) != lower.charAt(i) && b[s + i] != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isKeyChar(final byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '.'
            || b == '[' || b == ']' || b == ',';
    }

    private static boolean isDigit(final byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean endsWithLabel(final byte[] raw, final int offset, final int length) {
        final int s = offset + length - LABEL.length;
        for (int i = 0; i < LABEL.length; i++) {
            if (raw[s + i] != LABEL[i]) {
                return false;
            }
        }
        return true;
    }

    /** True for names in a namespace the normaliser owns (they are stored under {@code cef.extensions.}). */
    static boolean isReserved(final byte[] b, final int offset, final int length) {
        for (final byte[] prefix : RESERVED_PREFIXES) {
            final boolean exact = prefix[prefix.length - 1] != '.';
            if (exact ? length == prefix.length : length > prefix.length) {
                if (java.util.Arrays.equals(b, offset, offset + prefix.length, prefix, 0, prefix.length)) {
                    return true;
                }
            }
        }
        return false;
    }

    private int prefixed(final byte[] raw, final int keyOffset, final int keyLength) {
        System.arraycopy(EXTENSIONS_PREFIX, 0, nameScratch, 0, EXTENSIONS_PREFIX.length);
        System.arraycopy(raw, keyOffset, nameScratch, EXTENSIONS_PREFIX.length, keyLength);
        return Fields.intern(nameScratch, 0, EXTENSIONS_PREFIX.length + keyLength);
    }

    /** IPv4 dotted digits or an IPv6 literal (hex digits, ':' and '.'). */
    private static boolean looksLikeAddress(final byte[] b, final int offset, final int length) {
        if (length == 0) {
            return true;
        }
        boolean colon = false;
        boolean dot = false;
        boolean hexLetter = false;
        for (int i = offset; i < offset + length; i++) {
            final int c = b[i];
            if (c == ':') {
                colon = true;
            } else if (c == '.') {
                dot = true;
            } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                hexLetter = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return colon || (dot && !hexLetter);
    }

    private static void lowerCase(final byte[] b, final int offset, final int length) {
        for (int i = offset; i < offset + length; i++) {
            final byte c = b[i];
            if (c >= 'A' && c <= 'Z') {
                b[i] = (byte) (c + 32);
            }
        }
    }

    private static void map(final int kind, final int target, final String... keys) {
        for (final String key : keys) {
            final int id = Fields.id(key);
            KIND[id] = (byte) kind;
            TARGET[id] = target;
        }
    }

    private static byte[][] bytes(final String... values) {
        final byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }

    /**
     * The field name under which this decoder stores the value of a CEF extension key with an ECS twin (short or
     * long CEF name), or null when the key is kept under its own name. For {@code fileHash} returns
     * {@code file.hash.*}: the actual name depends on the value's length. Off the event path.
     */
    public static String ecsName(final String cefKey) {
        final byte[] k = cefKey.getBytes(StandardCharsets.UTF_8);
        final int id = Fields.lookup(k, 0, k.length);
        if (id < 0 || KIND[id] == 0 || KIND[id] >= RT) {
            return null;
        }
        if (KIND[id] == HASH) {
            return "file.hash.*";
        }
        return Fields.name(TARGET[id]);
    }
}
