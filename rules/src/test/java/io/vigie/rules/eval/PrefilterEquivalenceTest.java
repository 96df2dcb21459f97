package io.vigie.rules.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.RuleConfig;
import io.vigie.rules.TestSupport;
import io.vigie.rules.compile.CompiledRule;
import io.vigie.rules.compile.EvalScratch;
import io.vigie.rules.compile.RuleSet;
import io.vigie.rules.load.RuleSetLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prefilter never changes results: with it on and off, the same rules fire, over (a) the bundled pack and real
 * linux/web/auditd events and (b) all 3,755 loadable active SigmaHQ rules and the regression/Hayabusa events. Also
 * checks that rules evaluated are a small fraction of the routed ones.
 */
class PrefilterEquivalenceTest {
    private static List<Integer> fired(final RuleSet set, final TelemetryEvent e, final EvalScratch s,
                                       final long[] evaluated) {
        final int n = set.candidates(e, s);
        evaluated[0] += n;
        final int[] c = RuleSet.candidates(s);
        final List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final CompiledRule r = set.rule(c[i]);
            if (r.detectionMatches(e, s)) {
                out.add(r.index());
            }
        }
        return out;
    }

    private static long[] compare(final RuleSet on, final List<TelemetryEvent> events) {
        final RuleSet off = on.withPrefilter(false);
        final EvalScratch s = new EvalScratch();
        final long[] evalOn = new long[1];
        final long[] evalOff = new long[1];
        long fired = 0;
        for (final TelemetryEvent e : events) {
            final List<Integer> a = fired(on, e, s, evalOn);
            final List<Integer> b = fired(off, e, s, evalOff);
            assertEquals(b, a);
            fired += a.size();
            for (final int idx : a) {
                assertTrue(on.rule(idx).matches(e));
            }
        }
        return new long[] {evalOn[0], evalOff[0], fired};
    }

    @Test
    @Timeout(300)
    void shouldGiveIdenticalResultsOnBundledPack() throws Exception {
        final RuleSet rules = RuleSetLoader.loadBundled(new RuleConfig()).ruleSet();
        final long[] r = compare(rules, DetectorAllocationTest.events());
        System.out.println("bundled pack: evaluated with prefilter=" + r[0] + " without=" + r[1] + " matches=" + r[2]);
        assertTrue(r[0] * 5 < r[1], "prefilter evaluates far fewer rules");
        assertTrue(r[2] > 0);
    }

    @Test
    @Timeout(300)
    void shouldGiveIdenticalResultsOnAllActiveRules() throws Exception {
        final Path sigma = TestSupport.corpus().resolve("sigma/sigmahq");
        final List<Path> dirs = new ArrayList<>();
        for (final String d : List.of("rules", "rules-emerging-threats", "rules-threat-hunting", "rules-compliance",
            "rules-placeholder")) {
            dirs.add(sigma.resolve(d));
        }
        final RuleSet rules = RuleSetLoader.load(dirs, new RuleConfig()).ruleSet();
        final List<TelemetryEvent> events = new ArrayList<>();
        for (final String f : List.of("vectors/sigmahq-regression/events.flat.jsonl",
            "vectors/hayabusa-samples.flat.jsonl")) {
            for (final String line : Files.readAllLines(TestSupport.corpus().resolve(f))) {
                if (line.isBlank()) {
                    continue;
                }
                final JsonNode row = TestSupport.JSON.readTree(line);
                final JsonNode ls = row.get("logsource");
                final boolean windefend = ls.has("service") && "windefend".equals(ls.get("service").asText());
                final TelemetryEvent e = TestSupport.event(row.get("event"), null, windefend);
                e.logProduct = Logsources.id(ls.has("product") ? ls.get("product").asText() : null);
                e.logCategory = Logsources.id(ls.has("category") ? ls.get("category").asText() : null);
                e.logService = Logsources.id(ls.has("service") ? ls.get("service").asText() : null);
                events.add(e);
            }
        }
        final long[] r = compare(rules, events);
        System.out.println("all active rules (" + rules.size() + "): evaluated with prefilter=" + r[0] + " without="
            + r[1] + " matches=" + r[2] + " events=" + events.size());
        assertTrue(r[0] * 3 < r[1], "prefilter evaluates far fewer rules");
        assertTrue(r[2] >= 300);
    }
}
