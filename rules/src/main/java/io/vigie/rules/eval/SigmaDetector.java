package io.vigie.rules.eval;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.detect.AlertSink;
import io.vigie.engine.detect.Detector;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.SourceFiles;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.compile.CompiledRule;
import io.vigie.rules.compile.EvalScratch;
import io.vigie.rules.compile.RuleSet;
import io.vigie.rules.correlation.CorrelationHook;
import io.vigie.rules.ioc.IocMatcher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Sigma detector of one rule worker, with its IoC matcher. Owned by the rule-worker thread. Every worker sees
 * every event: a rule the correlation hook wants is evaluated only when the hook owns the (rule, event) partition;
 * other rules and the indicator sets only on the worker owning the event's journal sequence ({@code seq mod workers}).
 * A new {@link SigmaDetectorFactory.Generation} is adopted at a batch boundary (after the batch's last event).
 * Event path: no allocation unless a rule or indicator matches (alerts are built then).
 */
public final class SigmaDetector implements Detector {
    private static final int HOST_NAME = Fields.HOST_NAME;
    private static final int SOURCE_IP = Fields.SOURCE_IP;

    private final SigmaDetectorFactory factory;
    private final int ordinal;
    private final int workers;
    private final CorrelationHook hook;
    private final EvalScratch scratch = new EvalScratch();
    private final IocMatcher ioc;
    private SigmaDetectorFactory.Generation generation;
    private volatile long adopted = -1;
    private RuleSet rules;
    private boolean[] wanted = new boolean[0];
    private boolean anyWanted;
    private long alertCounter;

    SigmaDetector(final SigmaDetectorFactory factory, final int ordinal, final int workers,
                  final CorrelationHook hook) {
        this.factory = factory;
        this.ordinal = ordinal;
        this.workers = workers;
        this.hook = hook;
        this.ioc = new IocMatcher(factory.indicatorSets(), ordinal, workers).level(factory.iocLevel());
        adopt(factory.generation());
    }

    /** This worker's IoC matcher (its counters are read by the metrics page). */
    IocMatcher ioc() {
        return ioc;
    }

    /** The rule set this worker currently evaluates. */
    public RuleSet ruleSet() {
        return rules;
    }

    /** The generation number this worker runs (-1 before construction ends); read from any thread. */
    long adoptedGeneration() {
        return adopted;
    }

    private void adopt(final SigmaDetectorFactory.Generation g) {
        if (generation != null || g.correlations() != null) {
            hook.rebinding(g.correlations());
        }
        bind(g.rules());
        generation = g;
        adopted = g.number();
    }

    private void bind(final RuleSet set) {
        final boolean[] w = new boolean[set.size()];
        boolean any = false;
        for (final CompiledRule r : set.rules()) {
            w[r.index()] = hook.wants(r.index(), r.id(), r.name());
            any |= w[r.index()];
        }
        this.wanted = w;
        this.anyWanted = any;
        this.rules = set;
    }

    @Override
    public void onEvent(final TelemetryEvent event, final AlertSink sink) {
        final RuleSet set = rules;
        ioc.onEvent(event, sink);
        final boolean seqOwned = workers <= 1 || Math.floorMod(event.seq, (long) workers) == ordinal;
        if (!seqOwned && !anyWanted) {
            return;
        }
        final int n = set.candidates(event, scratch);
        final int[] cand = RuleSet.candidates(scratch);
        for (int k = 0; k < n; k++) {
            final int idx = cand[k];
            final boolean wants = wanted[idx];
            if (wants ? !hook.owns(idx, event, ordinal, workers) : !seqOwned) {
                continue;
            }
            final CompiledRule rule = set.rule(idx);
            if (!rule.detectionMatches(event, scratch)) {
                continue;
            }
            if (wants) {
                hook.onMatchInBatch(idx, event, sink);
                if (hook.suppressesAlert(idx)) {
                    continue;
                }
            }
            sink.emit(alert(rule, event));
        }
    }

    @Override
    public void onBatchEnd(final long nowNanos, final AlertSink sink) {
        hook.onBatchEnd(nowNanos, sink);
        final SigmaDetectorFactory.Generation current = factory.generation();
        if (current != generation) {
            adopt(current);
        }
    }

    /** Builds the alert of a single-event detection (allocates; alert path only). */
    Alert alert(final CompiledRule rule, final TelemetryEvent event) {
        final Alert a = new Alert();
        final long now = System.currentTimeMillis() * 1_000_000L;
        final long time = event.timestampNanos != TelemetryEvent.NO_TIME ? event.timestampNanos : event.receivedNanos;
        a.timeNanos = now;
        a.soc = factory.soc();
        a.alertId = factory.soc() + "-" + now + "-" + ordinal + "-" +  ++alertCounter;
        a.ruleId = rule.id();
        a.ruleTitle = rule.title();
        a.ruleLevel = rule.level() == null ? "medium" : rule.level();
        a.ruleType = "detection";
        a.ruleAuthor = rule.author();
        a.count = 1;
        a.firstSeenNanos = time;
        a.lastSeenNanos = time;
        a.events.add(SourceFiles.evidence(event));
        final Tlp ruleTlp = rule.tlp();
        final Tlp eventTlp = Tlp.of(event.tlp);
        a.tlp = ruleTlp == null ? eventTlp : eventTlp.strictest(ruleTlp);
        a.tags.addAll(rule.tags());
        final Map<String, Object> fields = new LinkedHashMap<>();
        final List<String> referenced = rule.referencedFields();
        for (final String name : referenced) {
            final String v = event.get(Fields.id(name));
            if (v != null) {
                fields.put(name, v);
            }
        }
        putIfPresent(fields, event, HOST_NAME);
        putIfPresent(fields, event, SOURCE_IP);
        a.extra.put("event", fields);
        return a;
    }

    private static void putIfPresent(final Map<String, Object> fields, final TelemetryEvent event, final int id) {
        final String v = event.get(id);
        if (v != null) {
            fields.putIfAbsent(Fields.name(id), v);
        }
    }
}
