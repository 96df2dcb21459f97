package io.vigie.rules.correlation;

/** The seven Sigma v2 correlation types (specification v2.1.0), by their YAML names. */
public enum CorrelationType {
    EVENT_COUNT("event_count"),
    VALUE_COUNT("value_count"),
    TEMPORAL("temporal"),
    TEMPORAL_ORDERED("temporal_ordered"),
    VALUE_SUM("value_sum"),
    VALUE_AVG("value_avg"),
    VALUE_PERCENTILE("value_percentile");

    private final String label;

    CorrelationType(final String label) {
        this.label = label;
    }

    /** The YAML name, also the alert's {@code rule.type}. */
    public String label() {
        return label;
    }

    /** The type for a YAML name, or null when unknown. */
    public static CorrelationType of(final String label) {
        for (final CorrelationType t : values()) {
            if (t.label.equals(label)) {
                return t;
            }
        }
        return null;
    }

    /** True when {@code condition.field} is mandatory. */
    public boolean needsField() {
        return this == VALUE_COUNT || this == VALUE_SUM || this == VALUE_AVG || this == VALUE_PERCENTILE;
    }

    /** True when the type aggregates numbers parsed from the field value. */
    public boolean numeric() {
        return this == VALUE_SUM || this == VALUE_AVG || this == VALUE_PERCENTILE;
    }

    /** True for the two temporal proximity types. */
    public boolean temporal() {
        return this == TEMPORAL || this == TEMPORAL_ORDERED;
    }
}
