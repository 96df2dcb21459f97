package io.vigie.ingest.codec.json;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.RejectReason;

/**
 * Decodes one JSON object (ECS or flat vendor fields) into the event's fields, nested objects flattened to dotted
 * names. Confined to the publishing thread; never throws for bad input.
 *
 * <p>Mapping (RFC 8259 grammar, strict): nested objects become dotted names ({@code {"source":{"ip":"1.2.3.4"}}} →
 * {@code source.ip}); arrays become repeated entries of one name (arrays of objects flatten each element);
 * strings are unescaped ({@code \}{@code uXXXX} with surrogate pairs to UTF-8); numbers and booleans are kept as
 * their text; {@code null} and empty arrays add nothing; duplicate keys are all kept (multi-valued, in order).
 * {@code @timestamp} (RFC 3339) sets {@code event.timestampNanos} and stays a field. The Sigma logsource comes from
 * {@code logsource.product}/{@code category}/{@code service} when present, else {@code event.module} (product) and
 * {@code event.dataset} (service).
 *
 * <p>Rejects: {@code BAD_UTF8}; {@code BAD_JSON} (not an object, malformed, lone surrogate escape, raw control
 * character in a string, anything but whitespace after the object); {@code TOO_MANY_FIELDS} (nesting deeper than the
 * depth cap, more fields than the field cap, a dotted name longer than {@link #MAX_NAME_BYTES}).
 *
 * <p>Hand-written scanner: no allocation per frame in the steady state (a new logsource name is registered once).
 */
public final class JsonDecoder {
    /** Default nesting cap (objects and arrays). */
    public static final int DEFAULT_MAX_DEPTH = 32;
    /** Default cap on fields per frame. */
    public static final int DEFAULT_MAX_FIELDS = 1000;
    /** Longest flattened field name. */
    public static final int MAX_NAME_BYTES = 512;

    static final int TIMESTAMP = Fields.id("@timestamp");
    static final int LOGSOURCE_PRODUCT = Fields.id("logsource.product");
    static final int LOGSOURCE_CATEGORY = Fields.id("logsource.category");
    static final int LOGSOURCE_SERVICE = Fields.id("logsource.service");
    static final int EVENT_MODULE = Fields.id("event.module");

    private static final int BAD_JSON = -RejectReason.BAD_JSON.ordinal();
    private static final int TOO_MANY = -RejectReason.TOO_MANY_FIELDS.ordinal();

    private final int maxDepth;
    private final int maxFields;
    private final byte[] name = new byte[MAX_NAME_BYTES];
    private final LogsourceNames logsources = new LogsourceNames();
    private byte[] scratch = new byte[256];
    private TelemetryEvent event;
    private byte[] raw;
    private int end;
    private int fields;

    /** A decoder with the default caps. */
    public JsonDecoder() {
        this(DEFAULT_MAX_DEPTH, DEFAULT_MAX_FIELDS);
    }

    /**
     * @param maxDepth  nesting cap; deeper input is rejected as {@code TOO_MANY_FIELDS}
     * @param maxFields field cap; more is rejected as {@code TOO_MANY_FIELDS}
     */
    public JsonDecoder(final int maxDepth, final int maxFields) {
        this.maxDepth = maxDepth;
        this.maxFields = maxFields;
    }

    /**
     * Decodes {@code event.raw()[offset, end)}, which starts with an opening brace. On bad input sets
     * {@code event.rejectReason} and returns false.
     */
    public boolean decode(final TelemetryEvent event, final int offset, final int end) {
        final int firstField = event.fieldCount();
        final int reason = decodeFields(event, offset, end);
        this.event = null;
        this.raw = null;
        if (reason != 0) {
            event.truncateFields(firstField);
            event.rejectReason = reason;
            return false;
        }
        event.format = EventFormat.JSON;
        return true;
    }

    private int decodeFields(final TelemetryEvent e, final int offset, final int frameEnd) {
        this.event = e;
        this.raw = e.raw();
        this.end = frameEnd;
        this.fields = 0;
        if (!Utf8.valid(raw, offset, frameEnd)) {
            return RejectReason.BAD_UTF8.ordinal();
        }
        int p = skipWhitespace(offset);
        if (p >= end || raw[p] != '{') {
            return RejectReason.BAD_JSON.ordinal();
        }
        p = parseObject(p, 1, 0);
        if (p < 0) {
            return -p;
        }
        if (skipWhitespace(p) != end) {
            return RejectReason.BAD_JSON.ordinal();
        }
        final int ts = e.indexOf(TIMESTAMP);
        if (ts >= 0) {
            final long t = Rfc3339.parseNanos(e.arena(), e.valueOffset(ts), e.valueLength(ts));
            if (t != Rfc3339.INVALID) {
                e.timestampNanos = t;
            }
        }
        e.logProduct = logsource(e, LOGSOURCE_PRODUCT, EVENT_MODULE);
        e.logCategory = logsource(e, LOGSOURCE_CATEGORY, Fields.NO_FIELD);
        e.logService = logsource(e, LOGSOURCE_SERVICE, Fields.EVENT_DATASET);
        return 0;
    }

    private int logsource(final TelemetryEvent e, final int id, final int fallback) {
        int i = e.indexOf(id);
        if (i < 0 && fallback >= 0) {
            i = e.indexOf(fallback);
        }
        return i < 0 ? 0 : logsources.id(e.arena(), e.valueOffset(i), e.valueLength(i));
    }

    /** Parses an object at {@code p} ('{'); names of its members are {@code name[0, prefix)} + '.' + key. */
    private int parseObject(final int at, final int depth, final int prefix) {
        int p = skipWhitespace(at + 1);
        if (p < end && raw[p] == '}') {
            return p + 1;
        }
        while (true) {
            if (p >= end || raw[p] != '"') {
                return BAD_JSON;
            }
            int nameLength = prefix;
            if (prefix > 0) {
                if (prefix + 1 > MAX_NAME_BYTES) {
                    return TOO_MANY;
                }
                name[nameLength++] = '.';
            }
            final int keyStart = nameLength;
            final int q = parseKey(p, nameLength);
            if (q < 0) {
                return q;
            }
            nameLength = keyLength;
            p = skipWhitespace(q);
            if (p >= end || raw[p] != ':') {
                return BAD_JSON;
            }
            p = skipWhitespace(p + 1);
            // An empty top-level key has no usable name: validate its value, keep nothing.
            final boolean keep = nameLength > keyStart || prefix > 0;
            p = parseValue(p, depth, nameLength, keep);
            if (p < 0) {
                return p;
            }
            p = skipWhitespace(p);
            if (p >= end) {
                return BAD_JSON;
            }
            if (raw[p] == ',') {
                p = skipWhitespace(p + 1);
            } else if (raw[p] == '}') {
                return p + 1;
            } else {
                return BAD_JSON;
            }
        }
    }

    private int keyLength;

    /** Unescapes the key string at {@code p} into {@code name} from {@code at}; sets {@link #keyLength}. */
    private int parseKey(final int p, final int at) {
        int n = at;
        int i = p + 1;
        while (i < end) {
            final byte b = raw[i];
            if (b == '"') {
                keyLength = n;
                return i + 1;
            }
            if ((b & 0xFF) < 0x20) {
                return BAD_JSON;
            }
            if (b == '\\') {
                final int r = unescape(i, name, n, MAX_NAME_BYTES);
                if (r < 0) {
                    return r;
                }
                n = decodedEnd;
                i = r;
                continue;
            }
            if (n >= MAX_NAME_BYTES) {
                return TOO_MANY;
            }
            name[n++] = b;
            i++;
        }
        return BAD_JSON;
    }

    private int parseValue(final int p, final int depth, final int nameLength, final boolean keep) {
        if (p >= end) {
            return BAD_JSON;
        }
        final byte b = raw[p];
        switch (b) {
            case '{':
                if (depth >= maxDepth) {
                    return TOO_MANY;
                }
                return parseObject(p, depth + 1, nameLength);
            case '[':
                if (depth >= maxDepth) {
                    return TOO_MANY;
                }
                return parseArray(p, depth + 1, nameLength, keep);
            case '"':
                return parseString(p, nameLength, keep);
            case 't':
                return literal(p, TRUE, nameLength, keep);
            case 'f':
                return literal(p, FALSE, nameLength, keep);
            case 'n':
                return literal(p, NULL, nameLength, false);
            default:
                if (b == '-' || (b >= '0' && b <= '9')) {
                    return parseNumber(p, nameLength, keep);
                }
                return BAD_JSON;
        }
    }

    private int parseArray(final int at, final int depth, final int nameLength, final boolean keep) {
        int p = skipWhitespace(at + 1);
        if (p < end && raw[p] == ']') {
            return p + 1;
        }
        while (true) {
            p = parseValue(p, depth, nameLength, keep);
            if (p < 0) {
                return p;
            }
            p = skipWhitespace(p);
            if (p >= end) {
                return BAD_JSON;
            }
            if (raw[p] == ',') {
                p = skipWhitespace(p + 1);
            } else if (raw[p] == ']') {
                return p + 1;
            } else {
                return BAD_JSON;
            }
        }
    }

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private int literal(final int p, final byte[] word, final int nameLength, final boolean keep) {
        if (p + word.length > end) {
            return BAD_JSON;
        }
        for (int i = 0; i < word.length; i++) {
            if (raw[p + i] != word[i]) {
                return BAD_JSON;
            }
        }
        if (keep) {
            final int r = emit(nameLength, raw, p, word.length);
            if (r < 0) {
                return r;
            }
        }
        return p + word.length;
    }

    /** RFC 8259 section 6: {@code -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?}. */
    private int parseNumber(final int start, final int nameLength, final boolean keep) {
        int p = start;
        if (raw[p] == '-') {
            p++;
        }
        if (p >= end) {
            return BAD_JSON;
        }
        if (raw[p] == '0') {
            p++;
        } else if (raw[p] >= '1' && raw[p] <= '9') {
            p = digits(p);
        } else {
            return BAD_JSON;
        }
        if (p < end && raw[p] == '.') {
            final int q = digits(p + 1);
            if (q == p + 1) {
                return BAD_JSON;
            }
            p = q;
        }
        if (p < end && (raw[p] == 'e' || raw[p] == 'E')) {
            p++;
            if (p < end && (raw[p] == '+' || raw[p] == '-')) {
                p++;
            }
            final int q = digits(p);
            if (q == p) {
                return BAD_JSON;
            }
            p = q;
        }
        if (keep) {
            final int r = emit(nameLength, raw, start, p - start);
            if (r < 0) {
                return r;
            }
        }
        return p;
    }

    private int digits(final int from) {
        int p = from;
        while (p < end && raw[p] >= '0' && raw[p] <= '9') {
            p++;
        }
        return p;
    }

    private int parseString(final int at, final int nameLength, final boolean keep) {
        final int start = at + 1;
        int i = start;
        boolean escaped = false;
        while (i < end) {
            final byte b = raw[i];
            if (b == '"') {
                break;
            }
            if ((b & 0xFF) < 0x20) {
                return BAD_JSON;
            }
            if (b == '\\') {
                escaped = true;
                i += 2;
            } else {
                i++;
            }
        }
        if (i >= end) {
            return BAD_JSON;
        }
        final int close = i;
        if (!escaped) {
            if (keep) {
                final int r = emit(nameLength, raw, start, close - start);
                if (r < 0) {
                    return r;
                }
            }
            return close + 1;
        }
        if (scratch.length < close - start) {
            scratch = new byte[Math.max(close - start, scratch.length * 2)];
        }
        int n = 0;
        i = start;
        while (i < close) {
            final byte b = raw[i];
            if (b == '\\') {
                final int r = unescape(i, scratch, n, scratch.length);
                if (r < 0) {
                    return r;
                }
                n = decodedEnd;
                i = r;
            } else {
                scratch[n++] = b;
                i++;
            }
        }
        if (keep) {
            final int r = emit(nameLength, scratch, 0, n);
            if (r < 0) {
                return r;
            }
        }
        return close + 1;
    }

    private int decodedEnd;

    /**
     * Decodes the escape at {@code raw[p]} ('\') into {@code dst[n..]}: sets {@link #decodedEnd}, returns the
     * position after the escape, or an error. A {@code \}{@code u} escape never grows the text (6 bytes to at most 3,
     * a surrogate pair's 12 to 4), so a buffer as long as the raw string suffices.
     */
    private int unescape(final int p, final byte[] dst, final int n, final int limit) {
        if (p + 1 >= end) {
            return BAD_JSON;
        }
        final byte c = raw[p + 1];
        final byte out;
        switch (c) {
            case '"':
                out = '"';
                break;
            case '\\':
                out = '\\';
                break;
            case '/':
                out = '/';
                break;
            case 'b':
                out = '\b';
                break;
            case 'f':
                out = '\f';
                break;
            case 'n':
                out = '\n';
                break;
            case 'r':
                out = '\r';
                break;
            case 't':
                out = '\t';
                break;
            case 'u':
                return unicode(p, dst, n, limit);
            default:
                return BAD_JSON;
        }
        if (n >= limit) {
            return TOO_MANY;
        }
        dst[n] = out;
        decodedEnd = n + 1;
        return p + 2;
    }

    private int unicode(final int p, final byte[] dst, final int n, final int limit) {
        int cp = hex4(p + 2);
        if (cp < 0) {
            return BAD_JSON;
        }
        int next = p + 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (next + 6 > end || raw[next] != '\\' || raw[next + 1] != 'u') {
                return BAD_JSON;
            }
            final int low = hex4(next + 2);
            if (low < 0xDC00 || low > 0xDFFF) {
                return BAD_JSON;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            next += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return BAD_JSON;
        }
        int k = n;
        final int need = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (k + need > limit) {
            return TOO_MANY;
        }
        if (need == 1) {
            dst[k++] = (byte) cp;
        } else if (need == 2) {
            dst[k++] = (byte) (0xC0 | (cp >> 6));
            dst[k++] = (byte) (0x80 | (cp & 0x3F));
        } else if (need == 3) {
            dst[k++] = (byte) (0xE0 | (cp >> 12));
            dst[k++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            dst[k++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            dst[k++] = (byte) (0xF0 | (cp >> 18));
            dst[k++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            dst[k++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            dst[k++] = (byte) (0x80 | (cp & 0x3F));
        }
        decodedEnd = k;
        return next;
    }

    private int hex4(final int p) {
        if (p + 4 > end) {
            return -1;
        }
        int v = 0;
        for (int i = p; i < p + 4; i++) {
            final int c = raw[i];
            final int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            } else {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private int emit(final int nameLength, final byte[] src, final int offset, final int length) {
        if (fields == maxFields) {
            return TOO_MANY;
        }
        fields++;
        event.addNamedField(name, 0, nameLength, src, offset, length);
        return 0;
    }

    private int skipWhitespace(final int from) {
        int p = from;
        while (p < end) {
            final byte b = raw[p];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                break;
            }
            p++;
        }
        return p;
    }
}
