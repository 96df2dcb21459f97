package io.vigie.ops.server;

import io.vigie.engine.detect.AlertSink;
import io.vigie.ingest.codec.message.Extractors;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ops.config.VigieConfig;
import io.vigie.rules.RuleConfig;
import io.vigie.rules.compile.FieldMapping;
import io.vigie.rules.correlation.CorrelationCompiler;
import io.vigie.rules.correlation.CorrelationEngine;
import io.vigie.rules.correlation.CorrelationSet;
import io.vigie.rules.eval.SigmaDetectorFactory;
import io.vigie.rules.load.RuleLoadResult;
import io.vigie.rules.load.RuleStatus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything detection needs, built the same way for {@code serve} and {@code replay}: Sigma rules (bundled pack
 * when no path is given; v1 aggregations translated to v2), their correlation rules compiled against them, the
 * detector factory with one correlation engine per rule worker, and the message decoders with the user-defined
 * extractors.
 */
public final class DetectionSetup {
    private final RuleLoadResult rules;
    private final CorrelationSet correlations;
    private final SigmaDetectorFactory factory;
    private final List<CorrelationEngine> engines = Collections.synchronizedList(new ArrayList<>());
    private final Extractors extractors;

    private DetectionSetup(final RuleLoadResult rules, final CorrelationSet correlations, final String soc,
                           final Extractors extractors) {
        this.rules = rules;
        this.correlations = correlations;
        this.extractors = extractors;
        this.factory = new SigmaDetectorFactory(rules.ruleSet(), soc);
        factory.correlationHooks(ordinal -> {
            final CorrelationEngine e = new CorrelationEngine(correlations);
            engines.add(e);
            return e;
        });
    }

    /** Loads rules from {@code rulePaths} (bundled pack when empty) with the configuration's mapping. */
    public static DetectionSetup create(final VigieConfig config, final List<Path> rulePaths) {
        final RuleConfig ruleConfig = Settings.rules(config);
        final RuleLoadResult loaded = RuleLoading.load(rulePaths, ruleConfig);
        final FieldMapping mapping = new FieldMapping(ruleConfig.fieldMapping);
        final CorrelationSet set = new CorrelationCompiler(field -> firstOr(mapping.resolve(field, null, null, null),
            field)).compile(loaded.correlations(), loaded.ruleSet());
        final Extractors extractors = config.decoders.extractors == null ? Extractors.NONE
            : Extractors.load(config.decoders.extractors);
        return new DetectionSetup(loaded, set, config.soc.id, extractors);
    }

    private static String firstOr(final List<String> names, final String fallback) {
        return names == null || names.isEmpty() ? fallback : names.get(0);
    }

    /** One status per rule document and per correlation document. */
    public List<RuleStatus> statuses() {
        final List<RuleStatus> all = new ArrayList<>(rules.statuses());
        all.addAll(correlations.statuses());
        return all;
    }

    public RuleLoadResult rules() {
        return rules;
    }

    public CorrelationSet correlations() {
        return correlations;
    }

    /** The detector factory to put in the engine configuration. */
    public SigmaDetectorFactory factory() {
        return factory;
    }

    /** Creates message decoders (one per publishing thread) with the configured extractors. */
    public Supplier<MessageDecoders> messageDecoders() {
        return () -> new MessageDecoders(extractors);
    }

    /**
     * Closes the open correlation incidents (their last update is emitted). Call only when the rule workers are
     * idle (after {@code Engine.drain}), e.g. at the end of a replay.
     */
    public void flush(final AlertSink sink) {
        synchronized (engines) {
            for (final CorrelationEngine e : engines) {
                e.flush(sink);
            }
        }
    }
}
