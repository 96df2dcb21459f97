package io.vigie.rules.correlation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Translates a Sigma v1 aggregation ({@code condition: selection | count() by X > N} plus {@code timeframe}) into
 * an equivalent v2 pair: a base detection rule (the condition before the pipe) and a correlation that refers to it
 * by name: {@code count()} → event_count, {@code count(F)} → value_count on F, {@code sum(F)} / {@code avg(F)} →
 * value_sum / value_avg. Refuses, with a reason, {@code near}, {@code min}/{@code max}, several conditions, and
 * aggregations without a timeframe. The correlation keeps the v1 rule's id, title, level, author and tags, so its
 * alerts carry the original rule's identity; the base rule gets a derived id and {@code generate} stays false.
 */
public final class V1AggregationTranslator {
    private V1AggregationTranslator() {
    }

    /** The outcome: both documents, or the reason of a refusal. */
    public static final class Result {
        private final Map<String, Object> baseRule;
        private final Map<String, Object> correlation;
        private final String reason;

        private Result(final Map<String, Object> baseRule, final Map<String, Object> correlation,
                       final String reason) {
            this.baseRule = baseRule;
            this.correlation = correlation;
            this.reason = reason;
        }

        /** True when the rule was translated. */
        public boolean ok() {
            return reason == null;
        }

        /** The v2 detection rule (v1 document without the aggregation), or null when refused. */
        public Map<String, Object> baseRule() {
            return baseRule;
        }

        /** The v2 correlation document, or null when refused. */
        public Map<String, Object> correlation() {
            return correlation;
        }

        /** Why it was refused (null when ok). */
        public String reason() {
            return reason;
        }
    }

    /** True when a raw document uses a v1 pipe aggregation in {@code detection.condition}. */
    public static boolean isV1Aggregation(final Map<String, Object> doc) {
        final Object d = doc.get("detection");
        if (!(d instanceof Map)) {
            return false;
        }
        final Object c = ((Map<?, ?>) d).get("condition");
        if (c instanceof String) {
            return ((String) c).contains("|");
        }
        if (c instanceof List) {
            for (final Object o : (List<?>) c) {
                if (o instanceof String && ((String) o).contains("|")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Translates a raw v1 rule document (as parsed by SnakeYAML Engine). Never throws for a bad rule. */
    public static Result translate(final Map<String, Object> v1) {
        final Object d = v1.get("detection");
        if (!(d instanceof Map)) {
            return refuse("no detection section");
        }
        final Map<?, ?> detection = (Map<?, ?>) d;
        Object cond = detection.get("condition");
        if (cond instanceof List) {
            final List<?> l = (List<?>) cond;
            if (l.size() != 1) {
                return refuse("several conditions with an aggregation");
            }
            cond = l.get(0);
        }
        if (!(cond instanceof String)) {
            return refuse("detection.condition is not a string");
        }
        final String condition = (String) cond;
        final int pipe = condition.indexOf('|');
        if (pipe < 0) {
            return refuse("no aggregation in the condition");
        }
        final String search = condition.substring(0, pipe).trim();
        final String agg = condition.substring(pipe + 1).trim();
        if (search.isEmpty()) {
            return refuse("empty search before the aggregation");
        }
        if (agg.contains("|")) {
            return refuse("several aggregations");
        }
        final Object timeframe = detection.containsKey("timeframe") ? detection.get("timeframe")
            : v1.get("timeframe");
        if (timeframe == null) {
            return refuse("aggregation without timeframe (unbounded window) has no v2 equivalent");
        }
        try {
            CorrelationCompiler.parseTimespan(timeframe);
        } catch (final IllegalArgumentException e) {
            return refuse(e.getMessage());
        }
        final Aggregation a;
        try {
            a = parseAggregation(agg);
        } catch (final IllegalArgumentException e) {
            return refuse(e.getMessage());
        }
        final String type;
        switch (a.function) {
            case "count":
                type = a.field == null ? "event_count" : "value_count";
                break;
            case "sum":
                type = "value_sum";
                break;
            case "avg":
                type = "value_avg";
                break;
            case "near":
                return refuse("near aggregation has no v2 equivalent (use a temporal correlation)");
            default:
                return refuse(a.function + "() aggregation has no v2 equivalent");
        }
        if (!"event_count".equals(type) && a.field == null) {
            return refuse(a.function + "() needs a field");
        }
        final String id = v1.get("id") == null ? null : String.valueOf(v1.get("id"));
        final String key = id != null ? id : String.valueOf(v1.get("title"));
        final String baseName = v1.get("name") != null ? String.valueOf(v1.get("name"))
            : "v1_" + key.replaceAll("[^A-Za-z0-9]+", "_").toLowerCase(Locale.ROOT);

        final Map<String, Object> base = new LinkedHashMap<>(v1);
        base.put("id", UUID.nameUUIDFromBytes((key + "/v1-base").getBytes(StandardCharsets.UTF_8)).toString());
        base.put("name", baseName);
        final Map<String, Object> baseDetection = new LinkedHashMap<>();
        for (final Map.Entry<?, ?> e : detection.entrySet()) {
            if (!"timeframe".equals(e.getKey())) {
                baseDetection.put(String.valueOf(e.getKey()), e.getValue());
            }
        }
        baseDetection.put("condition", search);
        base.put("detection", baseDetection);
        base.remove("timeframe");

        final Map<String, Object> corr = new LinkedHashMap<>();
        for (final String k : List.of("title", "id", "status", "description", "author", "references", "date",
            "modified", "tags", "falsepositives", "level")) {
            if (v1.containsKey(k)) {
                corr.put(k, v1.get(k));
            }
        }
        final Map<String, Object> section = new LinkedHashMap<>();
        section.put("type", type);
        section.put("rules", new ArrayList<>(List.of(baseName)));
        section.put("group-by", new ArrayList<>(a.groupBy));
        section.put("timespan", timeframe);
        final Map<String, Object> c = new LinkedHashMap<>();
        c.put(a.op, a.value);
        if (a.field != null) {
            c.put("field", a.field);
        }
        section.put("condition", c);
        corr.put("correlation", section);
        return new Result(base, corr, null);
    }

    private static Result refuse(final String reason) {
        return new Result(null, null, reason);
    }

    private static final class Aggregation {
        String function;
        String field;
        final List<String> groupBy = new ArrayList<>();
        String op;
        Number value;
    }

    /** Parses {@code fn([field]) [by f1[, f2]] op N}. */
    private static Aggregation parseAggregation(final String text) {
        final Aggregation a = new Aggregation();
        final int open = text.indexOf('(');
        final int close = text.indexOf(')');
        if (open <= 0 || close < open) {
            if (text.startsWith("near")) {
                a.function = "near";
                return a;
            }
            throw new IllegalArgumentException("unrecognised aggregation '" + text + "'");
        }
        a.function = text.substring(0, open).trim().toLowerCase(Locale.ROOT);
        if (a.function.equals("near")) {
            return a;
        }
        final String field = text.substring(open + 1, close).trim();
        a.field = field.isEmpty() ? null : field;
        String rest = text.substring(close + 1).trim();
        if (rest.startsWith("by ")) {
            rest = rest.substring(3).trim();
            int i = 0;
            while (i < rest.length() && "<>=!".indexOf(rest.charAt(i)) < 0) {
                i++;
            }
            for (final String g : rest.substring(0, i).split(",")) {
                if (!g.isBlank()) {
                    a.groupBy.add(g.trim());
                }
            }
            rest = rest.substring(i).trim();
        }
        final String[] ops = {">=", "<=", "==", "!=", ">", "<", "="};
        final String[] names = {"gte", "lte", "eq", "neq", "gt", "lt", "eq"};
        for (int k = 0; k < ops.length; k++) {
            if (rest.startsWith(ops[k])) {
                a.op = names[k];
                final String num = rest.substring(ops[k].length()).trim();
                try {
                    a.value = num.contains(".") ? (Number) Double.parseDouble(num) : (Number) Long.parseLong(num);
                } catch (final NumberFormatException e) {
                    throw new IllegalArgumentException("aggregation threshold is not a number: '" + num + "'");
                }
                return a;
            }
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("aggregation without a comparison");
        }
        throw new IllegalArgumentException("unrecognised comparison '" + rest + "'");
    }
}
