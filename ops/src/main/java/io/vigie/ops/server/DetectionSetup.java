package io.vigie.ops.server;

import io.vigie.engine.detect.AlertSink;
import io.vigie.ingest.codec.message.Extractors;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ops.http.PrometheusText;
import io.vigie.ops.config.VigieConfig;
import io.vigie.ops.reload.DetectionOptions;
import io.vigie.rules.RuleConfig;
import io.vigie.rules.compile.FieldMapping;
import io.vigie.rules.correlation.CorrelationCompiler;
import io.vigie.rules.correlation.CorrelationEngine;
import io.vigie.rules.correlation.CorrelationSet;
import io.vigie.rules.eval.SigmaDetectorFactory;
import io.vigie.rules.ioc.IndicatorLoader;
import io.vigie.rules.ioc.IndicatorSet;
import io.vigie.rules.ioc.IndicatorWatcher;
import io.vigie.rules.ioc.IocMatcher;
import io.vigie.rules.load.RuleLoadResult;
import io.vigie.rules.load.RuleStatus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Everything detection needs, built the same way for {@code serve} and {@code replay}: Sigma rules (bundled pack
 * when no path is given; v1 aggregations translated to v2), their correlation rules compiled against them, the
 * detector factory with one correlation engine and one IoC matcher per rule worker, the indicator feeds and their
 * watcher, and the message decoders with the user-defined extractors. {@link #compile} and {@link #apply} are the
 * two halves of a hot reload (compile off the event path, swap at the workers' next batch boundary).
 */
public final class DetectionSetup implements AutoCloseable {
    /** Rules compiled off the event path: the Sigma set, the correlations compiled against it, their statuses. */
    public static final class Compiled {
        private final RuleLoadResult rules;
        private final CorrelationSet correlations;

        Compiled(final RuleLoadResult rules, final CorrelationSet correlations) {
            this.rules = rules;
            this.correlations = correlations;
        }

        public RuleLoadResult rules() {
            return rules;
        }

        public CorrelationSet correlations() {
            return correlations;
        }

        /** One status per rule document, then one per correlation document. */
        public List<RuleStatus> statuses() {
            final List<RuleStatus> all = new ArrayList<>(rules.statuses());
            all.addAll(correlations.statuses());
            return all;
        }

        /** Counts of {@code [ok, unsupported, invalid]}. */
        public long[] counts() {
            return RuleLoading.counts(statuses());
        }

        /** True when some rule or correlation document is INVALID (a reload then applies nothing). */
        public boolean hasInvalid() {
            return counts()[2] > 0;
        }
    }

    private final List<Path> rulePaths;
    private final RuleConfig ruleConfig;
    /** Name, type and help of the per-correlation families of {@link #metrics}, in the order of their values. */
    private static final String[][] CORRELATION_FAMILIES = {
        {"vigie_correlation_keys", "gauge", "Group keys with window state, per correlation rule."},
        {"vigie_correlation_late_events_total", "counter", "Events later than the watermark allows, per "
            + "correlation rule (applied or dropped per late_policy)."},
        {"vigie_correlation_late_dropped_total", "counter", "Late events dropped (late_policy: drop)."},
        {"vigie_correlation_key_evictions_total", "counter", "Group keys evicted at the rule's key cap."},
        {"vigie_correlation_value_evictions_total", "counter", "Window values evicted at the rule's value cap."},
        {"vigie_correlation_saturated_total", "counter", "Oldest window times dropped past the counting capacity "
            + "(threshold + 2; lossless for the condition)."},
        {"vigie_correlation_skipped_no_value_total", "counter", "Matched events without the rule's value field "
            + "(or not a number where one is needed)."},
    };

    private final DetectionOptions options;
    private final SigmaDetectorFactory factory;
    private final List<CorrelationEngine> engines = Collections.synchronizedList(new ArrayList<>());
    private final Extractors extractors;
    private final AtomicReference<IndicatorSet> indicators = new AtomicReference<>(IndicatorSet.EMPTY);
    private final IndicatorWatcher intel;
    private final Object intelLock = new Object();
    private volatile Compiled current;
    private ScheduledFuture<?> intelTask;

    private DetectionSetup(final List<Path> rulePaths, final RuleConfig ruleConfig, final DetectionOptions options,
                           final Compiled compiled, final String soc, final Extractors extractors) {
        this.rulePaths = List.copyOf(rulePaths);
        this.ruleConfig = ruleConfig;
        this.options = options;
        this.current = compiled;
        this.extractors = extractors;
        this.factory = new SigmaDetectorFactory(compiled.rules().ruleSet(), soc);
        factory.correlationHooks(ordinal -> {
            final CorrelationEngine e = new CorrelationEngine(current.correlations());
            engines.add(e);
            return e;
        });
        final List<IndicatorLoader.Source> sources = new ArrayList<>();
        for (final DetectionOptions.IntelSource s : options.intelSources) {
            sources.add(s.toSource());
        }
        this.intel = sources.isEmpty() ? null : new IndicatorWatcher(sources, indicators);
        factory.indicators(indicators, options.intelLevel);
    }

    /** Loads rules from {@code rulePaths} (bundled pack when empty) with the configuration's mapping. */
    public static DetectionSetup create(final VigieConfig config, final List<Path> rulePaths) {
        return create(config, rulePaths, new DetectionOptions());
    }

    /**
     * Loads rules from {@code rulePaths} (bundled pack when empty) with the configuration's mapping, and prepares
     * the indicator feeds of {@code options} (loaded by {@link #loadIntel} or {@link #startIntel}).
     *
     * @throws IllegalArgumentException on a malformed intel source
     */
    public static DetectionSetup create(final VigieConfig config, final List<Path> rulePaths,
                                        final DetectionOptions options) {
        final RuleConfig ruleConfig = Settings.rules(config);
        final Compiled compiled = compile(rulePaths, ruleConfig, options);
        final Extractors extractors = config.decoders.extractors == null ? Extractors.NONE
            : Extractors.load(config.decoders.extractors);
        return new DetectionSetup(rulePaths, ruleConfig, options, compiled, config.soc.id, extractors);
    }

    private static Compiled compile(final List<Path> rulePaths, final RuleConfig ruleConfig,
                                    final DetectionOptions options) {
        final RuleLoadResult loaded = RuleLoading.load(rulePaths, ruleConfig);
        final FieldMapping mapping = new FieldMapping(ruleConfig.fieldMapping);
        final CorrelationSet set = new CorrelationCompiler(field -> firstOr(mapping.resolve(field, null, null, null),
            field), options.correlation).compile(loaded.correlations(), loaded.ruleSet());
        return new Compiled(loaded, set);
    }

    private static String firstOr(final List<String> names, final String fallback) {
        return names == null || names.isEmpty() ? fallback : names.get(0);
    }

    /** Loads and compiles the rule paths again (off the event path; nothing is swapped). */
    public Compiled compile() {
        return compile(rulePaths, ruleConfig, options);
    }

    /**
     * Publishes compiled rules to the rule workers: each adopts the Sigma set and the correlation set together at
     * its next batch boundary (unchanged correlations keep their windows). The caller checks validity first.
     *
     * @return the generation number of the new set
     */
    public long apply(final Compiled compiled) {
        current = compiled;
        return factory.swap(compiled.rules().ruleSet(), compiled.correlations());
    }

    /** The rule files and directories this setup loads (empty: the bundled pack). */
    public List<Path> rulePaths() {
        return rulePaths;
    }

    /** The detection options this setup was built with. */
    public DetectionOptions options() {
        return options;
    }

    /** One status per rule document and per correlation document, of the rules in use. */
    public List<RuleStatus> statuses() {
        return current.statuses();
    }

    public RuleLoadResult rules() {
        return current.rules();
    }

    public CorrelationSet correlations() {
        return current.correlations();
    }

    /** The detector factory to put in the engine configuration. */
    public SigmaDetectorFactory factory() {
        return factory;
    }

    /** The indicator set the rule workers match against (swapped by the watcher). */
    public AtomicReference<IndicatorSet> indicators() {
        return indicators;
    }

    /**
     * The rule workers' own counters as Prometheus families: per correlation rule (summed over the workers, each of
     * which holds the keys of its partition) its live keys, late, dropped-late and evicted counts; and the IoC
     * matchers' checks, hits and hits on expired indicators, with the size of the indicator set in use.
     */
    public PrometheusText.Families metrics() {
        return out -> {
            final Map<String, long[]> byRule = new LinkedHashMap<>();
            for (final CorrelationEngine e : engines.toArray(new CorrelationEngine[0])) {
                for (final CorrelationEngine.RuleStats r : e.stats()) {
                    final long[] v = byRule.computeIfAbsent(r.ruleId(), k -> new long[CORRELATION_FAMILIES.length]);
                    v[0] += r.liveKeys();
                    v[1] += r.lateEvents();
                    v[2] += r.lateDropped();
                    v[3] += r.keyEvictions();
                    v[4] += r.valueEvictions();
                    v[5] += r.saturated();
                    v[6] += r.skippedNoValue();
                }
            }
            for (int f = 0; f < CORRELATION_FAMILIES.length; f++) {
                final String[] family = CORRELATION_FAMILIES[f];
                out.family(family[0], family[1], family[2]);
                for (final Map.Entry<String, long[]> r : byRule.entrySet()) {
                    out.sample(family[0], r.getValue()[f], "rule", r.getKey());
                }
            }
            long checked = 0;
            long hits = 0;
            long expired = 0;
            for (final IocMatcher m : factory.iocMatchers()) {
                checked += m.checked();
                hits += m.matches();
                expired += m.outsideValidity();
            }
            out.family("vigie_ioc_indicators", "gauge", "Indicators in the set the rule workers match against.")
                .sample("vigie_ioc_indicators", indicators.get().size());
            final Map<String, IndicatorWatcher.FeedStats> feeds = intel == null ? Map.of() : intel.feedStats();
            out.family("vigie_ioc_feed_indicators", "gauge", "Indicators of each feed's last good load.");
            feeds.forEach((name, f) -> out.sample("vigie_ioc_feed_indicators", f.indicators(), "feed", name));
            out.family("vigie_ioc_feed_refused", "gauge", "Entries each feed's last good load refused (reasons in "
                + "the log).");
            feeds.forEach((name, f) -> out.sample("vigie_ioc_feed_refused", f.refused(), "feed", name));
            out.family("vigie_ioc_feed_failures_total", "counter", "Polls that could not load the feed (it keeps its "
                + "previous indicators).");
            feeds.forEach((name, f) -> out.sample("vigie_ioc_feed_failures_total", f.failures(), "feed", name));
            out.family("vigie_ioc_events_checked_total", "counter", "Events matched against a non-empty indicator "
                + "set.").sample("vigie_ioc_events_checked_total", checked);
            out.family("vigie_ioc_hits_total", "counter", "IoC alerts (one per distinct indicator per event).")
                .sample("vigie_ioc_hits_total", hits);
            out.family("vigie_ioc_expired_hits_total", "counter", "Hits on an indicator past its valid_until at the "
                + "event's time (no alert).").sample("vigie_ioc_expired_hits_total", expired);
        };
    }

    /** Creates message decoders (one per publishing thread) with the configured extractors. */
    public Supplier<MessageDecoders> messageDecoders() {
        return () -> new MessageDecoders(extractors);
    }

    /**
     * Checks every indicator feed now and swaps the set when one changed (a failed feed keeps its previous
     * indicators). Returns true when the set was replaced. Serialized; any thread (replay calls it before input).
     */
    public boolean loadIntel() {
        synchronized (intelLock) {
            return intel != null && intel.pollOnce();
        }
    }

    /** Errors of the last feed check, one per failed feed. */
    public List<String> intelErrors() {
        synchronized (intelLock) {
            return intel == null ? List.of() : intel.lastErrors();
        }
    }

    /** Checks the feeds now (on the executor) and then every {@code intel.poll}. No-op without feeds. */
    public synchronized void startIntel(final ScheduledExecutorService executor) {
        if (intel == null || intelTask != null) {
            return;
        }
        final long period = Math.max(1, options.intelPoll.toMillis());
        intelTask = executor.scheduleWithFixedDelay(this::loadIntel, 0, period, TimeUnit.MILLISECONDS);
    }

    /** Stops polling the feeds. Idempotent. */
    @Override
    public synchronized void close() {
        if (intelTask != null) {
            intelTask.cancel(false);
            intelTask = null;
        }
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
