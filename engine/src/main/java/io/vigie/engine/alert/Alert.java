package io.vigie.engine.alert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One alert, in the shape of DESIGN.md section 3 ("Alert, as a JSON line"). Built by a rule worker when a rule fires
 * (allocation is fine here: alerts are rare next to events), then appended to the alert journal, whose position
 * becomes {@link #position}. Plain mutable data; not shared between threads until handed to the alert ring.
 */
public final class Alert {
    /** Alert id (unique per SOC). */
    public String alertId;
    /** When the alert was raised, epoch nanoseconds (wall clock of the worker). */
    public long timeNanos;
    /** SOC node id. */
    public String soc;
    public String ruleId;
    public String ruleTitle;
    /** Sigma level: informational, low, medium, high, critical. */
    public String ruleLevel = "medium";
    /** detection, event_count, ..., ioc, federated. */
    public String ruleType = "detection";
    /** Rule author, kept for DRL 1.1 attribution. */
    public String ruleAuthor;
    /** Group-by values of a correlation (empty for a single-event detection). */
    public final Map<String, String> group = new LinkedHashMap<>();
    public long count = 1;
    /** Event times of the first and last contributing events, epoch nanoseconds. */
    public long firstSeenNanos;
    public long lastSeenNanos;
    /** Evidence: raw-journal positions, or {@code "<file>:<line>"} in replay. */
    public final List<String> events = new ArrayList<>();
    public Tlp tlp = Tlp.RED;
    public final List<String> tags = new ArrayList<>();
    /** Assessment facts (criterion to value); filled by the assessment stage. */
    public final Map<String, Object> assessment = new LinkedHashMap<>();
    /** Extra fields (added fields never change the meaning of the contract fields). */
    public final Map<String, Object> extra = new LinkedHashMap<>();
    /** Position in the alert journal, -1 until appended. */
    public long position = -1;

    /** Sigma level as an index into {@code EngineCounters.LEVELS} (unknown levels count as medium). */
    public int levelIndex() {
        switch (ruleLevel == null ? "" : ruleLevel) {
            case "informational":
                return 0;
            case "low":
                return 1;
            case "high":
                return 3;
            case "critical":
                return 4;
            default:
                return 2;
        }
    }
}
