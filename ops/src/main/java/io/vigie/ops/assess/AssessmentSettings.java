package io.vigie.ops.assess;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the {@link Assessor} ({@code assessment:} in {@code vigie.yaml}), as plain data with defaults. The
 * severity formula is {@code score = round(100 * sum(w_c * v_c) / (5 * sum(w_c)))} over the seven criteria c, then
 * {@code critical} when {@code score >= thresholds.critical}, else {@code high}, {@code medium}, else {@code low}.
 */
public final class AssessmentSettings {
    /** Criterion names, in output order. */
    public static final List<String> CRITERIA = List.of("scope", "scale", "duration", "intensity", "complexity",
        "sophistication", "impact");

    /** This SOC's id ({@code soc.id}). */
    public String soc = "vigie";
    /** ISO 3166-1 alpha-2 country of this SOC ({@code soc.country}), or null. */
    public String country;
    /** Sector of this SOC ({@code soc.sector}), or null. */
    public String sector;
    /** Weight of each criterion (missing ones weigh 0); defaults: impact 2, duration 0.5, the others 1. */
    public Map<String, Double> weights = defaultWeights();
    /** Minimum score of each severity above {@code low}: medium 25, high 50, critical 75. */
    public Map<String, Integer> thresholds = defaultThresholds();
    /** Asset criticality by host name or CIDR (first match in list order wins; the highest over targets is kept). */
    public List<Asset> assets = new ArrayList<>();
    /** Criticality of targets that match no asset entry (0-5). */
    public int defaultCriticality = 1;
    /** Window over which the rarity of a rule is counted, hours (1-168). */
    public int rarityWindowHours = 24;
    /** Seconds of drop-counter history kept for the completeness check (one sample per second). */
    public int dropHistorySeconds = 3600;

    /** One {@code assessment.assets} entry. */
    public static final class Asset {
        /** A host name (case-insensitive, exact), an IP address, or a CIDR block ({@code 10.0.0.0/8}, IPv6 too). */
        public String match;
        /** 0 (none) to 5 (vital to society: grid control, hospital systems). */
        public int criticality;

        public Asset() {
        }

        public Asset(final String match, final int criticality) {
            this.match = match;
            this.criticality = criticality;
        }
    }

    /** The default weights. */
    public static Map<String, Double> defaultWeights() {
        final Map<String, Double> w = new LinkedHashMap<>();
        for (final String c : CRITERIA) {
            w.put(c, 1.0);
        }
        w.put("duration", 0.5);
        w.put("impact", 2.0);
        return w;
    }

    /** The default thresholds. */
    public static Map<String, Integer> defaultThresholds() {
        final Map<String, Integer> t = new LinkedHashMap<>();
        t.put("medium", 25);
        t.put("high", 50);
        t.put("critical", 75);
        return t;
    }

    /**
     * Parses {@code assessment.weights} as text values (from YAML), starting from the defaults.
     *
     * @throws IllegalArgumentException naming the bad key or value
     */
    public static Map<String, Double> parseWeights(final Map<String, String> text) {
        final Map<String, Double> w = defaultWeights();
        for (final Map.Entry<String, String> e : text.entrySet()) {
            final String k = e.getKey().toLowerCase(Locale.ROOT);
            if (!CRITERIA.contains(k)) {
                throw new IllegalArgumentException("unknown criterion '" + e.getKey() + "' (known: "
                    + String.join(", ", CRITERIA) + ")");
            }
            final double v;
            try {
                v = Double.parseDouble(e.getValue().trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("weight of " + k + " is not a number: " + e.getValue(), ex);
            }
            if (!(v >= 0 && v <= 100)) {
                throw new IllegalArgumentException("weight of " + k + " must be within 0..100: " + e.getValue());
            }
            w.put(k, v);
        }
        return w;
    }

    /**
     * Parses {@code assessment.thresholds} (medium, high, critical: integers 0-100, non-decreasing).
     *
     * @throws IllegalArgumentException naming the bad key or value
     */
    public static Map<String, Integer> parseThresholds(final Map<String, String> text) {
        final Map<String, Integer> t = defaultThresholds();
        for (final Map.Entry<String, String> e : text.entrySet()) {
            final String k = e.getKey().toLowerCase(Locale.ROOT);
            if (!t.containsKey(k)) {
                throw new IllegalArgumentException("unknown threshold '" + e.getKey()
                    + "' (known: medium, high, critical)");
            }
            final int v;
            try {
                v = Integer.parseInt(e.getValue().trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("threshold " + k + " is not an integer: " + e.getValue(), ex);
            }
            if (v < 0 || v > 100) {
                throw new IllegalArgumentException("threshold " + k + " must be within 0..100: " + v);
            }
            t.put(k, v);
        }
        if (t.get("medium") > t.get("high") || t.get("high") > t.get("critical")) {
            throw new IllegalArgumentException("thresholds must satisfy medium <= high <= critical: " + t);
        }
        return t;
    }

    /** Checks ranges and asset entries (CIDRs parse); returns this. */
    public AssessmentSettings validate() {
        if (defaultCriticality < 0 || defaultCriticality > 5) {
            throw new IllegalArgumentException("default criticality must be within 0..5: " + defaultCriticality);
        }
        if (rarityWindowHours < 1 || rarityWindowHours > 168) {
            throw new IllegalArgumentException("rarity window must be within 1..168 hours: " + rarityWindowHours);
        }
        if (dropHistorySeconds < 10 || dropHistorySeconds > 7 * 86_400) {
            throw new IllegalArgumentException("drop history must be within 10..604800 seconds: " + dropHistorySeconds);
        }
        double sum = 0;
        for (final Double w : weights.values()) {
            sum += w;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("at least one criterion weight must be positive: " + weights);
        }
        new AssetMap(assets, defaultCriticality);
        return this;
    }
}
