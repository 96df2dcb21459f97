package io.vigie.rules.correlation;

import io.vigie.engine.alert.Tlp;
import io.vigie.engine.event.Fields;
import io.vigie.rules.compile.RuleSet;
import io.vigie.rules.load.RawDocument;
import io.vigie.rules.load.RuleStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Compiles Sigma v2 correlation documents (specification v2.1.0) against a compiled rule set: resolves {@code rules:}
 * by id or name (including other correlations: chaining), applies {@code aliases}, maps group-by and value field
 * names through the same field mapper as the detection rules, and checks every attribute. Never throws for a bad
 * document: each one gets a {@link RuleStatus} (OK, INVALID or UNSUPPORTED with a reason). Off the event path.
 */
public final class CorrelationCompiler {
    private static final List<String> LEVELS = List.of("informational", "low", "medium", "high", "critical");

    private final Function<String, String> fieldMapper;
    private final CorrelationConfig config;

    /** A compiler with identity field mapping and default settings. */
    public CorrelationCompiler() {
        this(Function.identity(), new CorrelationConfig());
    }

    /** A compiler mapping Sigma field names to event field names with {@code fieldMapper}. */
    public CorrelationCompiler(final Function<String, String> fieldMapper) {
        this(fieldMapper, new CorrelationConfig());
    }

    /** A compiler with a field mapper and engine settings (caps are checked against thresholds here). */
    public CorrelationCompiler(final Function<String, String> fieldMapper, final CorrelationConfig config) {
        this.fieldMapper = fieldMapper;
        this.config = config;
    }

    /** Compiles against the rules of a compiled rule set. */
    public CorrelationSet compile(final List<RawDocument> documents, final RuleSet ruleSet) {
        return compile(documents, BaseRule.of(ruleSet));
    }

    /**
     * Compiles correlation documents. A reference that is neither a correlation nor one of {@code baseRules} makes
     * the document INVALID; with {@code baseRules == null} such a reference is kept as a base rule to be bound later
     * by id or name ({@link CorrelationEngine#wants}).
     */
    public CorrelationSet compile(final List<RawDocument> documents, final List<BaseRule> baseRules) {
        final int n = documents.size();
        final Parsed[] parsed = new Parsed[n];
        for (int i = 0; i < n; i++) {
            parsed[i] = parse(documents.get(i));
        }
        final Map<String, Integer> correlationByRef = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (parsed[i].id != null) {
                correlationByRef.putIfAbsent(parsed[i].id, i);
            }
            if (parsed[i].name != null) {
                correlationByRef.putIfAbsent(parsed[i].name, i);
            }
        }
        // Resolve references: base rule first, then correlation.
        for (int i = 0; i < n; i++) {
            final Parsed p = parsed[i];
            if (p.failed()) {
                continue;
            }
            p.base = new BaseRule[p.references.size()];
            p.inner = new int[p.references.size()];
            for (int k = 0; k < p.references.size(); k++) {
                final String ref = p.references.get(k);
                p.inner[k] = -1;
                final BaseRule b = findBase(baseRules, ref);
                if (b != null) {
                    p.base[k] = b;
                } else if (correlationByRef.containsKey(ref)) {
                    p.inner[k] = correlationByRef.get(ref);
                    if (p.inner[k] == i) {
                        p.fail(RuleStatus.Kind.INVALID, "correlation refers to itself: " + ref);
                        break;
                    }
                } else if (baseRules == null) {
                    p.base[k] = new BaseRule(-1, ref, ref, ref, null, null, List.of(), null);
                } else {
                    p.fail(RuleStatus.Kind.INVALID, "unknown rule reference '" + ref + "'");
                    break;
                }
            }
        }
        // Propagate failures through chains and detect cycles.
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 0; i < n; i++) {
                final Parsed p = parsed[i];
                if (p.failed() || p.inner == null) {
                    continue;
                }
                for (int k = 0; k < p.inner.length; k++) {
                    final int in = p.inner[k];
                    if (in >= 0 && parsed[in].failed()) {
                        p.fail(RuleStatus.Kind.INVALID, "refers to correlation '" + p.references.get(k)
                            + "' which did not load");
                        changed = true;
                        break;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (!parsed[i].failed() && onCycle(parsed, i, i, new boolean[n])) {
                parsed[i].fail(RuleStatus.Kind.INVALID, "correlation chain has a cycle");
            }
        }
        // Assign indexes to OK documents, then build.
        final int[] indexOf = new int[n];
        int next = 0;
        for (int i = 0; i < n; i++) {
            indexOf[i] = parsed[i].failed() ? -1 : next++;
        }
        final List<CorrelationRule> rules = new ArrayList<>();
        final List<RuleStatus> statuses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final Parsed p = parsed[i];
            if (!p.failed()) {
                try {
                    rules.add(build(p, parsed, indexOf, indexOf[i]));
                } catch (final IllegalArgumentException e) {
                    p.fail(RuleStatus.Kind.INVALID, e.getMessage());
                }
            }
            statuses.add(new RuleStatus(p.doc.source(), p.id, p.title, p.failed() ? p.kind : RuleStatus.Kind.OK,
                p.reason));
        }
        if (rules.size() != next) {
            // A build failure after indexing: recompile without the failed documents so indexes stay dense.
            final List<RawDocument> ok = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!parsed[i].failed()) {
                    ok.add(documents.get(i));
                }
            }
            final CorrelationSet again = compile(ok, baseRules);
            return new CorrelationSet(again.rules(), statuses, config);
        }
        return new CorrelationSet(rules, statuses, config);
    }

    private static boolean onCycle(final Parsed[] parsed, final int start, final int at, final boolean[] seen) {
        if (parsed[at].inner == null) {
            return false;
        }
        for (final int in : parsed[at].inner) {
            if (in < 0) {
                continue;
            }
            if (in == start) {
                return true;
            }
            if (!seen[in]) {
                seen[in] = true;
                if (onCycle(parsed, start, in, seen)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static BaseRule findBase(final List<BaseRule> rules, final String ref) {
        if (rules == null) {
            return null;
        }
        for (final BaseRule r : rules) {
            if (ref.equals(r.id())) {
                return r;
            }
        }
        for (final BaseRule r : rules) {
            if (ref.equals(r.name())) {
                return r;
            }
        }
        return null;
    }

    private CorrelationRule build(final Parsed p, final Parsed[] all, final int[] indexOf, final int index) {
        final CorrelationRule.Builder b = new CorrelationRule.Builder();
        final int positions = p.references.size();
        b.index = index;
        b.source = p.doc.source();
        b.id = p.id;
        b.name = p.name;
        b.title = p.title;
        b.type = p.type;
        b.references = p.references;
        b.baseRules = p.base;
        b.innerCorrelations = new int[positions];
        for (int k = 0; k < positions; k++) {
            b.innerCorrelations[k] = p.inner[k] < 0 ? -1 : indexOf[p.inner[k]];
        }
        b.level = p.level != null ? p.level : highestLevel(p, all, new boolean[all.length]);
        b.author = p.author != null ? p.author : firstAuthor(p);
        final Set<String> tags = new LinkedHashSet<>();
        collectTags(p, all, tags, new boolean[all.length]);
        b.tags = new ArrayList<>(tags);
        Tlp tlp = null;
        for (final String t : tags) {
            final Tlp x = t.startsWith("tlp.") || t.startsWith("tlp:") ? Tlp.parse(t) : null;
            if (x != null) {
                tlp = tlp == null ? x : tlp.strictest(x);
            }
        }
        for (final BaseRule r : p.base) {
            if (r != null && r.tlp() != null) {
                tlp = tlp == null ? r.tlp() : tlp.strictest(r.tlp());
            }
        }
        b.tlp = tlp;
        b.groupNames = new ArrayList<>();
        b.groupFieldIds = new int[positions][p.groupBy.size()];
        for (int g = 0; g < p.groupBy.size(); g++) {
            final String entry = p.groupBy.get(g);
            final Map<?, ?> alias = p.aliases.get(entry);
            if (alias != null) {
                b.groupNames.add(entry);
                for (int k = 0; k < positions; k++) {
                    final String field = aliasField(alias, p, all, k);
                    if (field == null) {
                        throw new IllegalArgumentException("alias '" + entry + "' has no field for rule '"
                            + p.references.get(k) + "'");
                    }
                    b.groupFieldIds[k][g] = Fields.id(fieldMapper.apply(field));
                }
            } else {
                final String field = fieldMapper.apply(entry);
                b.groupNames.add(field);
                for (int k = 0; k < positions; k++) {
                    b.groupFieldIds[k][g] = Fields.id(field);
                }
            }
        }
        b.valueFieldIds = new int[positions];
        java.util.Arrays.fill(b.valueFieldIds, -1);
        if (p.valueField != null) {
            final Map<?, ?> alias = p.aliases.get(p.valueField);
            b.valueField = alias != null ? p.valueField : fieldMapper.apply(p.valueField);
            for (int k = 0; k < positions; k++) {
                final String field = alias != null ? aliasField(alias, p, all, k) : p.valueField;
                if (field == null) {
                    throw new IllegalArgumentException("alias '" + p.valueField + "' has no field for rule '"
                        + p.references.get(k) + "'");
                }
                b.valueFieldIds[k] = Fields.id(fieldMapper.apply(field));
            }
        }
        b.timespanNanos = p.timespanNanos;
        b.condition = p.condition;
        b.percentile = p.percentile;
        b.generate = p.generate;
        b.fingerprint = String.valueOf(p.doc.yaml());
        b.maxKeys = Math.max(1, config.maxKeys(p.id, p.name));
        b.maxValues = Math.max(1, config.maxValues(p.id, p.name));
        b.slotCapacity = p.slotCapacity(b.maxValues);
        if (p.type == CorrelationType.EVENT_COUNT && p.condition.maxThreshold() + 2 > b.maxValues) {
            // Above the per-key cap, count in (maxValues - 2) time buckets per timespan instead of event times.
            b.bucketNanos = Math.max(1, p.timespanNanos / Math.max(1, b.maxValues - 2));
            b.slotCapacity = b.maxValues;
        }
        b.yaml = p.doc.yaml();
        return new CorrelationRule(b);
    }

    private static String aliasField(final Map<?, ?> alias, final Parsed p, final Parsed[] all, final int k) {
        final String ref = p.references.get(k);
        Object f = alias.get(ref);
        if (f == null && p.base[k] != null) {
            f = alias.get(p.base[k].name());
            if (f == null) {
                f = alias.get(p.base[k].id());
            }
        }
        if (f == null && p.inner[k] >= 0) {
            final Parsed in = all[p.inner[k]];
            f = in.name != null ? alias.get(in.name) : null;
            if (f == null && in.id != null) {
                f = alias.get(in.id);
            }
        }
        return f == null ? null : String.valueOf(f);
    }

    private static String highestLevel(final Parsed p, final Parsed[] all, final boolean[] seen) {
        String best = null;
        for (int k = 0; k < p.references.size(); k++) {
            String l = null;
            if (p.base[k] != null) {
                l = p.base[k].level();
            } else if (p.inner[k] >= 0 && !seen[p.inner[k]]) {
                seen[p.inner[k]] = true;
                final Parsed in = all[p.inner[k]];
                l = in.level != null ? in.level : highestLevel(in, all, seen);
            }
            if (l != null && (best == null || LEVELS.indexOf(l) > LEVELS.indexOf(best))) {
                best = l;
            }
        }
        return best == null ? "medium" : best;
    }

    private static String firstAuthor(final Parsed p) {
        for (final BaseRule r : p.base) {
            if (r != null && r.author() != null) {
                return r.author();
            }
        }
        return null;
    }

    private static void collectTags(final Parsed p, final Parsed[] all, final Set<String> out, final boolean[] seen) {
        out.addAll(p.tags);
        for (int k = 0; k < p.references.size(); k++) {
            if (p.base[k] != null) {
                out.addAll(p.base[k].tags());
            } else if (p.inner[k] >= 0 && !seen[p.inner[k]]) {
                seen[p.inner[k]] = true;
                collectTags(all[p.inner[k]], all, out, seen);
            }
        }
    }

    // --- parsing one document ----------------------------------------------------------------------------------

    private Parsed parse(final RawDocument doc) {
        final Parsed p = new Parsed(doc);
        final Map<String, Object> y = doc.yaml();
        p.id = str(y.get("id"));
        p.name = str(y.get("name"));
        p.title = str(y.get("title"));
        if (p.title == null) {
            p.title = p.name != null ? p.name : p.id != null ? p.id : doc.source();
        }
        p.level = str(y.get("level"));
        if (p.level != null && !LEVELS.contains(p.level)) {
            return p.fail(RuleStatus.Kind.INVALID, "unknown level '" + p.level + "'");
        }
        p.author = str(y.get("author"));
        if (y.get("tags") instanceof List) {
            for (final Object t : (List<?>) y.get("tags")) {
                if (t != null) {
                    p.tags.add(String.valueOf(t));
                }
            }
        }
        final Object c = y.get("correlation");
        if (!(c instanceof Map)) {
            return p.fail(RuleStatus.Kind.INVALID, "no correlation section");
        }
        final Map<?, ?> corr = (Map<?, ?>) c;
        final Object typeName = corr.get("type");
        if (typeName == null) {
            return p.fail(RuleStatus.Kind.INVALID, "correlation.type is missing");
        }
        p.type = CorrelationType.of(String.valueOf(typeName));
        if (p.type == null) {
            return p.fail(RuleStatus.Kind.UNSUPPORTED, "unknown correlation type '" + typeName + "'");
        }
        final Object rules = corr.get("rules");
        if (rules instanceof String) {
            p.references.add((String) rules);
        } else if (rules instanceof List && !((List<?>) rules).isEmpty()) {
            for (final Object r : (List<?>) rules) {
                if (r == null) {
                    return p.fail(RuleStatus.Kind.INVALID, "correlation.rules has an empty entry");
                }
                p.references.add(String.valueOf(r));
            }
        } else {
            return p.fail(RuleStatus.Kind.INVALID, "correlation.rules must list at least one rule");
        }
        final Object aliases = corr.get("aliases");
        if (aliases instanceof Map) {
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) aliases).entrySet()) {
                if (!(e.getValue() instanceof Map)) {
                    return p.fail(RuleStatus.Kind.INVALID, "alias '" + e.getKey() + "' must map rule names to fields");
                }
                p.aliases.put(String.valueOf(e.getKey()), (Map<?, ?>) e.getValue());
            }
        } else if (aliases != null) {
            return p.fail(RuleStatus.Kind.INVALID, "correlation.aliases must be a map");
        }
        final Object groupBy = corr.get("group-by");
        if (groupBy instanceof String) {
            p.groupBy.add((String) groupBy);
        } else if (groupBy instanceof List) {
            for (final Object g : (List<?>) groupBy) {
                if (g == null) {
                    return p.fail(RuleStatus.Kind.INVALID, "correlation.group-by has an empty entry");
                }
                p.groupBy.add(String.valueOf(g));
            }
        } else if (groupBy != null) {
            return p.fail(RuleStatus.Kind.INVALID, "correlation.group-by must be a field or a list of fields");
        }
        try {
            p.timespanNanos = parseTimespan(corr.containsKey("timespan") ? corr.get("timespan")
                : corr.get("timeframe"));
        } catch (final IllegalArgumentException e) {
            return p.fail(RuleStatus.Kind.INVALID, e.getMessage());
        }
        final Object cond = corr.get("condition");
        if (cond instanceof Map) {
            final Map<?, ?> cm = (Map<?, ?>) cond;
            try {
                p.condition = CorrelationCondition.parse(cm);
            } catch (final IllegalArgumentException e) {
                return p.fail(RuleStatus.Kind.INVALID, e.getMessage());
            }
            final Object field = cm.get("field");
            if (field instanceof List) {
                final List<?> fl = (List<?>) field;
                if (fl.size() != 1) {
                    return p.fail(RuleStatus.Kind.UNSUPPORTED, "condition.field with several fields");
                }
                p.valueField = String.valueOf(fl.get(0));
            } else if (field != null) {
                p.valueField = String.valueOf(field);
            }
            final Object pct = cm.containsKey("percentile") ? cm.get("percentile") : corr.get("percentile");
            if (pct != null) {
                if (!(pct instanceof Number) || ((Number) pct).doubleValue() <= 0
                    || ((Number) pct).doubleValue() > 100) {
                    return p.fail(RuleStatus.Kind.INVALID, "percentile must be a number in (0, 100]");
                }
                p.percentile = ((Number) pct).doubleValue();
            }
        } else if (cond != null) {
            return p.fail(RuleStatus.Kind.INVALID, "correlation.condition must be a map (gt, gte, lt, lte, eq, neq)");
        } else if (!p.type.temporal()) {
            return p.fail(RuleStatus.Kind.INVALID, p.type.label() + " needs a condition");
        }
        if (p.type.needsField() && p.valueField == null) {
            return p.fail(RuleStatus.Kind.INVALID, p.type.label() + " needs condition.field");
        }
        if (p.type == CorrelationType.TEMPORAL_ORDERED && p.references.size() < 2) {
            return p.fail(RuleStatus.Kind.INVALID, "temporal_ordered needs at least two rules");
        }
        final Object gen = y.containsKey("generate") ? y.get("generate") : corr.get("generate");
        if (gen instanceof Boolean) {
            p.generate = (Boolean) gen;
        } else if (gen != null) {
            return p.fail(RuleStatus.Kind.INVALID, "generate must be true or false");
        }
        if (p.type == CorrelationType.VALUE_COUNT
            && p.condition.maxThreshold() + 2 > config.maxValues(p.id, p.name)) {
            return p.fail(RuleStatus.Kind.UNSUPPORTED, "threshold " + p.condition.maxThreshold()
                + " is above the per-key value cap " + config.maxValues(p.id, p.name) + " (correlation maxValues)");
        }
        return p;
    }

    /**
     * Parses a timespan: {@code <n>s|m|h|d} (lower case, as the specification says), or a number of seconds.
     *
     * @throws IllegalArgumentException with the reason when malformed or not positive
     */
    public static long parseTimespan(final Object value) {
        if (value == null) {
            throw new IllegalArgumentException("correlation.timespan is missing");
        }
        if (value instanceof Number) {
            final double s = ((Number) value).doubleValue();
            if (!(s > 0)) {
                throw new IllegalArgumentException("timespan must be positive: " + value);
            }
            return (long) (s * 1e9);
        }
        final String t = String.valueOf(value).trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("timespan is empty");
        }
        final char unit = t.charAt(t.length() - 1);
        final String digits = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
        final long n;
        try {
            n = Long.parseLong(digits);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("bad timespan '" + t + "' (expected <n>s, <n>m, <n>h or <n>d)");
        }
        if (n <= 0) {
            throw new IllegalArgumentException("timespan must be positive: " + t);
        }
        switch (Character.isDigit(unit) ? 's' : unit) {
            case 's':
                return TimeUnit.SECONDS.toNanos(n);
            case 'm':
                return TimeUnit.MINUTES.toNanos(n);
            case 'h':
                return TimeUnit.HOURS.toNanos(n);
            case 'd':
                return TimeUnit.DAYS.toNanos(n);
            default:
                throw new IllegalArgumentException("bad timespan unit in '" + t + "' (s, m, h or d)");
        }
    }

    private static String str(final Object o) {
        return o == null ? null : String.valueOf(o);
    }

    /** One document being compiled. */
    private static final class Parsed {
        final RawDocument doc;
        String id;
        String name;
        String title;
        String level;
        String author;
        final List<String> tags = new ArrayList<>();
        CorrelationType type;
        final List<String> references = new ArrayList<>();
        final Map<String, Map<?, ?>> aliases = new HashMap<>();
        final List<String> groupBy = new ArrayList<>();
        long timespanNanos;
        CorrelationCondition condition;
        String valueField;
        double percentile = 50;
        boolean generate;
        BaseRule[] base;
        int[] inner;
        RuleStatus.Kind kind;
        String reason;

        Parsed(final RawDocument doc) {
            this.doc = doc;
        }

        Parsed fail(final RuleStatus.Kind k, final String why) {
            if (kind == null) {
                kind = k;
                reason = why;
            }
            return this;
        }

        boolean failed() {
            return kind != null;
        }

        int slotCapacity(final int maxValues) {
            switch (type) {
                case EVENT_COUNT:
                case VALUE_COUNT:
                    return (int) Math.min(maxValues, Math.max(4, condition.maxThreshold() + 2));
                case TEMPORAL:
                case TEMPORAL_ORDERED:
                    return references.size();
                default:
                    return maxValues;
            }
        }
    }
}
