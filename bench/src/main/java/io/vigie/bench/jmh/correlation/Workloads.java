package io.vigie.bench.jmh.correlation;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.detect.AlertSink;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.RuleConfig;
import io.vigie.rules.compile.CompiledRule;
import io.vigie.rules.correlation.CorrelationCompiler;
import io.vigie.rules.correlation.CorrelationConfig;
import io.vigie.rules.correlation.CorrelationEngine;
import io.vigie.rules.correlation.CorrelationSet;
import io.vigie.rules.load.RuleLoadResult;
import io.vigie.rules.load.RuleSetLoader;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Shared set-up of the correlation benchmarks: rules compiled from YAML as in production, one engine bound to the
 * base rules as a rule worker binds it, and a pre-built stream of (key index, event time). The benchmarks refill a
 * small ring of reused {@link TelemetryEvent} slots from each key's pre-encoded field bytes per event, as a decoder
 * fills a ring slot. Event time keeps increasing across cycles.
 */
final class Workloads {
    private Workloads() {
    }

    /** Counts alerts; no allocation of its own. */
    static final class CountingSink implements AlertSink {
        long alerts;

        @Override
        public void emit(final Alert alert) {
            alerts++;
        }
    }

    /** A compiled rule file bound to a fresh engine. */
    static final class Bound {
        final RuleLoadResult rules;
        final CorrelationSet set;
        final CorrelationEngine engine;

        Bound(final String yaml, final CorrelationConfig config) {
            rules = RuleSetLoader.loadText("bench.yml", yaml, new RuleConfig());
            set = new CorrelationCompiler(f -> f, config).compile(rules.correlations(), rules.ruleSet());
            if (set.size() == 0) {
                throw new IllegalStateException("no correlation compiled: " + set.statuses());
            }
            engine = new CorrelationEngine(set);
            for (final CompiledRule r : rules.ruleSet().rules()) {
                engine.wants(r.index(), r.id(), r.name());
            }
        }

        /** Index of a base rule by name. */
        int rule(final String name) {
            for (final CompiledRule r : rules.ruleSet().rules()) {
                if (name.equals(r.name())) {
                    return r.index();
                }
            }
            throw new IllegalArgumentException(name);
        }
    }

    /** A detection rule named {@code name} (its detection is never evaluated: the benchmark feeds matches). */
    static String baseRule(final String name, final String id) {
        return String.join("\n",
            "title: " + name,
            "id: " + id,
            "name: " + name,
            "logsource: {product: linux, service: sshd}",
            "detection:",
            "  selection: {event.action: " + name + "}",
            "  condition: selection",
            "---",
            "");
    }

    static void put(final TelemetryEvent e, final int field, final String value) {
        final byte[] b = value.getBytes(StandardCharsets.US_ASCII);
        e.addField(field, b, 0, b.length);
    }

    /** IPv4 text of key {@code k} (10.x.y.z). */
    static String ip(final int k) {
        return "10." + ((k >>> 16) & 0xFF) + "." + ((k >>> 8) & 0xFF) + "." + (k & 0xFF);
    }

    /** {@code n} uniformly random slot indexes in [0, keys), seeded (the same stream every run). */
    static int[] randomSlots(final int n, final int keys, final long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(keys);
        }
        return out;
    }
}
