package io.vigie.rules.compile;

import com.google.re2j.Pattern;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The matcher tree of a compiled rule: condition nodes over field, keyword and value tests. Immutable and shared by
 * all rule workers; evaluation (event path) reads the event's field table and arena, allocates nothing, and keeps
 * per-thread state only in the {@link EvalScratch} it is given.
 */
final class Matchers {
    private Matchers() {
    }

    // ================================================================ value tests (one value's bytes)

    /** A test on one field value. */
    abstract static class ValueTest {
        abstract boolean test(byte[] b, int off, int len, EvalScratch s);

        /** A lower-cased byte string every matching value contains, or null (for the prefilter). */
        byte[] literal() {
            return null;
        }

        /** Relative cost: cheap tests are evaluated first. */
        int cost() {
            return 1;
        }
    }

    /** Whole-value equality. */
    static final class Exact extends ValueTest {
        final byte[] needle;
        final boolean ci;

        Exact(final byte[] needle, final boolean ci) {
            this.needle = ci ? ByteOps.lower(needle) : needle;
            this.ci = ci;
        }

        @Override
        boolean test(final byte[] b, final int off, final int len, final EvalScratch s) {
            return len == needle.length && ByteOps.equalsAt(b, off, needle, ci);
        }

        @Override
        byte[] literal() {
            return needle.length == 0 ? null : ByteOps.lower(needle);
        }
    }

    /** Value starts with the needle. */
    static final class Prefix extends ValueTest {
        final byte[] needle;
        final boolean ci;

        Prefix(final byte[] needle, final boolean ci) {
            this.needle = ci ? ByteOps.lower(needle) : needle;
            this.ci = ci;
        }

        @Override
        boolean test(final byte[] b, final int off, final int len, final EvalScratch s) {
            return len >= needle.length && ByteOps.equalsAt(b, off, needle, ci);
        }

        @Override
        byte[] literal() {
            return needle.length == 0 ? null : ByteOps.lower(needle);
        }
    }

    /** Value ends with the needle. */
    static final class Suffix extends ValueTest {
        final byte[] needle;
        final boolean ci;

        Suffix(final byte[] needle, final boolean ci) {
            this.needle = ci ? ByteOps.lower(needle) : needle;
            this.ci = ci;
        }

        @Override
        boolean test(final byte[] b, final int off, final int len, final EvalScratch s) {
            return len >= needle.length && ByteOps.equalsAt(b, off + len - needle.length, needle, ci);
        }

        @Override
        byte[] literal() {
            return needle.length == 0 ? null : ByteOps.lower(needle);
        }
    }

    /** Value contains the needle. */
    static final class Contains extends ValueTest {
        final byte[] needle;
        final boolean ci;

        Contains(final byte[] needle, final boolean ci) {
            this.needle = ci ? ByteOps.lower(needle) : needle;
            this.ci = ci;
        }

        @Override
        boolean test(final byte[] b, final int off, final int len, final EvalScratch s) {
            return ByteOps.indexOf(b, off, len, needle, ci) >= 0;
        }

        @Override
        byte[] literal() {
            return needle.length == 0 ? null : ByteOps.lower(needle);
        }

        @Override
        int cost() {
            return 2;
        }
    }

    /** Sigma wildcard pattern over the whole value. */
    static final class Glob extends ValueTest {
        final int[] units;
        final boolean ci;

        Glob(final int[] units, final boolean ci) {
            this.units = units.clone();
            if (ci) {
                for (int i = 0; i < units.length; i++) {
                    if (units[i] >= 0) {
                        this.units[i] = ByteOps.LOWER[units[i]] & 0xFF;
                    }
                }
            }
            this.ci = ci;
        }

        @Override
        boolean test(final byte[] b, final int off, final int len, final EvalScratch s) {
            return ByteOps.glob(units, b, off, len, ci);
        }

        @Override
        byte[] literal() {
            int bestStart = 0;
            int bestLen = 0;
            int start = 0;
            for (int i = 0; i <= units.length; i++) {
                if (i == units.length || units[i] < 0) {
                    if (i - start > bestLen) {
                        bestStart = start;
                        bestLen = i - start;
                    }
                    start = i + 1;
                }
            }
            if (bestLen == 0) {
                return null;
            }
            final byte[] out = new byte[bestLen];
            for (int i = 0; i < bestLen; i++) {
                out[i] = ByteOps.LOWER[units[bestStart + i]];
            }
            return out;
        }

        @Override
        int cost() {
            return 3;
        }
    }

    /** A YAML number: the value's text equals the number's text, or the value parses to the same number. */
    static final class NumberEquals extends ValueTest {
        final byte[] text;
        final double value;

        NumberEquals(final byte[] text, final double value) {
            this.text = text;
            this.value = value;
        }

        @Override
        boolean test(final byte[] b, final int off, final int len, final EvalScratch s) {
            if (len == text.length && ByteOps.equalsAt(b, off, text, true)) {
                return true;
            }
            final double v = ByteOps.parseNumber(b, off, len);
            return v == value;
        }
    }

    /** lt / lte / gt / gte against a numeric threshold; non-numeric values never match. */
    static final class NumberCompare extends ValueTest {
        static final int LT = 0;
        static final int LTE = 1;
        static final int GT = 2;
        static final int GTE = 3;
        final int op;
        final double threshold;

        NumberCompare(final int op, final double threshold) {
            this.op = op;
            this.threshold = threshold;
        }

        @Override
        boolean test(final byte[] b, final int off, final int len, final EvalScratch s) {
            final double v = ByteOps.parseNumber(b, off, len);
            if (Double.isNaN(v)) {
                return false;
            }
            switch (op) {
                case LT:
                    return v < threshold;
                case LTE:
                    return v <= threshold;
                case GT:
                    return v > threshold;
                default:
                    return v >= threshold;
            }
        }
    }

    /**
     * RE2/J regular expression, unanchored search (linear time). When the pattern has a literal every match must
     * contain ({@link #requiredLiteral}), a case-insensitive byte search for it runs first and skips RE2/J (which
     * allocates a small input wrapper per search) on values that cannot match.
     */
    static final class Regex extends ValueTest {
        final Pattern pattern;
        final int slot;
        final byte[] literal;

        Regex(final Pattern pattern, final int slot) {
            this.pattern = pattern;
            this.slot = slot;
            final String lit = requiredLiteral(pattern.pattern());
            this.literal = lit == null || lit.length() < 3 ? null
                : ByteOps.lower(lit.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }

        @Override
        boolean test(final byte[] b, final int off, final int len, final EvalScratch s) {
            if (literal != null && ByteOps.indexOf(b, off, len, literal, true) < 0) {
                return false;
            }
            s.chars.set(b, off, len);
            final com.google.re2j.Matcher m = s.matcher(slot, pattern);
            m.reset(s.chars);
            return m.find();
        }

        @Override
        byte[] literal() {
            return literal;
        }

        @Override
        int cost() {
            return 20;
        }
    }

    /**
     * The longest run of ASCII characters that every match of the regex contains, or null. Conservative: gives up
     * on top-level alternation; groups, classes, escapes of letters/digits, anchors and {@code .} end a run; a
     * character followed by {@code ?}, {@code *} or an opening brace is optional and dropped.
     */
    static String requiredLiteral(final String re) {
        String best = "";
        final StringBuilder run = new StringBuilder();
        int i = 0;
        final int n = re.length();
        while (i < n) {
            final char c = re.charAt(i);
            if (c == '|') {
                return null;
            }
            if (c == '(' || c == '[') {
                if (run.length() > best.length()) {
                    best = run.toString();
                }
                run.setLength(0);
                i = c == '(' ? skipGroup(re, i) : skipClass(re, i);
                if (i < 0) {
                    return null;
                }
                continue;
            }
            if (c == '?' || c == '*' || c == '{') {
                if (run.length() > 0) {
                    run.setLength(run.length() - 1);
                }
                if (run.length() > best.length()) {
                    best = run.toString();
                }
                run.setLength(0);
                i++;
                continue;
            }
            if (c == '+') {
                if (run.length() > best.length()) {
                    best = run.toString();
                }
                run.setLength(0);
                i++;
                continue;
            }
            final char lit;
            int next = i + 1;
            if (c == '\\') {
                if (i + 1 >= n) {
                    return null;
                }
                final char e = re.charAt(i + 1);
                next = i + 2;
                if (Character.isLetterOrDigit(e) || e >= 0x80) {
                    if (run.length() > best.length()) {
                        best = run.toString();
                    }
                    run.setLength(0);
                    i = next;
                    continue;
                }
                lit = e;
            } else if (c == '.' || c == '^' || c == '$' || c == ')' || c == ']' || c == '}' || c >= 0x80
                || c < 0x20) {
                if (run.length() > best.length()) {
                    best = run.toString();
                }
                run.setLength(0);
                i++;
                continue;
            } else {
                lit = c;
            }
            // a quantifier right after makes this character optional (handled above by dropping it)
            run.append(lit);
            i = next;
        }
        if (run.length() > best.length()) {
            best = run.toString();
        }
        return best.isEmpty() ? null : best;
    }

    private static int skipGroup(final String re, final int start) {
        int depth = 0;
        for (int i = start; i < re.length(); i++) {
            final char c = re.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                i = skipClass(re, i) - 1;
                if (i < 0) {
                    return -1;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    private static int skipClass(final String re, final int start) {
        int i = start + 1;
        if (i < re.length() && re.charAt(i) == '^') {
            i++;
        }
        if (i < re.length() && re.charAt(i) == ']') {
            i++;
        }
        for (; i < re.length(); i++) {
            final char c = re.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ']') {
                return i + 1;
            }
        }
        return -1;
    }

    /** The value parsed as an IPv4/IPv6 address lies in a CIDR range. */
    static final class Cidr extends ValueTest {
        final boolean v4;
        final long hi;
        final long lo;
        final long maskHi;
        final long maskLo;

        Cidr(final boolean v4, final long hi, final long lo, final int prefix) {
            this.v4 = v4;
            final int bits = v4 ? 96 + prefix : prefix;
            this.maskHi = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
            this.maskLo = bits <= 64 ? 0 : bits >= 128 ? -1L : -1L << (128 - bits);
            this.hi = hi & maskHi;
            this.lo = lo & maskLo;
        }

        @Override
        boolean test(final byte[] b, final int off, final int len, final EvalScratch s) {
            final int family = ByteOps.parseIp(b, off, len, s.ip, s.groups);
            if (family == 0 || (family == 4) != v4) {
                return false;
            }
            return (s.ip[0] & maskHi) == hi && (s.ip[1] & maskLo) == lo;
        }
    }

    // ================================================================ condition nodes

    /** A node of the condition tree. */
    abstract static class Node {
        abstract boolean eval(TelemetryEvent e, EvalScratch s);

        /** Literals one of which every matching event holds (the prefilter), or null. */
        Req req() {
            return null;
        }

        int cost() {
            return 1;
        }
    }

    /** One literal the prefilter can look for: in fields {@code ids}, or in keyword scope when ids is null. */
    static final class Lit {
        final int[] ids;
        final byte[] bytes;

        Lit(final int[] ids, final byte[] bytes) {
            this.ids = ids;
            this.bytes = bytes;
        }
    }

    /** A disjunction of literals: a matching event contains at least one of them. */
    static final class Req {
        final List<Lit> lits;

        Req(final List<Lit> lits) {
            this.lits = lits;
        }

        int minLength() {
            int m = Integer.MAX_VALUE;
            for (final Lit l : lits) {
                m = Math.min(m, l.bytes.length);
            }
            return m;
        }

        static Req better(final Req a, final Req b) {
            if (a == null) {
                return b;
            }
            if (b == null) {
                return a;
            }
            final int la = Math.min(a.minLength(), 4);
            final int lb = Math.min(b.minLength(), 4);
            if (la != lb) {
                return la > lb ? a : b;
            }
            return a.lits.size() <= b.lits.size() ? a : b;
        }

        static Req union(final Req a, final Req b) {
            if (a == null || b == null) {
                return null;
            }
            final List<Lit> l = new ArrayList<>(a.lits);
            l.addAll(b.lits);
            return new Req(l);
        }
    }

    static final class And extends Node {
        final Node[] children;

        And(final Node[] children) {
            this.children = children;
        }

        @Override
        boolean eval(final TelemetryEvent e, final EvalScratch s) {
            for (final Node c : children) {
                if (!c.eval(e, s)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        Req req() {
            Req best = null;
            for (final Node c : children) {
                best = Req.better(best, c.req());
            }
            return best;
        }

        @Override
        int cost() {
            int c = 0;
            for (final Node n : children) {
                c += n.cost();
            }
            return c;
        }
    }

    static final class Or extends Node {
        final Node[] children;

        Or(final Node[] children) {
            this.children = children;
        }

        @Override
        boolean eval(final TelemetryEvent e, final EvalScratch s) {
            for (final Node c : children) {
                if (c.eval(e, s)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        Req req() {
            if (children.length == 0) {
                return null;
            }
            Req r = children[0].req();
            for (int i = 1; i < children.length && r != null; i++) {
                r = Req.union(r, children[i].req());
            }
            return r;
        }

        @Override
        int cost() {
            int c = 0;
            for (final Node n : children) {
                c += n.cost();
            }
            return c;
        }
    }

    static final class Not extends Node {
        final Node child;

        Not(final Node child) {
            this.child = child;
        }

        @Override
        boolean eval(final TelemetryEvent e, final EvalScratch s) {
            return !child.eval(e, s);
        }

        @Override
        int cost() {
            return child.cost();
        }
    }

    /**
     * Tests on the values of one Sigma field (resolved to one or more event field ids): OR of the tests, or AND with
     * the {@code all} modifier. A test holds when any value of any of the ids passes it (multi-valued fields).
     */
    static final class FieldNode extends Node {
        final int[] ids;
        final ValueTest[] tests;
        final boolean all;

        FieldNode(final int[] ids, final ValueTest[] tests, final boolean all) {
            this.ids = ids;
            this.tests = tests;
            this.all = all;
        }

        @Override
        boolean eval(final TelemetryEvent e, final EvalScratch s) {
            final byte[] arena = e.arena();
            if (!all) {
                // OR: one pass over the field's values, every test on each value
                for (final int id : ids) {
                    for (int i = e.indexOf(id); i >= 0; i = e.nextIndexOf(id, i)) {
                        final int off = e.valueOffset(i);
                        final int len = e.valueLength(i);
                        for (final ValueTest t : tests) {
                            if (t.test(arena, off, len, s)) {
                                return true;
                            }
                        }
                    }
                }
                return false;
            }
            for (final ValueTest t : tests) {
                boolean hit = false;
                outer:
                for (final int id : ids) {
                    for (int i = e.indexOf(id); i >= 0; i = e.nextIndexOf(id, i)) {
                        if (t.test(arena, e.valueOffset(i), e.valueLength(i), s)) {
                            hit = true;
                            break outer;
                        }
                    }
                }
                if (!hit) {
                    // AND (the all modifier; OR returned above): one test without a hit fails the whole
                    return false;
                }
            }
            return true;
        }

        @Override
        Req req() {
            return testsReq(ids, tests, all);
        }

        @Override
        int cost() {
            int c = 0;
            for (final ValueTest t : tests) {
                c += t.cost();
            }
            return c;
        }
    }

    static Req testsReq(final int[] ids, final ValueTest[] tests, final boolean all) {
        if (all) {
            Req best = null;
            for (final ValueTest t : tests) {
                final byte[] l = t.literal();
                if (l != null) {
                    final List<Lit> one = new ArrayList<>(1);
                    one.add(new Lit(ids, l));
                    best = Req.better(best, new Req(one));
                }
            }
            return best;
        }
        final List<Lit> lits = new ArrayList<>(tests.length);
        for (final ValueTest t : tests) {
            final byte[] l = t.literal();
            if (l == null) {
                return null;
            }
            lits.add(new Lit(ids, l));
        }
        return lits.isEmpty() ? null : new Req(lits);
    }

    /** Sigma {@code null}: no value of the field is present with a non-empty value. */
    static final class NullNode extends Node {
        final int[] ids;

        NullNode(final int[] ids) {
            this.ids = ids;
        }

        @Override
        boolean eval(final TelemetryEvent e, final EvalScratch s) {
            for (final int id : ids) {
                for (int i = e.indexOf(id); i >= 0; i = e.nextIndexOf(id, i)) {
                    if (e.valueLength(i) > 0) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** {@code exists}: the field is (or is not) present, whatever its value. */
    static final class ExistsNode extends Node {
        final int[] ids;
        final boolean expected;

        ExistsNode(final int[] ids, final boolean expected) {
            this.ids = ids;
            this.expected = expected;
        }

        @Override
        boolean eval(final TelemetryEvent e, final EvalScratch s) {
            for (final int id : ids) {
                if (e.indexOf(id) >= 0) {
                    return expected;
                }
            }
            return !expected;
        }
    }

    /** {@code fieldref}: compares a field's values with the values of another field of the same event. */
    static final class FieldRefNode extends Node {
        static final int EQUALS = 0;
        static final int PREFIX = 1;
        static final int SUFFIX = 2;
        static final int CONTAINS = 3;
        final int[] ids;
        final int[][] refs;
        final int kind;
        final boolean ci;
        final boolean all;

        FieldRefNode(final int[] ids, final int[][] refs, final int kind, final boolean ci, final boolean all) {
            this.ids = ids;
            this.refs = refs;
            this.kind = kind;
            this.ci = ci;
            this.all = all;
        }

        @Override
        boolean eval(final TelemetryEvent e, final EvalScratch s) {
            for (final int[] ref : refs) {
                final boolean hit = anyPair(e, ref);
                if (hit != all) {
                    // all: one test without a hit fails the whole; any: one hit is enough
                    return hit;
                }
            }
            return all;
        }

        private boolean anyPair(final TelemetryEvent e, final int[] ref) {
            final byte[] a = e.arena();
            for (final int id : ids) {
                for (int i = e.indexOf(id); i >= 0; i = e.nextIndexOf(id, i)) {
                    for (final int rid : ref) {
                        for (int j = e.indexOf(rid); j >= 0; j = e.nextIndexOf(rid, j)) {
                            if (compare(a, e.valueOffset(i), e.valueLength(i), e.valueOffset(j), e.valueLength(j))) {
                                return true;
                            }
                        }
                    }
                }
            }
            return false;
        }

        private boolean compare(final byte[] a, final int vo, final int vl, final int ro, final int rl) {
            switch (kind) {
                case EQUALS:
                    return vl == rl && region(a, vo, ro, rl);
                case PREFIX:
                    return vl >= rl && region(a, vo, ro, rl);
                case SUFFIX:
                    return vl >= rl && region(a, vo + vl - rl, ro, rl);
                default:
                    for (int k = vo, last = vo + vl - rl; k <= last; k++) {
                        if (region(a, k, ro, rl)) {
                            return true;
                        }
                    }
                    return false;
            }
        }

        private boolean region(final byte[] a, final int x, final int y, final int n) {
            for (int k = 0; k < n; k++) {
                final byte p = a[x + k];
                final byte q = a[y + k];
                if (p != q && (!ci || ByteOps.LOWER[p & 0xFF] != ByteOps.LOWER[q & 0xFF])) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Keyword (full-text) search: each test runs on the {@code message} field when the event has one, else on every
     * field value. OR of the tests, or AND with {@code all}.
     */
    static final class KeywordNode extends Node {
        final ValueTest[] tests;
        final boolean all;

        KeywordNode(final ValueTest[] tests, final boolean all) {
            this.tests = tests;
            this.all = all;
        }

        @Override
        boolean eval(final TelemetryEvent e, final EvalScratch s) {
            final byte[] arena = e.arena();
            final boolean hasMessage = e.indexOf(Fields.MESSAGE) >= 0;
            for (final ValueTest t : tests) {
                boolean hit = false;
                if (hasMessage) {
                    for (int i = e.indexOf(Fields.MESSAGE); i >= 0; i = e.nextIndexOf(Fields.MESSAGE, i)) {
                        if (t.test(arena, e.valueOffset(i), e.valueLength(i), s)) {
                            hit = true;
                            break;
                        }
                    }
                } else {
                    for (int i = 0, n = e.fieldCount(); i < n; i++) {
                        if (t.test(arena, e.valueOffset(i), e.valueLength(i), s)) {
                            hit = true;
                            break;
                        }
                    }
                }
                if (hit != all) {
                    // all: one test without a hit fails the whole; any: one hit is enough
                    return hit;
                }
            }
            return all;
        }

        @Override
        Req req() {
            return testsReq(null, tests, all);
        }

        @Override
        int cost() {
            return 5 * tests.length;
        }
    }

    static final class Const extends Node {
        final boolean value;

        Const(final boolean value) {
            this.value = value;
        }

        @Override
        boolean eval(final TelemetryEvent e, final EvalScratch s) {
            return value;
        }
    }
}
