package io.vigie.rules.correlation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code condition} of a correlation: one or more comparisons (gt, gte, lt, lte, eq, neq) joined by AND, so that
 * {@code {gt: 100, lte: 200}} is a range. Immutable; {@link #test(double)} does not allocate.
 */
public final class CorrelationCondition {
    private static final int GT = 0;
    private static final int GTE = 1;
    private static final int LT = 2;
    private static final int LTE = 3;
    private static final int EQ = 4;
    private static final int NEQ = 5;
    private static final String[] NAMES = {"gt", "gte", "lt", "lte", "eq", "neq"};

    private final int[] ops;
    private final double[] values;

    private CorrelationCondition(final int[] ops, final double[] values) {
        this.ops = ops;
        this.values = values;
    }

    /** A condition from operator names and thresholds (e.g. {@code of("gte", 5)}). */
    public static CorrelationCondition of(final String op, final double value) {
        return new CorrelationCondition(new int[] {indexOf(op)}, new double[] {value});
    }

    /**
     * Parses the comparisons of a condition map, ignoring {@code field} and {@code percentile}.
     *
     * @throws IllegalArgumentException with the reason when an operator or value is bad, or none is given
     */
    public static CorrelationCondition parse(final Map<?, ?> map) {
        final List<Integer> ops = new ArrayList<>();
        final List<Double> values = new ArrayList<>();
        for (final Map.Entry<?, ?> e : map.entrySet()) {
            final String key = String.valueOf(e.getKey());
            if ("field".equals(key) || "percentile".equals(key)) {
                continue;
            }
            final int op = indexOf(key);
            if (op < 0) {
                throw new IllegalArgumentException("unknown condition operator '" + key + "'");
            }
            final Object v = e.getValue();
            if (!(v instanceof Number)) {
                throw new IllegalArgumentException("condition " + key + " needs a number, got '" + v + "'");
            }
            ops.add(op);
            values.add(((Number) v).doubleValue());
        }
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("condition has no comparison (gt, gte, lt, lte, eq, neq)");
        }
        final int[] o = new int[ops.size()];
        final double[] v = new double[ops.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = ops.get(i);
            v[i] = values.get(i);
        }
        return new CorrelationCondition(o, v);
    }

    private static int indexOf(final String op) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(op)) {
                return i;
            }
        }
        return -1;
    }

    /** True when every comparison holds for {@code v}. */
    public boolean test(final double v) {
        for (int i = 0; i < ops.length; i++) {
            final double x = values[i];
            final boolean ok;
            switch (ops[i]) {
                case GT:
                    ok = v > x;
                    break;
                case GTE:
                    ok = v >= x;
                    break;
                case LT:
                    ok = v < x;
                    break;
                case LTE:
                    ok = v <= x;
                    break;
                case EQ:
                    ok = v == x;
                    break;
                case NEQ:
                    ok = v != x;
                    break;
                default:
                    throw new IllegalStateException("operator " + ops[i]);
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The largest threshold, rounded up: a count above it decides every comparison. */
    public long maxThreshold() {
        double m = 0;
        for (final double v : values) {
            m = Math.max(m, v);
        }
        return (long) Math.ceil(m);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof CorrelationCondition && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ops.length; i++) {
            if (i > 0) {
                sb.append(" and ");
            }
            sb.append(NAMES[ops[i]]).append(' ').append(values[i]);
        }
        return sb.toString();
    }
}
