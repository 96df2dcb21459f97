package io.vigie.rules.compile;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

import java.util.Arrays;

/**
 * Mutable scratch state of one rule worker for evaluating compiled rules: buffers for IP parsing and regex input,
 * reusable RE2/J matchers, and the prefilter's candidate marks. Owned by one thread; never shared. Grows rarely
 * (first sight of a regex slot or a larger rule set), then allocates nothing.
 */
public final class EvalScratch {
    final long[] ip = new long[2];
    final int[] groups = new int[10];
    final CharView chars = new CharView();
    private Matcher[] matchers = new Matcher[16];
    int[] marks = new int[64];
    int epoch;
    int[] candidates = new int[64];

    /** Creates empty scratch state; sizes grow on first use. */
    public EvalScratch() {
    }

    Matcher matcher(final int slot, final Pattern pattern) {
        if (slot >= matchers.length) {
            matchers = Arrays.copyOf(matchers, Math.max(slot + 1, matchers.length * 2));
        }
        Matcher m = matchers[slot];
        if (m == null || !samePattern(m, pattern)) {
            m = pattern.matcher(chars);
            matchers[slot] = m;
        }
        return m;
    }

    private Object routeOwner;
    private long[] routeKeys = new long[16];
    private Object[] routeValues = new Object[16];
    private int routeCount;

    /** The cached route of a logsource key for this rule set, or null. No allocation. */
    Prefilter cachedRoute(final Object owner, final long key) {
        if (owner != routeOwner) {
            return null;
        }
        final long[] k = routeKeys;
        for (int i = 0, n = routeCount; i < n; i++) {
            if (k[i] == key) {
                return (Prefilter) routeValues[i];
            }
        }
        return null;
    }

    void cacheRoute(final Object owner, final long key, final Prefilter route) {
        if (owner != routeOwner) {
            routeOwner = owner;
            routeCount = 0;
            Arrays.fill(routeValues, null);
        }
        if (routeCount == routeKeys.length) {
            routeKeys = Arrays.copyOf(routeKeys, routeCount * 2);
            routeValues = Arrays.copyOf(routeValues, routeCount * 2);
        }
        routeKeys[routeCount] = key;
        routeValues[routeCount++] = route;
    }

    /** Prepares marks and candidate buffers for a rule set of {@code size} rules and starts a new epoch. */
    void beginCandidates(final int size) {
        if (marks.length < size) {
            marks = new int[Math.max(size, marks.length * 2)];
            candidates = new int[marks.length];
            epoch = 0;
        }
        epoch++;
        if (epoch == 0) {
            Arrays.fill(marks, 0);
            epoch = 1;
        }
    }

    /** A reusable CharSequence over UTF-8 bytes decoded to UTF-16 (for RE2/J, which reads chars). */
    static final class CharView implements CharSequence {
        char[] buf = new char[256];
        int length;

        /** Decodes UTF-8 (malformed bytes become U+FFFD) into the buffer; grows it rarely. */
        void set(final byte[] b, final int off, final int len) {
            if (buf.length < len) {
                buf = new char[Math.max(len, buf.length * 2)];
            }
            int n = 0;
            int i = off;
            final int end = off + len;
            while (i < end) {
                final int c = b[i] & 0xFF;
                if (c < 0x80) {
                    buf[n++] = (char) c;
                    i++;
                    continue;
                }
                final int need;
                int cp;
                if (c >= 0xC2 && c <= 0xDF) {
                    need = 1;
                    cp = c & 0x1F;
                } else if (c >= 0xE0 && c <= 0xEF) {
                    need = 2;
                    cp = c & 0x0F;
                } else if (c >= 0xF0 && c <= 0xF4) {
                    need = 3;
                    cp = c & 0x07;
                } else {
                    buf[n++] = '\uFFFD';
                    i++;
                    continue;
                }
                if (i + need >= end) {
                    buf[n++] = '\uFFFD';
                    i++;
                    continue;
                }
                boolean ok = true;
                for (int k = 1; k <= need; k++) {
                    final int cc = b[i + k] & 0xFF;
                    if ((cc & 0xC0) != 0x80) {
                        ok = false;
                        break;
                    }
                    cp = (cp << 6) | (cc & 0x3F);
                }
                if (!ok) {
                    buf[n++] = '\uFFFD';
                    i++;
                    continue;
                }
                i += need + 1;
                if (cp >= 0x10000) {
                    buf[n++] = Character.highSurrogate(cp);
                    buf[n++] = Character.lowSurrogate(cp);
                } else {
                    buf[n++] = (char) cp;
                }
            }
            length = n;
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

    /** Identity on purpose: one compiled pattern per matcher slot; its Matcher is reused while the slot keeps it. */
    @SuppressWarnings("ReferenceEquality")
    private static boolean samePattern(final Matcher m, final Pattern pattern) {
        return m.pattern() == pattern;
    }
}
