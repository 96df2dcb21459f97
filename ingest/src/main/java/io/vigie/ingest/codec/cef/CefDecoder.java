package io.vigie.ingest.codec.cef;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.json.Utf8;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
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
 *
 * <p>Speed (2 to 2.5 times the byte-at-a-time version, {@code CefDecodeBenchmark}): ASCII/LF check, header
 * delimiters and value ends are found 8 bytes at a time; each key is scanned once (the look-ahead that ends a value
 * keeps the next key); keys and custom labels resolve through small per-decoder caches ({@link ShortKeyCache});
 * values and header fields without a backslash are copied once, without unescaping.
 */
public final class CefDecoder {
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

    private static final int TOO_MANY_FIELDS = RejectReason.TOO_MANY_FIELDS.ordinal();
    private static final byte FLAG_LABEL = 1;
    private static final byte FLAG_NUMBERED = 2;

    /** A lenient decoder, zone-less times in UTC, at most {@link #DEFAULT_MAX_PAIRS} extension pairs. */
    public CefDecoder() {
        this(ZoneOffset.UTC, DEFAULT_MAX_PAIRS, false);
    }

    /**
     * @param timeZone zone of times that carry none and have no {@code dtz}
     * @param maxPairs cap on extension pairs per frame (more is rejected as {@code TOO_MANY_FIELDS})
     * @param strict   reject unknown escapes and a trailing lone backslash ({@code CEF_BAD_ESCAPE})
     */
    public CefDecoder(final ZoneId timeZone, final int maxPairs, final boolean strict) {
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
        final int bad = checkBytes(raw, offset, end);
        if (bad != 0) {
            return bad;
        }
        // RFC-less format: "CEF:" then the version, digits with an optional ".minor".
        if (end - offset < 5 || raw[offset] != 'C' || raw[offset + 1] != 'E' || raw[offset + 2] != 'F'
            || raw[offset + 3] != ':') {
            return RejectReason.CEF_BAD_HEADER.ordinal();
        }
        final int[] ends = headerEnds;
        scanHeader(raw, offset + 4, end);
        final int versionEnd = ends[0];
        if (versionEnd >= end || !isVersion(raw, offset + 4, versionEnd)) {
            return RejectReason.CEF_BAD_HEADER.ordinal();
        }
        // Header fields 1..5 must each end with '|'; the severity may end the frame (no extension).
        for (int f = 1; f < 6; f++) {
            if (ends[f] >= end) {
                return RejectReason.CEF_BAD_HEADER.ordinal();
            }
        }
        event.addRawField(CEF_VERSION, offset + 4, versionEnd - offset - 4);
        int start = versionEnd + 1;
        addHeaderField(event, raw, Fields.OBSERVER_VENDOR, start, ends[1], headerEscaped[1]);
        final int vendorStart = start;
        start = ends[1] + 1;
        addHeaderField(event, raw, Fields.OBSERVER_PRODUCT, start, ends[2], headerEscaped[2]);
        final int productStart = start;
        start = ends[2] + 1;
        addHeaderField(event, raw, Fields.OBSERVER_VERSION, start, ends[3], headerEscaped[3]);
        start = ends[3] + 1;
        addHeaderField(event, raw, Fields.EVENT_CODE, start, ends[4], headerEscaped[4]);
        start = ends[4] + 1;
        final int nameEntry = addHeaderField(event, raw, CEF_NAME, start, ends[5], headerEscaped[5]);
        start = ends[5] + 1;
        final int severityEntry = addHeaderField(event, raw, CEF_SEVERITY, start, ends[6], headerEscaped[6]);
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
    private final boolean[] headerEscaped = new boolean[7];

    /**
     * ASCII frames (the common case) are checked 8 bytes at a time for non-ASCII bytes and raw LF; a frame with a
     * non-ASCII byte takes the full UTF-8 check. Returns 0 or the reject reason (BAD_UTF8 before BAD_CHARACTER).
     */
    private static int checkBytes(final byte[] raw, final int offset, final int end) {
        long high = 0;
        long lf = 0;
        int i = offset;
        for (; i + 2 * Long.BYTES <= end; i += 2 * Long.BYTES) {
            final long w = (long) LONGS.get(raw, i);
            final long v = (long) LONGS.get(raw, i + Long.BYTES);
            high |= w | v;
            lf |= matches(w, LFS) | matches(v, LFS);
        }
        if (i + Long.BYTES <= end) {
            final long w = (long) LONGS.get(raw, i);
            high |= w;
            lf |= matches(w, LFS);
            i += Long.BYTES;
        }
        for (; i < end; i++) {
            high |= raw[i];
            lf |= raw[i] == '\n' ? 1 : 0;
        }
        if ((high & HIGH_BITS) != 0) {
            if (!Utf8.valid(raw, offset, end)) {
                return RejectReason.BAD_UTF8.ordinal();
            }
            for (int j = offset; j < end; j++) {
                if (raw[j] == '\n') {
                    return RejectReason.BAD_CHARACTER.ordinal();
                }
            }
            return 0;
        }
        return lf != 0 ? RejectReason.BAD_CHARACTER.ordinal() : 0;
    }

    /**
     * Finds the unescaped '|' ending each of the 7 header fields from {@code p} in one pass, 8 bytes at a time:
     * {@code headerEnds[f]} (or {@code end} when absent) and whether the field holds a backslash
     * ({@code headerEscaped[f]}: it may need unescaping). {@code \|} and {@code \\} are escapes; another backslash
     * is data.
     */
    private void scanHeader(final byte[] raw, final int p, final int end) {
        final int[] ends = headerEnds;
        final boolean[] escaped = headerEscaped;
        int f = 0;
        boolean backslash = false;
        int next = p;
        for (int w = p; w < end && f < 7; w += Long.BYTES) {
            long m;
            if (w + Long.BYTES <= end) {
                final long word = (long) LONGS.get(raw, w);
                m = exactMatches(word, PIPES) | exactMatches(word, BACKSLASHES);
            } else {
                m = 0;
                for (int i = w; i < end; i++) {
                    if (raw[i] == '|' || raw[i] == '\\') {
                        m |= 0x80L << ((i - w) * Byte.SIZE);
                    }
                }
            }
            while (m != 0) {
                final int i = w + (Long.numberOfTrailingZeros(m) >>> 3);
                m &= m - 1;
                if (i < next) {
                    continue; // the byte after an escaping backslash
                }
                if (raw[i] == '|') {
                    ends[f] = i;
                    escaped[f] = backslash;
                    backslash = false;
                    next = i + 1;
                    if (++f == 7) {
                        return;
                    }
                } else {
                    backslash = true;
                    next = i + 1 < end && (raw[i + 1] == '|' || raw[i + 1] == '\\') ? i + 2 : i + 1;
                }
            }
        }
        for (; f < 7; f++) {
            ends[f] = end;
            escaped[f] = backslash;
            backslash = false;
        }
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
                                      final int end, final boolean backslash) {
        if (!backslash) {
            return event.addRawField(id, start, end - start);
        }
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
        int k = p;
        while (k < end && isKeyChar(raw[k])) {
            k++;
        }
        if (p < end && (k == p || k >= end || raw[k] != '=' || k - p > MAX_KEY_BYTES)) {
            return RejectReason.CEF_BAD_EXTENSION.ordinal();
        }
        int pairs = 0;
        boolean hasMessage = false;
        int rt = -1;
        int startTime = -1;
        int endTime = -1;
        int dtz = -1;
        // One pass: each value runs to the last space before the next "key=" token; that token's key end is kept,
        // so each key is scanned once. Invariant at the loop head: [p, k) is a key and raw[k] == '='.
        while (p < end) {
            final int keyOffset = p;
            final int keyLength = k - p;
            int valueStart = k + 1;
            int valueEnd = end;
            int next = end;
            int nextKeyEnd = end;
            boolean backslash = false;
            int i = valueStart;
            while (true) {
                i = indexOfEither(raw, i, end, SPACES, BACKSLASHES);
                if (i >= end) {
                    break;
                }
                if (raw[i] == '\\') {
                    backslash = true;
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
                } else {
                    int j = i + 1;
                    while (j < end && raw[j] == ' ') {
                        j++;
                    }
                    // A key-shaped run longer than MAX_KEY_BYTES is value text: stop one byte past the cap.
                    final int limit = Math.min(end, j + MAX_KEY_BYTES + 1);
                    int kk = j;
                    while (kk < limit && isKeyChar(raw[kk])) {
                        kk++;
                    }
                    if (kk > j && kk < end && raw[kk] == '=' && kk - j <= MAX_KEY_BYTES) {
                        valueEnd = i;
                        next = j;
                        nextKeyEnd = kk;
                        break;
                    }
                    i = kk > j ? kk : j;
                }
            }
            while (valueStart < valueEnd && raw[valueStart] == ' ') {
                valueStart++;
            }
            while (valueEnd > valueStart && raw[valueEnd - 1] == ' ') {
                valueEnd--;
            }
            if (pairs == maxPairs) {
                return TOO_MANY_FIELDS;
            }
            long info = keys.find(raw, keyOffset, keyLength);
            if (info == ShortKeyCache.MISSING) {
                info = resolveKey(raw, keyOffset, keyLength);
            }
            final int kind;
            final int id;
            final byte flags;
            if (info != ShortKeyCache.MISSING) {
                kind = (int) (info >>> 32) & 0xFF;
                id = (int) info;
                flags = (byte) (info >>> 40);
            } else {
                // No field id for the key (full dictionary) or for its cef.extensions. name: the general path
                // (id -1 keeps the name inline).
                final int keyId = Fields.intern(raw, keyOffset, keyLength);
                kind = keyId >= 0 ? KIND[keyId] : 0;
                flags = keyFlags(raw, keyOffset, keyLength);
                if (kind != 0 && kind < RT) {
                    id = TARGET[keyId] >= 0 ? TARGET[keyId] : keyId;
                } else {
                    id = keyId >= 0 && isReserved(raw, keyOffset, keyLength) ? prefixed(raw, keyOffset, keyLength)
                        : keyId;
                }
            }
            final int entry;
            if (kind == 0 || kind >= RT) {
                entry = addValue(event, raw, id, keyOffset, keyLength, valueStart, valueEnd, backslash);
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
                entry = addMapped(event, raw, kind, id, valueStart, valueEnd, backslash);
                hasMessage |= kind == MSG;
            }
            pairKeyOffset[pairs] = keyOffset;
            pairKeyLength[pairs] = keyLength;
            pairEntry[pairs] = entry;
            pairFlags[pairs] = flags;
            pairs++;
            p = next;
            k = nextKeyEnd;
        }
        applyLabels(event, raw, pairs);
        if (!hasMessage) {
            event.addField(Fields.MESSAGE, event.arena(), event.valueOffset(nameEntry), event.valueLength(nameEntry));
        }
        setTime(event, rt, startTime, endTime, dtz);
        return 0;
    }

    /** {@link #FLAG_LABEL} for {@code <key ending in a digit>Label}, {@link #FLAG_NUMBERED} for a key ending in one. */
    private static byte keyFlags(final byte[] raw, final int keyOffset, final int keyLength) {
        if (keyLength > LABEL.length && endsWithLabel(raw, keyOffset, keyLength)
            && isDigit(raw[keyOffset + keyLength - LABEL.length - 1])) {
            return FLAG_LABEL;
        }
        return isDigit(raw[keyOffset + keyLength - 1]) ? FLAG_NUMBERED : 0;
    }

    // --- key and label caches -----------------------------------------------------------------------------
    //
    // Extension keys repeat from frame to frame (src, dst, spt, cs1Label...): each key seen is cached with all the
    // decoder derives from it (storage id: ECS target, own id or cef.extensions.<key>; kind; label flags), which
    // replaces Fields.intern (FNV over the bytes, array compare), KIND/TARGET and the reserved-prefix scan.
    // Custom-field label texts likewise map to their field id.

    // One decoder per TCP connection: 256 + 64 slots of 40 bytes (12.5 KiB) hold 192 keys and 48 labels, more than
    // a device uses (a multi-vendor relay beyond that takes the general path for the rest).
    private static final int KEY_SLOTS = 256;
    private static final int LABEL_SLOTS = 64;

    private final ShortKeyCache keys = new ShortKeyCache(KEY_SLOTS);
    private final ShortKeyCache labels = new ShortKeyCache(LABEL_SLOTS);

    /**
     * Cache miss: the key's storage id, kind and flags, computed as the general path does, packed as
     * {@code flags << 40 | kind << 32 | id}, and cached when there is room; {@link ShortKeyCache#MISSING} when the
     * key has no field id (full dictionary): the caller then takes the general path.
     */
    private long resolveKey(final byte[] raw, final int offset, final int length) {
        final int keyId = Fields.intern(raw, offset, length);
        if (keyId < 0) {
            return ShortKeyCache.MISSING;
        }
        final int kind = KIND[keyId];
        final int storeId;
        if (kind == 0 || kind >= RT) {
            storeId = isReserved(raw, offset, length) ? prefixed(raw, offset, length) : keyId;
        } else {
            storeId = TARGET[keyId] >= 0 ? TARGET[keyId] : keyId;
        }
        if (storeId < 0) {
            return ShortKeyCache.MISSING;
        }
        final long info = (long) keyFlags(raw, offset, length) << 40 | (long) kind << 32 | storeId;
        keys.put(info);
        return info;
    }

    // --- SWAR scanning (8 bytes at a time) ------------------------------------------------------------------

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_BITS = 0x7F7F7F7F7F7F7F7FL;
    private static final long SPACES = ONES * ' ';
    private static final long BACKSLASHES = ONES * '\\';
    private static final long PIPES = ONES * '|';
    private static final long LFS = ONES * '\n';

    /**
     * Non-zero when a byte of {@code w} equals the byte repeated in {@code pattern}; the lowest set bit (0x80 of a
     * byte) marks the first such byte in memory order (higher bytes may be false positives, never lower ones).
     */
    private static long matches(final long w, final long pattern) {
        final long x = w ^ pattern;
        return (x - ONES) & ~x & HIGH_BITS;
    }

    /** 0x80 in exactly the bytes of {@code w} equal to the byte repeated in {@code pattern} (no false positives). */
    private static long exactMatches(final long w, final long pattern) {
        final long x = w ^ pattern;
        return ~(((x & LOW_BITS) + LOW_BITS) | x | LOW_BITS);
    }

    /** Index of the first byte in {@code [from, end)} equal to either pattern's byte, or {@code end}. */
    private static int indexOfEither(final byte[] raw, final int from, final int end, final long a, final long b) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            final long w = (long) LONGS.get(raw, i);
            final long m = matches(w, a) | matches(w, b);
            if (m != 0) {
                return i + (Long.numberOfTrailingZeros(m) >>> 3);
            }
        }
        final byte ba = (byte) a;
        final byte bb = (byte) b;
        for (; i < end; i++) {
            final byte c = raw[i];
            if (c == ba || c == bb) {
                return i;
            }
        }
        return end;
    }

    private static boolean isExtensionEscape(final byte b) {
        return b == '\\' || b == '=' || b == 'n' || b == 'r';
    }

    /** Adds a value, unescaped, under {@code id} (or inline under the key when the dictionary is full). */
    private int addValue(final TelemetryEvent event, final byte[] raw, final int id, final int keyOffset,
                         final int keyLength, final int start, final int end, final boolean backslash) {
        if (id >= 0) {
            if (!backslash) {
                return event.addRawField(id, start, end - start);
            }
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

    private int addMapped(final TelemetryEvent event, final byte[] raw, final int kind, final int id,
                          final int start, final int end, final boolean backslash) {
        int entry = addValue(event, raw, id, 0, 0, start, end, backslash);
        if (kind == LOWER || kind == HASH) {
            // Lower-cased in place below: a private copy first, so that the raw frame (the evidence) is untouched.
            entry = event.ownValue(entry);
        }
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
                    || !regionEquals(raw, pairKeyOffset[k], baseOffset, baseLength)) {
                    continue;
                }
                final byte[] arena = event.arena();
                final int labelOffset = event.valueOffset(labelEntry);
                final int valueEntry = pairEntry[k];
                long id = labels.find(arena, labelOffset, labelLength);
                if (id == ShortKeyCache.MISSING) {
                    id = labelId(arena, labelOffset, labelLength);
                }
                if (id != ShortKeyCache.MISSING) {
                    event.addField((int) id, arena, event.valueOffset(valueEntry), event.valueLength(valueEntry));
                    continue;
                }
                // The label text is a field name: copied out of the arena first (adding a field may grow it).
                final int n = labelName(arena, labelOffset, labelLength);
                event.addNamedField(nameScratch, 0, n, arena, event.valueOffset(valueEntry),
                    event.valueLength(valueEntry));
            }
        }
    }

    /**
     * Writes the field name of a label text into {@link #nameScratch} ({@code cef.extensions.<label>} when the label
     * falls in a reserved namespace); returns its length.
     */
    private int labelName(final byte[] arena, final int labelOffset, final int labelLength) {
        int n = 0;
        if (isReserved(arena, labelOffset, labelLength)) {
            System.arraycopy(EXTENSIONS_PREFIX, 0, nameScratch, 0, EXTENSIONS_PREFIX.length);
            n = EXTENSIONS_PREFIX.length;
        }
        System.arraycopy(arena, labelOffset, nameScratch, n, labelLength);
        return n + labelLength;
    }

    /**
     * Label cache miss: the field id of a label text ({@code cef.extensions.<label>} in a reserved namespace), cached
     * when there is room; {@link ShortKeyCache#MISSING} when the dictionary is full (the name is then kept inline).
     */
    private long labelId(final byte[] arena, final int labelOffset, final int labelLength) {
        final int n = labelName(arena, labelOffset, labelLength);
        final int id = Fields.intern(nameScratch, 0, n);
        if (id < 0) {
            return ShortKeyCache.MISSING;
        }
        labels.put(id);
        return id;
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

    /** Bytes of an extension key: ASCII letters, digits and {@code _ . [ ] ,} (the {@code ad.*} keys use the last). */
    private static final boolean[] KEY_CHARS = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            KEY_CHARS[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                || c == '.' || c == '[' || c == ']' || c == ',';
        }
    }

    private static boolean isKeyChar(final byte b) {
        return KEY_CHARS[b & 0xFF];
    }

    private static boolean isDigit(final byte b) {
        return b >= '0' && b <= '9';
    }

    /** Keys are short: a plain loop beats the intrinsic's call and setup. */
    private static boolean regionEquals(final byte[] b, final int x, final int y, final int length) {
        for (int i = 0; i < length; i++) {
            if (b[x + i] != b[y + i]) {
                return false;
            }
        }
        return true;
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
