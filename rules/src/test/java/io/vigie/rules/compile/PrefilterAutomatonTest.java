package io.vigie.rules.compile;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The prefilter's Aho-Corasick scan marks exactly the rules of the patterns that occur in a value (ASCII case
 * folded): overlapping patterns, patterns found only through failure links, a pattern that is a suffix of another,
 * a pattern ending on the value's last byte, several rules per pattern and several patterns per rule.
 */
class PrefilterAutomatonTest {
    private static Set<Integer> scan(final Prefilter.Automaton a, final String value, final int rules) {
        final EvalScratch s = new EvalScratch();
        s.beginCandidates(rules);
        final byte[] b = ("#" + value + "#").getBytes(StandardCharsets.ISO_8859_1);
        final int n = a.scan(b, 1, b.length - 2, s, 0);
        final Set<Integer> out = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            out.add(s.candidates[i]);
        }
        assertEquals(n, out.size(), "each rule is marked once");
        return out;
    }

    private static Map<String, Set<Integer>> patterns(final Object... patternThenRules) {
        final Map<String, Set<Integer>> m = new LinkedHashMap<>();
        for (int i = 0; i < patternThenRules.length; i += 2) {
            final Set<Integer> rules = new LinkedHashSet<>();
            for (final int r : (int[]) patternThenRules[i + 1]) {
                rules.add(r);
            }
            m.put((String) patternThenRules[i], rules);
        }
        return m;
    }

    @Test
    void shouldMarkTheRulesOfEveryPatternFoundIncludingThroughFailureLinks() {
        final Prefilter.Automaton a = new Prefilter.Automaton(patterns(
            "he", new int[] {1}, "she", new int[] {2}, "his", new int[] {3}, "hers", new int[] {4, 5},
            "s", new int[] {6}));
        // "ushers": she (and he through its failure link), hers, s twice; never his.
        assertEquals(Set.of(1, 2, 4, 5, 6), scan(a, "uSHErs", 8));
        assertEquals(Set.of(1), scan(a, "xhe", 8), "a pattern on the value's last byte");
        assertEquals(Set.of(), scan(a, "hxe", 8));
        assertEquals(Set.of(1, 3, 6), scan(a, "HIS HE", 8));
        assertEquals(Set.of(), scan(a, "", 8));
    }

    @Test
    void shouldAgreeWithASubstringSearchOnRandomPatternsAndValues() {
        final SplittableRandom random = new SplittableRandom(42);
        final String alphabet = "abcAB/-é";
        for (int round = 0; round < 200; round++) {
            final Map<String, Set<Integer>> pats = new LinkedHashMap<>();
            final int rules = 1 + random.nextInt(12);
            for (int p = 0, np = 1 + random.nextInt(10); p < np; p++) {
                final StringBuilder sb = new StringBuilder();
                for (int k = 0, len = 1 + random.nextInt(4); k < len; k++) {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                // Literals reach the automaton lower-cased.
                pats.computeIfAbsent(sb.toString().toLowerCase(Locale.ROOT), k -> new LinkedHashSet<>())
                    .add(random.nextInt(rules));
            }
            final Prefilter.Automaton a = new Prefilter.Automaton(pats);
            for (int v = 0; v < 20; v++) {
                final StringBuilder sb = new StringBuilder();
                for (int k = 0, len = random.nextInt(30); k < len; k++) {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                final String value = sb.toString();
                final String folded = value.toLowerCase(Locale.ROOT);
                final Set<Integer> expected = new TreeSet<>();
                for (final Map.Entry<String, Set<Integer>> e : pats.entrySet()) {
                    if (folded.contains(e.getKey())) {
                        expected.addAll(e.getValue());
                    }
                }
                assertEquals(expected, scan(a, value, rules), () -> "patterns " + pats + " value " + value);
            }
        }
    }
}
