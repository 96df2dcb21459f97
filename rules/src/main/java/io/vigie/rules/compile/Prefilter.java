package io.vigie.rules.compile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of one event logsource (a route) and their literal index. A rule whose detection requires one of a set
 * of literals in given fields (see {@link Matchers.Node#req()}) is a candidate only when an Aho-Corasick scan of
 * those fields' lower-cased values finds one; other rules are always candidates. Immutable after construction.
 */
final class Prefilter {
    /** Every rule of the route (ascending indexes). */
    final int[] all;
    /** Rules with no literal requirement (ascending indexes). */
    final int[] always;
    /** Field ids to scan, with their automaton. */
    final int[] scanFields;
    final Automaton[] scanAutomata;
    /** Automaton for keyword literals (message, else every field value), or null. */
    final Automaton keyword;

    Prefilter(final List<CompiledRule> rules) {
        final List<Integer> allList = new ArrayList<>();
        final List<Integer> alwaysList = new ArrayList<>();
        final Map<Integer, Map<String, Set<Integer>>> byField = new LinkedHashMap<>();
        final Map<String, Set<Integer>> keywordLits = new LinkedHashMap<>();
        for (final CompiledRule r : rules) {
            allList.add(r.index());
            if (r.req == null) {
                alwaysList.add(r.index());
                continue;
            }
            for (final Matchers.Lit lit : r.req.lits) {
                final String key = new String(lit.bytes, StandardCharsets.ISO_8859_1);
                if (lit.ids == null) {
                    keywordLits.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(r.index());
                } else {
                    for (final int id : lit.ids) {
                        byField.computeIfAbsent(id, k -> new LinkedHashMap<>())
                            .computeIfAbsent(key, k -> new LinkedHashSet<>()).add(r.index());
                    }
                }
            }
        }
        all = toArray(allList);
        always = toArray(alwaysList);
        scanFields = new int[byField.size()];
        scanAutomata = new Automaton[byField.size()];
        int i = 0;
        for (final Map.Entry<Integer, Map<String, Set<Integer>>> e : byField.entrySet()) {
            scanFields[i] = e.getKey();
            scanAutomata[i] = new Automaton(e.getValue());
            i++;
        }
        keyword = keywordLits.isEmpty() ? null : new Automaton(keywordLits);
    }

    private static int[] toArray(final List<Integer> l) {
        final int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        Arrays.sort(a);
        return a;
    }

    /**
     * Aho-Corasick automaton over ASCII-folded bytes, as a dense DFA over byte classes (bytes absent from every
     * pattern share class 0). Matches mark the patterns' rules as candidates in the scratch.
     *
     * <p>Transition table layout: {@code delta[row + class]}, where {@code row = state * classes}, holds the next
     * state's row, complemented (negative) when that state ends a pattern or has one in its output chain. The scan's
     * loop-carried chain is then one add and one load per byte (no multiply, no output-table load): a state's number
     * is recovered by a division only when a pattern ends there.
     */
    static final class Automaton {
        private final byte[] classOf = new byte[256];
        private final int classes;
        private final int[] delta;
        private final int[] out;
        private final int[] outLink;
        private final int[][] patternRules;

        Automaton(final Map<String, Set<Integer>> patterns) {
            int nc = 1;
            for (final String p : patterns.keySet()) {
                for (int i = 0; i < p.length(); i++) {
                    final int b = p.charAt(i) & 0xFF;
                    if (classOf[b] == 0) {
                        if (nc == 256) {
                            break;
                        }
                        classOf[b] = (byte) nc++;
                    }
                }
            }
            for (int b = 0; b < 256; b++) {
                classOf[b] = classOf[ByteOps.LOWER[b] & 0xFF];
            }
            classes = nc;
            // trie
            final List<int[]> next = new ArrayList<>();
            final List<Integer> outList = new ArrayList<>();
            next.add(newRow(nc));
            outList.add(-1);
            patternRules = new int[patterns.size()][];
            int pid = 0;
            for (final Map.Entry<String, Set<Integer>> e : patterns.entrySet()) {
                final String p = e.getKey();
                int st = 0;
                for (int i = 0; i < p.length(); i++) {
                    final int c = classOf[p.charAt(i) & 0xFF] & 0xFF;
                    int nx = next.get(st)[c];
                    if (nx < 0) {
                        nx = next.size();
                        next.add(newRow(nc));
                        outList.add(-1);
                        next.get(st)[c] = nx;
                    }
                    st = nx;
                }
                outList.set(st, pid);
                final int[] rules = new int[e.getValue().size()];
                int k = 0;
                for (final int r : e.getValue()) {
                    rules[k++] = r;
                }
                patternRules[pid++] = rules;
            }
            final int states = next.size();
            delta = new int[states * nc];
            out = new int[states];
            outLink = new int[states];
            final int[] fail = new int[states];
            for (int s = 0; s < states; s++) {
                out[s] = outList.get(s);
            }
            final ArrayDeque<Integer> queue = new ArrayDeque<>();
            outLink[0] = -1;
            final int[] root = next.get(0);
            for (int c = 0; c < nc; c++) {
                if (root[c] > 0) {
                    delta[c] = root[c];
                    fail[root[c]] = 0;
                    outLink[root[c]] = -1;
                    queue.add(root[c]);
                } else {
                    delta[c] = 0;
                }
            }
            while (!queue.isEmpty()) {
                final int u = queue.poll();
                final int[] row = next.get(u);
                for (int c = 0; c < nc; c++) {
                    final int v = row[c];
                    if (v >= 0) {
                        final int f = delta[fail[u] * nc + c];
                        fail[v] = f;
                        outLink[v] = out[f] >= 0 ? f : outLink[f];
                        delta[u * nc + c] = v;
                        queue.add(v);
                    } else {
                        delta[u * nc + c] = delta[fail[u] * nc + c];
                    }
                }
            }
            // State numbers to rows, complemented where a pattern ends (see the class comment).
            for (int k = 0; k < delta.length; k++) {
                final int v = delta[k];
                delta[k] = out[v] >= 0 || outLink[v] >= 0 ? ~(v * nc) : v * nc;
            }
        }

        private static int[] newRow(final int nc) {
            final int[] r = new int[nc];
            Arrays.fill(r, -1);
            return r;
        }

        /** Scans one value and marks the rules of every pattern found. Event path: no allocation. */
        int scan(final byte[] b, final int off, final int len, final EvalScratch s, final int count) {
            int n = count;
            final int nc = classes;
            final int[] marks = s.marks;
            final int[] cand = s.candidates;
            final int epoch = s.epoch;
            final int[] d = delta;
            final byte[] cls = classOf;
            int row = 0;
            for (int i = off, end = off + len; i < end; i++) {
                int next = d[row + (cls[b[i] & 0xFF] & 0xFF)];
                if (next < 0) {
                    next = ~next;
                    final int st = next / nc;
                    for (int t = out[st] >= 0 ? st : outLink[st]; t >= 0; t = outLink[t]) {
                        for (final int r : patternRules[out[t]]) {
                            if (marks[r] != epoch) {
                                marks[r] = epoch;
                                cand[n++] = r;
                            }
                        }
                    }
                }
                row = next;
            }
            return n;
        }
    }
}
