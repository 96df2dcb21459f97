package io.vigie.rules.compile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Sigma string values at compile time: escape parsing, placeholder expansion and the transformation modifiers
 * (windash, base64, base64offset, utf16*, contains/startswith/endswith), then classification into value tests.
 * A value is a Java string in which {@link #STAR} and {@link #QMARK} mark wildcards; a "binary" value (after a
 * utf16 modifier) holds one byte per char.
 */
final class SigmaValues {
    static final char STAR = '\uE000';
    static final char QMARK = '\uE001';
    private static final int MAX_VARIANTS = 4096;

    private SigmaValues() {
    }

    /** A value being transformed. */
    static final class Val {
        final String s;
        final boolean binary;

        Val(final String s, final boolean binary) {
            this.s = s;
            this.binary = binary;
        }
    }

    /** Parses Sigma escapes ({@code \*}, {@code \?}, {@code \\}; other backslashes are literal) and wildcards. */
    static String parse(final String raw) {
        final StringBuilder b = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            final char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                final char n = raw.charAt(i + 1);
                if (n == '*' || n == '?' || n == '\\') {
                    b.append(n);
                    i++;
                    continue;
                }
                b.append('\\');
            } else if (c == '*') {
                b.append(STAR);
            } else if (c == '?') {
                b.append(QMARK);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Expands {@code %name%} placeholders (the {@code expand} modifier; {@code \%} is a plain percent) into every
     * combination of the configured values.
     */
    static List<String> expand(final String raw, final Map<String, List<String>> placeholders)
            throws RuleException {
        final List<StringBuilder> out = new ArrayList<>();
        out.add(new StringBuilder());
        final StringBuilder literal = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            final char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length() && raw.charAt(i + 1) == '%') {
                literal.append('%');
                i++;
            } else if (c == '%') {
                final int end = raw.indexOf('%', i + 1);
                if (end < 0) {
                    literal.append(c);
                    continue;
                }
                final String name = raw.substring(i + 1, end);
                final List<String> values = placeholders == null ? null : placeholders.get(name);
                if (values == null || values.isEmpty()) {
                    throw RuleException.unsupported("placeholder %" + name + "% has no value (expand modifier)");
                }
                final String lit = parse(literal.toString());
                literal.setLength(0);
                final List<StringBuilder> next = new ArrayList<>();
                for (final StringBuilder prefix : out) {
                    for (final String v : values) {
                        next.add(new StringBuilder(prefix).append(lit).append(parse(v)));
                    }
                }
                if (next.size() > MAX_VARIANTS) {
                    throw RuleException.unsupported("placeholder expansion gives too many values");
                }
                out.clear();
                out.addAll(next);
                i = end;
            } else {
                literal.append(c);
            }
        }
        final String tail = parse(literal.toString());
        final List<String> result = new ArrayList<>(out.size());
        for (final StringBuilder b : out) {
            result.add(b.append(tail).toString());
        }
        return result;
    }

    /** The windash modifier as pySigma: each {@code -} or {@code /} at {@code \B[-/]\b} becomes each of 5 dashes. */
    static List<Val> windash(final Val v) throws RuleException {
        final List<Val> out = new ArrayList<>();
        if (v.binary) {
            out.add(v);
            return out;
        }
        final String s = v.s;
        final List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if ((c == '-' || c == '/') && (i == 0 || !isWord(s.charAt(i - 1)))
                && i + 1 < s.length() && isWord(s.charAt(i + 1))) {
                positions.add(i);
            }
        }
        final char[] dashes = {'-', '/', '\u2013', '\u2014', '\u2015'};
        long total = 1;
        for (int i = 0; i < positions.size(); i++) {
            total *= dashes.length;
            if (total > MAX_VARIANTS) {
                throw RuleException.unsupported("windash gives too many variants");
            }
        }
        final char[] chars = s.toCharArray();
        for (long k = 0; k < total; k++) {
            long r = k;
            for (final int p : positions) {
                chars[p] = dashes[(int) (r % dashes.length)];
                r /= dashes.length;
            }
            out.add(new Val(new String(chars), false));
        }
        return out;
    }

    private static boolean isWord(final char c) {
        return c == '_' || (c < STAR && Character.isLetterOrDigit(c));
    }

    /** The value's bytes for encodings (no wildcards allowed). */
    private static byte[] bytes(final Val v, final String modifier) throws RuleException {
        if (v.s.indexOf(STAR) >= 0 || v.s.indexOf(QMARK) >= 0) {
            throw RuleException.unsupported(modifier + " of a value with wildcards");
        }
        if (v.binary) {
            final byte[] b = new byte[v.s.length()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) v.s.charAt(i);
            }
            return b;
        }
        return v.s.getBytes(StandardCharsets.UTF_8);
    }

    static Val base64(final Val v) throws RuleException {
        return new Val(Base64.getEncoder().encodeToString(bytes(v, "base64")), false);
    }

    /** pySigma's base64offset: the stable middle of the encoding at byte offsets 0, 1 and 2 (empty ones dropped). */
    static List<Val> base64offset(final Val v) throws RuleException {
        final byte[] value = bytes(v, "base64offset");
        final int[] start = {0, 2, 3};
        final int[] endTrim = {0, 3, 2};
        final List<Val> out = new ArrayList<>(3);
        if (value.length == 0) {
            return out;
        }
        for (int i = 0; i < 3; i++) {
            final byte[] shifted = new byte[value.length + i];
            for (int k = 0; k < i; k++) {
                shifted[k] = ' ';
            }
            System.arraycopy(value, 0, shifted, i, value.length);
            final String enc = Base64.getEncoder().encodeToString(shifted);
            final int end = enc.length() - endTrim[(value.length + i) % 3];
            if (end > start[i]) {
                out.add(new Val(enc.substring(start[i], end), false));
            }
        }
        return out;
    }

    /** utf16le / utf16be / utf16 (with a little-endian BOM) / wide: one byte per char; wildcards kept. */
    static Val utf16(final Val v, final String kind) {
        final StringBuilder b = new StringBuilder(v.s.length() * 2 + 2);
        if ("utf16".equals(kind)) {
            b.append((char) 0xFF).append((char) 0xFE);
        }
        final boolean be = "utf16be".equals(kind);
        for (int i = 0; i < v.s.length(); i++) {
            final char c = v.s.charAt(i);
            if (c == STAR || c == QMARK) {
                b.append(c);
            } else if (be) {
                b.append((char) (c >>> 8)).append((char) (c & 0xFF));
            } else {
                b.append((char) (c & 0xFF)).append((char) (c >>> 8));
            }
        }
        return new Val(b.toString(), true);
    }

    static Val wrap(final Val v, final boolean before, final boolean after) {
        String s = v.s;
        if (before && (s.isEmpty() || s.charAt(0) != STAR)) {
            s = STAR + s;
        }
        if (after && (s.isEmpty() || s.charAt(s.length() - 1) != STAR)) {
            s = s + STAR;
        }
        return new Val(s, v.binary);
    }

    /** Bytes and wildcard units of a final value ({@link ByteOps#STAR}, {@link ByteOps#QMARK}). */
    static int[] units(final Val v) {
        final List<Integer> out = new ArrayList<>();
        final StringBuilder run = new StringBuilder();
        for (int i = 0; i <= v.s.length(); i++) {
            final char c = i < v.s.length() ? v.s.charAt(i) : STAR;
            final boolean wild = i < v.s.length() && (c == STAR || c == QMARK);
            if (i == v.s.length() || wild) {
                if (v.binary) {
                    for (int k = 0; k < run.length(); k++) {
                        out.add(run.charAt(k) & 0xFF);
                    }
                } else {
                    for (final byte b : run.toString().getBytes(StandardCharsets.UTF_8)) {
                        out.add(b & 0xFF);
                    }
                }
                run.setLength(0);
                if (wild) {
                    out.add(c == STAR ? ByteOps.STAR : ByteOps.QMARK);
                }
            } else {
                run.append(c);
            }
        }
        final int[] u = new int[out.size()];
        for (int i = 0; i < u.length; i++) {
            u[i] = out.get(i);
        }
        return u;
    }

    /** The cheapest test for a final value: exact, prefix, suffix, contains, or a general wildcard match. */
    static Matchers.ValueTest test(final Val v, final boolean ci) {
        final int[] u = units(v);
        int wild = 0;
        for (final int x : u) {
            if (x < 0) {
                wild++;
            }
        }
        if (wild == 0) {
            return new Matchers.Exact(toBytes(u, 0, u.length), ci);
        }
        final boolean lead = u[0] == ByteOps.STAR;
        final boolean trail = u[u.length - 1] == ByteOps.STAR;
        if (wild == 1 && trail && !lead) {
            return new Matchers.Prefix(toBytes(u, 0, u.length - 1), ci);
        }
        if (wild == 1 && lead && !trail) {
            return new Matchers.Suffix(toBytes(u, 1, u.length), ci);
        }
        if (wild == 2 && lead && trail && u.length >= 2) {
            return new Matchers.Contains(toBytes(u, 1, u.length - 1), ci);
        }
        return new Matchers.Glob(u, ci);
    }

    private static byte[] toBytes(final int[] u, final int from, final int to) {
        final byte[] b = new byte[to - from];
        for (int i = from; i < to; i++) {
            b[i - from] = (byte) u[i];
        }
        return b;
    }
}
