package io.vigie.ingest.codec.message;

import com.google.re2j.Matcher;
import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The matching state of {@link Extractors} for one publishing thread: one RE2/J {@link Matcher} per grok expression,
 * reset onto a reusable {@link CharSequence} view of the message (ASCII fast path: one char per byte; otherwise UTF-8
 * decoded with a char-to-byte offset map, invalid bytes as U+FFFD), so captured ranges are sliced from the raw bytes.
 *
 * <p>Allocation: our side allocates nothing per line once buffers have grown; RE2/J itself allocates a few small
 * objects per {@code find()} (its input wrapper and submatch arrays), which is why extractors are the flexible path
 * and the built-in decoders the fast path. kv and json splitting allocate nothing (field names are interned on first
 * sight only).
 */
final class ExtractorRuntime {
    private static final int MAX_NAME = 256;
    private static final int MAX_DEPTH = 16;

    private final Extractors.Entry[] entries;
    private final byte[][] programs;
    private final byte[][] matches;
    private final Matcher[][] matchers;
    private final int[][][] captureIds;
    private final Grok.Type[][][] captureTypes;
    private final int[] stats;
    private final int[] product;
    private final int[] category;
    private final int[] service;
    private final byte[][] kvPrefix;
    private final byte[][] jsonPrefix;
    private final byte[][][] renameKeys;
    private final int[][] renameIds;
    private final Chars chars = new Chars();
    private final byte[] name = new byte[MAX_NAME];

    ExtractorRuntime(final Extractors extractors) {
        final List<Extractors.Entry> list = extractors.entries();
        final int n = list.size();
        entries = list.toArray(new Extractors.Entry[0]);
        programs = new byte[n][];
        matches = new byte[n][];
        matchers = new Matcher[n][];
        captureIds = new int[n][][];
        captureTypes = new Grok.Type[n][][];
        stats = new int[n];
        product = new int[n];
        category = new int[n];
        service = new int[n];
        kvPrefix = new byte[n][];
        jsonPrefix = new byte[n][];
        renameKeys = new byte[n][][];
        renameIds = new int[n][];
        for (int i = 0; i < n; i++) {
            final Extractors.Entry e = entries[i];
            programs[i] = e.program == null ? null : e.program.getBytes(StandardCharsets.UTF_8);
            matches[i] = e.match == null ? null : e.match.getBytes(StandardCharsets.UTF_8);
            matchers[i] = new Matcher[e.grok.size()];
            captureIds[i] = new int[e.grok.size()][];
            captureTypes[i] = new Grok.Type[e.grok.size()][];
            for (int g = 0; g < e.grok.size(); g++) {
                final Grok.Compiled c = e.grok.get(g);
                matchers[i][g] = c.pattern.matcher("");
                captureIds[i][g] = new int[c.fields.length];
                for (int f = 0; f < c.fields.length; f++) {
                    captureIds[i][g][f] = Fields.id(c.fields[f]);
                }
                captureTypes[i][g] = c.types;
            }
            stats[i] = DecoderStats.register("extractor:" + e.name);
            product[i] = Logsources.id(e.product);
            category[i] = Logsources.id(e.category);
            service[i] = Logsources.id(e.service);
            kvPrefix[i] = e.kvPrefix.getBytes(StandardCharsets.UTF_8);
            jsonPrefix[i] = e.jsonPrefix.getBytes(StandardCharsets.UTF_8);
            renameKeys[i] = new byte[e.rename.size()][];
            renameIds[i] = new int[e.rename.size()];
            int r = 0;
            for (final Map.Entry<String, String> m : e.rename.entrySet()) {
                renameKeys[i][r] = m.getKey().getBytes(StandardCharsets.UTF_8);
                renameIds[i][r] = Fields.id(m.getValue());
                r++;
            }
        }
    }

    /** Runs the extractors that apply to this program/message; true when one of them decoded it. */
    boolean apply(final TelemetryEvent e, final byte[] b, final int off, final int end, final byte[] prog,
                  final int pOff, final int pLen) {
        boolean loaded = false;
        for (int i = 0; i < entries.length; i++) {
            if (programs[i] != null && !(pLen == programs[i].length
                && java.util.Arrays.equals(prog, pOff, pOff + pLen, programs[i], 0, pLen))) {
                continue;
            }
            if (matches[i] != null && !Bytes.startsWith(b, off, end, matches[i])) {
                continue;
            }
            final int n = e.fieldCount();
            final long time = e.timestampNanos;
            boolean ok = matchers[i].length == 0;
            if (!ok) {
                if (!loaded) {
                    chars.load(b, off, end);
                    loaded = true;
                }
                for (int g = 0; g < matchers[i].length && !ok; g++) {
                    final Matcher m = matchers[i][g];
                    m.reset(chars);
                    if (m.find()) {
                        captures(e, b, off, m, entries[i].grok.get(g).groups, captureIds[i][g], captureTypes[i][g]);
                        ok = true;
                    }
                }
            }
            if (!ok) {
                continue;
            }
            if (entries[i].kv) {
                // key=value pairs after the literal prefix, when one was configured
                kv(e, b, matches[i] == null ? off : off + matches[i].length, end, i);
            }
            if (entries[i].json) {
                json(e, b, off, end, jsonPrefix[i]);
            }
            if (e.fieldCount() == n && matchers[i].length == 0) {
                e.timestampNanos = time;
                continue;
            }
            if (product[i] != Logsources.UNKNOWN) {
                e.logProduct = product[i];
            }
            if (category[i] != Logsources.UNKNOWN) {
                e.logCategory = category[i];
            }
            if (service[i] != Logsources.UNKNOWN) {
                e.logService = service[i];
            }
            DecoderStats.decoded(stats[i]);
            return true;
        }
        return false;
    }

    private void captures(final TelemetryEvent e, final byte[] b, final int off, final Matcher m, final int[] groups,
                          final int[] ids, final Grok.Type[] types) {
        for (int f = 0; f < groups.length; f++) {
            final int cs = m.start(groups[f]);
            final int ce = m.end(groups[f]);
            if (cs < 0 || ce <= cs || ids[f] == Fields.NO_FIELD) {
                continue;
            }
            final int bs = chars.byteOffset(cs) + off;
            final int be = chars.byteOffset(ce) + off;
            switch (types[f]) {
                case INT:
                case LONG: {
                    int s = bs;
                    if (s < be && b[s] == '+') {
                        s++;
                    }
                    final long v = Bytes.parseLong(b, s, be, Long.MIN_VALUE);
                    if (v != Long.MIN_VALUE && (types[f] == Grok.Type.LONG || v == (int) v)) {
                        e.addField(ids[f], v);
                    }
                    break;
                }
                case IP:
                    Bytes.putIp(e, ids[f], -1, b, bs, be);
                    break;
                case TIMESTAMP: {
                    long t = Times.iso8601(b, bs, be);
                    if (t == Times.NONE) {
                        t = Times.httpDate(b, bs, be);
                    }
                    if (t == Times.NONE) {
                        t = Times.epochAuto(b, bs, be);
                    }
                    if (t == Times.NONE) {
                        t = Times.epochSeconds(b, bs, be);
                    }
                    if (t != Times.NONE) {
                        e.timestampNanos = t;
                    }
                    e.addField(ids[f], b, bs, be - bs);
                    break;
                }
                default:
                    e.addField(ids[f], b, bs, be - bs);
            }
        }
    }

    // --- kv -------------------------------------------------------------------------------------------------

    private void kv(final TelemetryEvent e, final byte[] b, final int off, final int end, final int idx) {
        final Extractors.Entry cfg = entries[idx];
        final byte fs = cfg.fieldSplit;
        final byte vsep = cfg.valueSplit;
        final byte quote = cfg.quote;
        final byte[] prefix = kvPrefix[idx];
        System.arraycopy(prefix, 0, name, 0, Math.min(prefix.length, MAX_NAME));
        int i = off;
        while (i < end) {
            while (i < end && (b[i] == fs || b[i] == ' ')) {
                i++;
            }
            final int ks = i;
            while (i < end && b[i] != vsep && b[i] != fs) {
                i++;
            }
            if (i >= end || b[i] != vsep) {
                continue;
            }
            final int ke = i;
            int vs = i + 1;
            int ve;
            if (vs < end && b[vs] == quote) {
                vs++;
                ve = vs;
                while (ve < end && b[ve] != quote) {
                    ve += b[ve] == '\\' ? 2 : 1;
                }
                ve = Math.min(ve, end);
                i = ve + 1;
            } else {
                ve = vs;
                while (ve < end && b[ve] != fs) {
                    ve++;
                }
                i = ve;
            }
            final int klen = ke - ks;
            if (klen <= 0 || prefix.length + klen > MAX_NAME) {
                continue;
            }
            final int renamed = rename(b, ks, ke, idx);
            if (renamed != Fields.NO_FIELD) {
                e.addField(renamed, b, vs, ve - vs);
                continue;
            }
            System.arraycopy(b, ks, name, prefix.length, klen);
            e.addNamedField(name, 0, prefix.length + klen, b, vs, ve - vs);
        }
    }

    private int rename(final byte[] b, final int ks, final int ke, final int idx) {
        final byte[][] keys = renameKeys[idx];
        for (int r = 0; r < keys.length; r++) {
            if (Bytes.equals(b, ks, ke, keys[r])) {
                return renameIds[idx][r];
            }
        }
        return Fields.NO_FIELD;
    }

    // --- json -----------------------------------------------------------------------------------------------

    private void json(final TelemetryEvent e, final byte[] b, final int off, final int end, final byte[] prefix) {
        final int brace = Bytes.indexOf(b, off, end, (byte) '{');
        if (brace < 0 || prefix.length >= MAX_NAME) {
            return;
        }
        System.arraycopy(prefix, 0, name, 0, prefix.length);
        final int n = e.fieldCount();
        if (value(e, b, brace, end, prefix.length, prefix.length, 0) < 0) {
            e.truncateFields(n);
        }
    }

    private static int ws(final byte[] b, final int from, final int end) {
        int i = from;
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    /** Parses one JSON value at {@code i}; returns the index after it, or -1 when malformed. */
    private int value(final TelemetryEvent e, final byte[] b, final int from, final int end, final int base,
                      final int nameLen, final int depth) {
        int i = ws(b, from, end);
        if (i >= end || depth > MAX_DEPTH) {
            return -1;
        }
        final byte c = b[i];
        if (c == '{') {
            i = ws(b, i + 1, end);
            if (i < end && b[i] == '}') {
                return i + 1;
            }
            while (i < end) {
                if (b[i] != '"') {
                    return -1;
                }
                final int ks = i + 1;
                final int ke = stringEnd(b, ks, end);
                if (ke < 0) {
                    return -1;
                }
                int len = nameLen;
                final boolean fits = nameLen + 1 + (ke - ks) <= MAX_NAME;
                if (fits) {
                    if (nameLen > base) {
                        name[len++] = '.';
                    }
                    System.arraycopy(b, ks, name, len, ke - ks);
                    len += ke - ks;
                }
                i = ws(b, ke + 1, end);
                if (i >= end || b[i] != ':') {
                    return -1;
                }
                i = value(e, b, i + 1, end, base, fits ? len : -1, depth + 1);
                if (i < 0) {
                    return -1;
                }
                i = ws(b, i, end);
                if (i < end && b[i] == ',') {
                    i = ws(b, i + 1, end);
                    continue;
                }
                if (i < end && b[i] == '}') {
                    return i + 1;
                }
                return -1;
            }
            return -1;
        }
        if (c == '[') {
            i = ws(b, i + 1, end);
            if (i < end && b[i] == ']') {
                return i + 1;
            }
            while (i < end) {
                i = value(e, b, i, end, base, nameLen, depth + 1);
                if (i < 0) {
                    return -1;
                }
                i = ws(b, i, end);
                if (i < end && b[i] == ',') {
                    i++;
                    continue;
                }
                if (i < end && b[i] == ']') {
                    return i + 1;
                }
                return -1;
            }
            return -1;
        }
        if (c == '"') {
            final int s = i + 1;
            final int q = stringEnd(b, s, end);
            if (q < 0) {
                return -1;
            }
            if (nameLen > base) {
                string(e, b, s, q, nameLen);
            }
            return q + 1;
        }
        int t = i;
        while (t < end && b[t] != ',' && b[t] != '}' && b[t] != ']' && b[t] != ' ' && b[t] != '\t'
            && b[t] != '\n' && b[t] != '\r') {
            t++;
        }
        if (t == i) {
            return -1;
        }
        final boolean isNull = t - i == 4 && b[i] == 'n';
        if (nameLen > base && !isNull) {
            e.addNamedField(name, 0, nameLen, b, i, t - i);
        }
        return t;
    }

    /** Index of the closing quote of a JSON string starting at {@code s}, or -1. */
    private static int stringEnd(final byte[] b, final int s, final int end) {
        for (int i = s; i < end; i++) {
            if (b[i] == '\\') {
                i++;
            } else if (b[i] == '"') {
                return i;
            }
        }
        return -1;
    }

    private void string(final TelemetryEvent e, final byte[] b, final int s, final int q, final int nameLen) {
        if (Bytes.indexOf(b, s, q, (byte) '\\') < 0) {
            e.addNamedField(name, 0, nameLen, b, s, q - s);
            return;
        }
        final int id = Fields.intern(name, 0, nameLen);
        if (id == Fields.NO_FIELD) {
            return;
        }
        e.beginField(id);
        for (int i = s; i < q; i++) {
            if (b[i] != '\\' || i + 1 >= q) {
                e.appendByte(b[i]);
                continue;
            }
            final byte x = b[++i];
            switch (x) {
                case 'n':
                    e.appendByte((byte) '\n');
                    break;
                case 't':
                    e.appendByte((byte) '\t');
                    break;
                case 'r':
                    e.appendByte((byte) '\r');
                    break;
                case 'b':
                    e.appendByte((byte) '\b');
                    break;
                case 'f':
                    e.appendByte((byte) '\f');
                    break;
                case 'u': {
                    int cp = hex4(b, i + 1, q);
                    if (cp < 0) {
                        e.appendByte(x);
                        break;
                    }
                    i += 4;
                    if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < q + 1 && b[i + 1] == '\\' && i + 2 < q
                        && b[i + 2] == 'u') {
                        final int lo = hex4(b, i + 3, q);
                        if (lo >= 0xDC00 && lo <= 0xDFFF) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            i += 6;
                        }
                    }
                    utf8(e, cp);
                    break;
                }
                default: e.appendByte(x);
            }
        }
        e.endField();
    }

    private static int hex4(final byte[] b, final int s, final int end) {
        if (s + 4 > end) {
            return -1;
        }
        int v = 0;
        for (int i = s; i < s + 4; i++) {
            if (!Bytes.isHex(b[i])) {
                return -1;
            }
            v = v << 4 | Bytes.hexValue(b[i]);
        }
        return v;
    }

    private static void utf8(final TelemetryEvent e, final int cp) {
        if (cp < 0x80) {
            e.appendByte((byte) cp);
        } else if (cp < 0x800) {
            e.appendByte((byte) (0xC0 | cp >> 6));
            e.appendByte((byte) (0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            e.appendByte((byte) (0xE0 | cp >> 12));
            e.appendByte((byte) (0x80 | (cp >> 6 & 0x3F)));
            e.appendByte((byte) (0x80 | (cp & 0x3F)));
        } else {
            e.appendByte((byte) (0xF0 | cp >> 18));
            e.appendByte((byte) (0x80 | (cp >> 12 & 0x3F)));
            e.appendByte((byte) (0x80 | (cp >> 6 & 0x3F)));
            e.appendByte((byte) (0x80 | (cp & 0x3F)));
        }
    }

    /** A reusable CharSequence over the message, with a char-index to byte-offset map for non-ASCII input. */
    static final class Chars implements CharSequence {
        private char[] buf = new char[1024];
        private int[] offsets = new int[1025];
        private int length;
        private boolean ascii;

        void load(final byte[] b, final int off, final int end) {
            final int n = end - off;
            if (buf.length < n) {
                buf = new char[Math.max(n, buf.length * 2)];
            }
            ascii = true;
            for (int i = 0; i < n; i++) {
                final byte c = b[off + i];
                if (c < 0) {
                    ascii = false;
                    break;
                }
                buf[i] = (char) c;
            }
            if (ascii) {
                length = n;
                return;
            }
            if (offsets.length < n + 1) {
                offsets = new int[Math.max(n + 1, offsets.length * 2)];
            }
            int ci = 0;
            int i = 0;
            while (i < n) {
                final int c = b[off + i] & 0xFF;
                final int cp;
                final int len;
                if (c < 0x80) {
                    cp = c;
                    len = 1;
                } else if (c >= 0xC2 && c < 0xE0 && cont(b, off + i + 1, off + n)) {
                    cp = (c & 0x1F) << 6 | (b[off + i + 1] & 0x3F);
                    len = 2;
                } else if (c >= 0xE0 && c < 0xF0 && cont(b, off + i + 1, off + n) && cont(b, off + i + 2, off + n)) {
                    cp = (c & 0x0F) << 12 | (b[off + i + 1] & 0x3F) << 6 | (b[off + i + 2] & 0x3F);
                    len = 3;
                } else if (c >= 0xF0 && c < 0xF5 && cont(b, off + i + 1, off + n) && cont(b, off + i + 2, off + n)
                    && cont(b, off + i + 3, off + n)) {
                    cp = (c & 0x07) << 18 | (b[off + i + 1] & 0x3F) << 12 | (b[off + i + 2] & 0x3F) << 6
                        | (b[off + i + 3] & 0x3F);
                    len = 4;
                } else {
                    cp = 0xFFFD;
                    len = 1;
                }
                if (cp >= 0x10000) {
                    offsets[ci] = i;
                    buf[ci++] = Character.highSurrogate(cp);
                    offsets[ci] = i;
                    buf[ci++] = Character.lowSurrogate(cp);
                } else {
                    offsets[ci] = i;
                    buf[ci++] = (char) cp;
                }
                i += len;
            }
            offsets[ci] = n;
            length = ci;
        }

        private static boolean cont(final byte[] b, final int i, final int end) {
            return i < end && (b[i] & 0xC0) == 0x80;
        }

        /** Byte offset (relative to the message start) of a char index in [0, length]. */
        int byteOffset(final int charIndex) {
            return ascii ? charIndex : offsets[charIndex];
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(final int index) {
            return buf[index];
        }

        @Override
        public CharSequence subSequence(final int start, final int end) {
            return new String(buf, start, end - start);
        }

        @Override
        public String toString() {
            return new String(buf, 0, length);
        }
    }
}
