package io.vigie.rules.compile;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable set of compiled rules; swapped whole on reload. Routes events to the rules of their logsource
 * (computed once per distinct event logsource and shared by workers) and, with the prefilter on, narrows them to
 * the rules whose required literals occur in the event.
 */
public final class RuleSet {
    /** A set with no rules. */
    public static final RuleSet EMPTY = new RuleSet(List.of(), true);

    private final List<CompiledRule> rules;
    private final CompiledRule[] array;
    private final boolean prefilter;
    private final ConcurrentHashMap<Long, Prefilter> routes = new ConcurrentHashMap<>();

    /** A set of these rules (re-indexed in list order) with the prefilter on. */
    public static RuleSet of(final List<CompiledRule> rules) {
        return new RuleSet(rules, true);
    }

    /** A set of these rules, re-indexed in list order; {@code prefilter} false evaluates every routed rule. */
    public RuleSet(final List<CompiledRule> rules, final boolean prefilter) {
        final List<CompiledRule> indexed = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            indexed.add(rules.get(i).withIndex(i));
        }
        this.rules = Collections.unmodifiableList(indexed);
        this.array = indexed.toArray(new CompiledRule[0]);
        this.prefilter = prefilter;
    }

    /** The same rules with the prefilter switched on or off (for equivalence tests and diagnosis). */
    public RuleSet withPrefilter(final boolean on) {
        return new RuleSet(rules, on);
    }

    public List<CompiledRule> rules() {
        return rules;
    }

    public int size() {
        return array.length;
    }

    /** The rule at an index. */
    public CompiledRule rule(final int index) {
        return array[index];
    }

    public boolean prefilter() {
        return prefilter;
    }

    /**
     * Computes the candidate rules of an event, in ascending index order, into {@link #candidates(EvalScratch)};
     * returns their count. Event path: no allocation once this logsource's route is built and cached.
     */
    public int candidates(final TelemetryEvent e, final EvalScratch s) {
        final Prefilter route = route(e, s);
        if (!prefilter) {
            s.beginCandidates(array.length);
            System.arraycopy(route.all, 0, s.candidates, 0, route.all.length);
            return route.all.length;
        }
        s.beginCandidates(array.length);
        int n = 0;
        final byte[] arena = e.arena();
        for (int f = 0; f < route.scanFields.length; f++) {
            final int id = route.scanFields[f];
            final Prefilter.Automaton ac = route.scanAutomata[f];
            for (int i = e.indexOf(id); i >= 0; i = e.nextIndexOf(id, i)) {
                n = ac.scan(arena, e.valueOffset(i), e.valueLength(i), s, n);
            }
        }
        if (route.keyword != null) {
            if (e.indexOf(Fields.MESSAGE) >= 0) {
                for (int i = e.indexOf(Fields.MESSAGE); i >= 0; i = e.nextIndexOf(Fields.MESSAGE, i)) {
                    n = route.keyword.scan(arena, e.valueOffset(i), e.valueLength(i), s, n);
                }
            } else {
                for (int i = 0, c = e.fieldCount(); i < c; i++) {
                    n = route.keyword.scan(arena, e.valueOffset(i), e.valueLength(i), s, n);
                }
            }
        }
        System.arraycopy(route.always, 0, s.candidates, n, route.always.length);
        n += route.always.length;
        Arrays.sort(s.candidates, 0, n);
        return n;
    }

    /** The candidate buffer filled by {@link #candidates(TelemetryEvent, EvalScratch)}. */
    public static int[] candidates(final EvalScratch s) {
        return s.candidates;
    }

    /** Number of rules that apply to events of this logsource (before the prefilter). */
    public int routedCount(final int product, final int category, final int service) {
        return route(product, category, service).all.length;
    }

    private Prefilter route(final TelemetryEvent e, final EvalScratch s) {
        final long key = Routing.key(e.logProduct, e.logCategory, e.logService);
        Prefilter p = s.cachedRoute(this, key);
        if (p == null) {
            p = route(e.logProduct, e.logCategory, e.logService);
            s.cacheRoute(this, key, p);
        }
        return p;
    }

    private Prefilter route(final int product, final int category, final int service) {
        return routes.computeIfAbsent(Routing.key(product, category, service), k -> {
            final List<CompiledRule> applicable = new ArrayList<>();
            for (final CompiledRule r : array) {
                if (Routing.applies(r.product, r.category, r.service, product, category, service)) {
                    applicable.add(r);
                }
            }
            return new Prefilter(applicable);
        });
    }
}
