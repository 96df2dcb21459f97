package io.vigie.rules.correlation;

import io.vigie.engine.alert.Tlp;

import java.util.List;
import java.util.Map;

/**
 * One compiled correlation rule: its references resolved to base rules or to other correlations (chaining), its
 * group-by resolved to field ids per referenced rule (aliases applied), its window and condition. Immutable, shared
 * by every rule worker; window state lives in the worker's {@link CorrelationEngine}.
 */
public final class CorrelationRule {
    final int index;
    final String source;
    final String id;
    final String name;
    final String title;
    final String level;
    final String author;
    final List<String> tags;
    final Tlp tlp;
    final CorrelationType type;
    final List<String> references;
    /** Per position: the base rule, or null when the position refers to a correlation. */
    final BaseRule[] baseRules;
    /** Per position: the index of the referred correlation in the set, or -1. */
    final int[] innerCorrelations;
    /** Group-by names as put in the alert's {@code group} (alias name, or the mapped event field name). */
    final List<String> groupNames;
    /** [position][group-by index] → field id read from the event. */
    final int[][] groupFieldIds;
    /** Per position: field id of {@code condition.field}, or -1. */
    final int[] valueFieldIds;
    final String valueField;
    final long timespanNanos;
    /** Null for temporal types without a condition (then all referenced rules must be seen). */
    final CorrelationCondition condition;
    final double percentile;
    final boolean generate;
    final String fingerprint;
    final int maxKeys;
    final int maxValues;
    /** Entries kept per group key (a count above the threshold decides the condition, so no more are needed). */
    final int slotCapacity;
    /** event_count above the value cap: width of the count buckets (0 = exact event times). */
    final long bucketNanos;
    final Map<String, Object> yaml;

    CorrelationRule(final Builder b) {
        index = b.index;
        source = b.source;
        id = b.id;
        name = b.name;
        title = b.title;
        level = b.level;
        author = b.author;
        tags = List.copyOf(b.tags);
        tlp = b.tlp;
        type = b.type;
        references = List.copyOf(b.references);
        baseRules = b.baseRules;
        innerCorrelations = b.innerCorrelations;
        groupNames = List.copyOf(b.groupNames);
        groupFieldIds = b.groupFieldIds;
        valueFieldIds = b.valueFieldIds;
        valueField = b.valueField;
        timespanNanos = b.timespanNanos;
        condition = b.condition;
        percentile = b.percentile;
        generate = b.generate;
        fingerprint = b.fingerprint;
        maxKeys = b.maxKeys;
        maxValues = b.maxValues;
        slotCapacity = b.slotCapacity;
        bucketNanos = b.bucketNanos;
        yaml = b.yaml;
    }

    /** Index in its {@link CorrelationSet}. */
    public int index() {
        return index;
    }

    /** Document the rule came from ({@code file#n}). */
    public String source() {
        return source;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String title() {
        return title;
    }

    /** Level of the correlation, or the highest level of its base rules when it has none. */
    public String level() {
        return level;
    }

    public String author() {
        return author;
    }

    /** Tags of the correlation and of every rule it refers to (union). */
    public List<String> tags() {
        return tags;
    }

    public CorrelationType type() {
        return type;
    }

    /** The {@code rules:} entries as written. */
    public List<String> references() {
        return references;
    }

    /** The base rule at a position, or null when the position refers to another correlation. */
    public BaseRule baseRule(final int position) {
        return baseRules[position];
    }

    /** The correlation index at a position, or -1 when the position refers to a base rule. */
    public int innerCorrelation(final int position) {
        return innerCorrelations[position];
    }

    /** Group-by names as they appear in alerts. */
    public List<String> groupBy() {
        return groupNames;
    }

    public long timespanNanos() {
        return timespanNanos;
    }

    /** The condition, or null for a temporal rule that requires all its rules. */
    public CorrelationCondition condition() {
        return condition;
    }

    /** The {@code condition.field} name (mapped), or null. */
    public String valueField() {
        return valueField;
    }

    /** Percentile rank (0-100] for value_percentile. */
    public double percentile() {
        return percentile;
    }

    /** True when the referred rules also alert on their own. */
    public boolean generate() {
        return generate;
    }

    /** Canonical text of the YAML document; equal fingerprints mean an unchanged rule on reload. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Identity across reloads: id, else name, else title. */
    public String identity() {
        return id != null ? "id:" + id : name != null ? "name:" + name : "title:" + title;
    }

    /** The parsed YAML document. */
    public Map<String, Object> yaml() {
        return yaml;
    }

    static final class Builder {
        int index;
        String source;
        String id;
        String name;
        String title;
        String level;
        String author;
        List<String> tags;
        Tlp tlp;
        CorrelationType type;
        List<String> references;
        BaseRule[] baseRules;
        int[] innerCorrelations;
        List<String> groupNames;
        int[][] groupFieldIds;
        int[] valueFieldIds;
        String valueField;
        long timespanNanos;
        CorrelationCondition condition;
        double percentile;
        boolean generate;
        String fingerprint;
        int maxKeys;
        int maxValues;
        int slotCapacity;
        long bucketNanos;
        Map<String, Object> yaml;
    }
}
