package io.vigie.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.compile.CompiledRule;
import io.vigie.rules.load.RuleLoadResult;
import io.vigie.rules.load.RuleSetLoader;
import io.vigie.rules.load.RuleStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SigmaHQ regression events and Hayabusa samples (flattened Windows events): each expected match matches, with the
 * prefilter on and off. The Defender case needs Sigma's field-name rule "strip all spaces" (the EventData keys are
 * {@code Threat Name}, ...): done here in the test's event builder for {@code service: windefend}, since our decoders
 * do not produce Windows events. Of Hayabusa's 97 expected matches, the 2 Sigma v1 count rules
 * ({@code *_Cnt_Deprecated.yml}) are refused as unsupported (their v2 correlation twins load, and the base rule of
 * the correlation file matches).
 */
class CorpusRegressionTest {
    private final Map<String, CompiledRule> rules = new HashMap<>();
    private final Map<String, RuleLoadResult> results = new HashMap<>();

    private CompiledRule rule(final String rulePath) {
        return rules.computeIfAbsent(rulePath, p -> {
            final RuleLoadResult r = RuleSetLoader.load(List.of(TestSupport.corpus().resolve(p)), new RuleConfig());
            results.put(p, r);
            assertTrue(r.ruleSet().size() >= 1, p + ": " + r.statuses());
            return r.ruleSet().rule(0);
        });
    }

    /** True when the rule file is a Sigma v1 aggregation (refused with a reason, matched by correlation later). */
    private static boolean refusedV1(final String rulePath) {
        final RuleLoadResult r = RuleSetLoader.load(List.of(TestSupport.corpus().resolve(rulePath)),
            new RuleConfig());
        return r.ruleSet().size() == 0 && r.statuses().size() == 1
            && r.statuses().get(0).kind() == RuleStatus.Kind.UNSUPPORTED
            && r.statuses().get(0).reason().startsWith("sigma v1 aggregation");
    }

    private boolean matches(final JsonNode row) {
        final CompiledRule rule = rule(row.get("rule_path").asText());
        final boolean windefend = "windefend".equalsIgnoreCase(rule.service());
        final TelemetryEvent e = TestSupport.event(row.get("event"), rule, windefend);
        final boolean got = rule.matches(e);
        final RuleLoadResult r = results.get(row.get("rule_path").asText());
        assertEquals(got, SigmaEvalVectorsTest.viaRuleSet(r.ruleSet(), e, true), "prefilter on");
        assertEquals(got, SigmaEvalVectorsTest.viaRuleSet(r.ruleSet(), e, false), "prefilter off");
        return got;
    }

    @Test
    @Timeout(120)
    void shouldMatchSigmaHqRegressionEvents() throws Exception {
        final Path file = TestSupport.corpus().resolve("vectors/sigmahq-regression/events.flat.jsonl");
        int matched = 0;
        final List<String> misses = new ArrayList<>();
        final Map<String, Boolean> atLeastOne = new LinkedHashMap<>();
        for (final String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            final JsonNode row = TestSupport.JSON.readTree(line);
            final boolean got = matches(row);
            if ("match".equals(row.get("expect").asText())) {
                if (got) {
                    matched++;
                } else {
                    misses.add(row.get("rule_path").asText());
                }
            } else {
                atLeastOne.merge(row.get("source_file").asText(), got, Boolean::logicalOr);
            }
        }
        System.out.println("sigmahq regression: matched=" + matched + " files(at least one)=" + atLeastOne.size());
        assertTrue(misses.isEmpty(), misses.toString());
        assertEquals(207, matched);
        for (final Map.Entry<String, Boolean> e : atLeastOne.entrySet()) {
            assertTrue(e.getValue(), "no event matched in " + e.getKey());
        }
    }

    @Test
    @Timeout(120)
    void shouldMatchHayabusaSamples() throws Exception {
        final Path file = TestSupport.corpus().resolve("vectors/hayabusa-samples.flat.jsonl");
        int matched = 0;
        int refused = 0;
        final List<String> misses = new ArrayList<>();
        for (final String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            final JsonNode row = TestSupport.JSON.readTree(line);
            if (!"match".equals(row.get("expect").asText())) {
                continue;
            }
            if (refusedV1(row.get("rule_path").asText())) {
                refused++;
                continue;
            }
            assertNotNull(rule(row.get("rule_path").asText()));
            if (matches(row)) {
                matched++;
            } else {
                misses.add(row.get("rule_path").asText());
            }
        }
        System.out.println("hayabusa samples: matched=" + matched + " refused v1 aggregation rules=" + refused);
        assertTrue(misses.isEmpty(), misses.toString());
        // 97 expected matches; the two *_Cnt_Deprecated v1 count rules are translated to v2 (base rule +
        // correlation), so their base rule matches the sample event on its own.
        assertEquals(0, refused);
        assertEquals(97, matched);
    }
}
