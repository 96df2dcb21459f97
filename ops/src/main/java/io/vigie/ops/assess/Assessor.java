package io.vigie.ops.assess;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.detect.AlertEnricher;
import io.vigie.engine.status.EngineCounters;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Fills {@link Alert#assessment} with decision support for a proportionate response, after the criteria of the EU
 * cyber-diplomacy toolbox (scope, scale, duration, intensity, complexity, sophistication, impact), each as a value on
 * a 0-5 scale with the facts behind it, a weighted score and a severity. It never attributes the activity to an actor.
 * Runs on the engine's alert thread ({@link AlertEnricher}); its rarity and update memory are owned by that thread.
 *
 * <table>
 * <caption>Criteria and their 0-5 scales</caption>
 * <tr><th>criterion</th><th>from</th><th>0</th><th>1</th><th>2</th><th>3</th><th>4</th><th>5</th></tr>
 * <tr><td>scope</td><td>SOCs, sectors, countries touched: this SOC's {@code soc.country}/{@code soc.sector}, plus
 *     {@code extra.socs|sectors|countries} of federated alerts; the highest of the three levels</td>
 *     <td>nothing known</td><td>1 SOC, 1 sector, 1 country</td><td>2 SOCs</td><td>3-4 SOCs or 2 sectors</td>
 *     <td>5+ SOCs, 3+ sectors or 2 countries</td><td>3+ countries</td></tr>
 * <tr><td>scale</td><td>distinct targets: hosts ({@code host.name|hostname|ip}, {@code destination.ip|domain}) and
 *     users ({@code user.name}, {@code destination.user.name}, {@code user.target.name}) in {@code group} and
 *     {@code extra.event}; the distinct count of a {@code value_count} correlation ({@code extra.value});
 *     {@code extra.targets} of federated alerts</td>
 *     <td>none</td><td>1</td><td>2-4</td><td>5-19</td><td>20-99</td><td>100+</td></tr>
 * <tr><td>duration</td><td>{@code last_seen - first_seen}</td>
 *     <td>&lt; 1 s</td><td>&lt; 1 min</td><td>&lt; 1 h</td><td>&lt; 1 day</td><td>&lt; 1 week</td><td>1 week+</td></tr>
 * <tr><td>intensity</td><td>events per minute: the mean {@code count * 60 / max(duration_s, 60)} and the peak
 *     between successive updates of one incident; the larger</td>
 *     <td>&le; 1</td><td>&le; 10</td><td>&le; 100</td><td>&le; 1,000</td><td>&le; 10,000</td><td>&gt; 10,000</td></tr>
 * <tr><td>complexity</td><td>distinct ATT&amp;CK tactics in the tags ({@code attack.initial_access}, ...), +1 for a
 *     multi-stage correlation ({@code temporal}, {@code temporal_ordered})</td>
 *     <td>0</td><td>1</td><td>2</td><td>3</td><td>4</td><td>5+</td></tr>
 * <tr><td>sophistication</td><td>points, summed: rule level (medium 1, high or critical 2); rarity of the rule over
 *     the last {@code rarity_window_hours} (never fired before 2, fewer than 10 times 1); 2+ ATT&amp;CK
 *     techniques 1</td>
 *     <td colspan="6">the sum (0-5)</td></tr>
 * <tr><td>impact</td><td>highest asset criticality (0-5, {@code assessment.assets}, default
 *     {@code default_criticality}) over the targets, times the outcome factor: success seen
 *     ({@code event.outcome=success}) or a completed {@code temporal_ordered} sequence 1.0, unknown 0.75, failure
 *     only 0.5; rounded half up</td>
 *     <td colspan="6">the product (0-5)</td></tr>
 * </table>
 *
 * <p>Formula: {@code score = round(100 * sum(w_c * v_c) / (5 * sum(w_c)))} (0-100) with the configured weights
 * (default impact 2, duration 0.5, others 1); severity is {@code critical} at {@code score >= 75}, {@code high} at
 * 50, {@code medium} at 25, else {@code low} (configurable). {@code completeness} says whether the evidence may be
 * partial: input dropped by the engine between the first event and the alert (drop counters sampled each second),
 * correlation state evicted in the window ({@code extra.evicted}), late events ({@code extra.late_events}).
 * Facts hold counts and configuration entries, never target names or user names (alerts are shared).
 */
public final class Assessor implements AlertEnricher, AutoCloseable {
    /** The note stamped on every assessment. */
    public static final String NOTE = "decision support; no attribution";

    static final List<String> TACTICS = List.of("reconnaissance", "resource_development", "initial_access",
        "execution", "persistence", "privilege_escalation", "defense_evasion", "credential_access", "discovery",
        "lateral_movement", "collection", "command_and_control", "exfiltration", "impact");
    static final List<String> HOST_FIELDS = List.of("host.name", "host.hostname", "host.ip", "destination.ip",
        "destination.domain");
    static final List<String> USER_FIELDS = List.of("user.name", "destination.user.name", "user.target.name");
    private static final int MAX_TRACKED_ALERTS = 10_000;
    private static final int MAX_TRACKED_RULES = 10_000;

    /** One criterion: its 0-5 value and the facts behind it. */
    static final class Criterion {
        final int value;
        final Map<String, Object> facts;

        Criterion(final int value, final Map<String, Object> facts) {
            this.value = Math.max(0, Math.min(5, value));
            this.facts = facts;
        }

        Map<String, Object> toMap() {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("value", value);
            m.put("facts", facts);
            return m;
        }
    }

    /** What the assessor remembers of an incident between its updates (same alert id). */
    static final class Seen {
        long count;
        long lastSeenNanos;
        double peakPerMinute;
        /** Firings of the rule before this incident's first alert, within the rarity window. */
        int priorFirings;
    }

    private final AssessmentSettings settings;
    private final EngineCounters counters;
    private final LongSupplier clockMillis;
    private final AssetMap assets;
    private final DropHistory drops;
    private final Map<String, Seen> seen = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, Seen> eldest) {
            return size() > MAX_TRACKED_ALERTS;
        }
    };
    private final Map<String, long[]> firings = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, long[]> eldest) {
            return size() > MAX_TRACKED_RULES;
        }
    };
    private ScheduledExecutorService sampler;

    /**
     * @param settings the settings (validated here)
     * @param counters the engine's counters, for the completeness check; null when there are none (replay)
     */
    public Assessor(final AssessmentSettings settings, final EngineCounters counters) {
        this(settings, counters, System::currentTimeMillis);
    }

    Assessor(final AssessmentSettings settings, final EngineCounters counters, final LongSupplier clockMillis) {
        this.settings = settings.validate();
        this.counters = counters;
        this.clockMillis = clockMillis;
        this.assets = new AssetMap(settings.assets, settings.defaultCriticality);
        this.drops = new DropHistory(settings.dropHistorySeconds);
    }

    /** Starts sampling the drop counters once a second (a daemon thread); idempotent. */
    public synchronized void start() {
        if (sampler != null || counters == null) {
            return;
        }
        sampler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("vigie-assess-drops", true));
        sampler.scheduleAtFixedRate(this::sampleDrops, 0, 1, TimeUnit.SECONDS);
    }

    /** Records the current drop total for the current second (the sampler calls it; tests may too). */
    public void sampleDrops() {
        if (counters != null) {
            drops.sample(Math.floorDiv(clockMillis.getAsLong(), 1000L), DropHistory.total(counters));
        }
    }

    /** Stops the sampler. */
    @Override
    public synchronized void close() {
        if (sampler != null) {
            sampler.shutdownNow();
            sampler = null;
        }
    }

    /** Replaces the alert's assessment with a fresh one (alert thread). */
    @Override
    public void enrich(final Alert alert) {
        final Map<String, Object> a = assess(alert);
        alert.assessment.clear();
        alert.assessment.putAll(a);
    }

    /** Computes the assessment of an alert (updates the rarity and incident memory). */
    public Map<String, Object> assess(final Alert alert) {
        final Map<String, Set<String>> fields = evidence(alert);
        final Seen previous = remember(alert);
        final int priorFirings;
        if (previous == null) {
            priorFirings = recordFiring(alert);
            final Seen now = seen.get(key(alert));
            if (now != null) {
                now.priorFirings = priorFirings;
            }
        } else {
            priorFirings = previous.priorFirings;
        }

        final Map<String, Criterion> c = new LinkedHashMap<>();
        c.put("scope", scope(alert, settings));
        c.put("scale", scale(alert, fields));
        c.put("duration", duration(alert));
        c.put("intensity", intensity(alert, previous, seen.get(key(alert))));
        c.put("complexity", complexity(alert));
        c.put("sophistication", sophistication(alert, priorFirings, settings.rarityWindowHours));
        c.put("impact", impact(alert, fields, assets));

        final int score = score(c, settings.weights);
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("severity", severity(score, settings.thresholds));
        out.put("score", score);
        for (final Map.Entry<String, Criterion> e : c.entrySet()) {
            if (e.getKey().equals("duration")) {
                out.put("duration_s", durationSeconds(alert));
            }
            out.put(e.getKey(), e.getValue().toMap());
        }
        out.put("completeness", completeness(alert));
        out.put("weights", new LinkedHashMap<>(settings.weights));
        out.put("note", NOTE);
        return out;
    }

    // --- criteria (package-private for unit tests) ---------------------------------------------------------------

    static Criterion scope(final Alert a, final AssessmentSettings s) {
        final boolean local = a.soc == null || a.soc.equals(s.soc);
        final Set<String> socs = new TreeSet<>();
        final Set<String> countries = new TreeSet<>();
        final Set<String> sectors = new TreeSet<>();
        socs.add(a.soc != null ? a.soc : s.soc);
        if (local && s.country != null) {
            countries.add(s.country.toUpperCase(Locale.ROOT));
        }
        if (local && s.sector != null) {
            sectors.add(s.sector.toLowerCase(Locale.ROOT));
        }
        final Map<String, Object> sources = new LinkedHashMap<>(a.extra);
        if (a.extra.get("federation") instanceof Map) {
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) a.extra.get("federation")).entrySet()) {
                sources.putIfAbsent(String.valueOf(e.getKey()), e.getValue());
            }
        }
        addAll(socs, sources.get("socs"), false);
        addAll(countries, sources.get("countries"), true);
        addAll(sectors, sources.get("sectors"), false);
        final int socLevel = socs.isEmpty() ? 0 : socs.size() == 1 ? 1 : socs.size() == 2 ? 2
            : socs.size() <= 4 ? 3 : 4;
        final int sectorLevel = sectors.isEmpty() ? 0 : sectors.size() == 1 ? 1 : sectors.size() == 2 ? 3 : 4;
        final int countryLevel = countries.isEmpty() ? 0 : countries.size() == 1 ? 1 : countries.size() == 2 ? 4 : 5;
        final Map<String, Object> f = new LinkedHashMap<>();
        f.put("socs", new ArrayList<>(socs));
        f.put("countries", new ArrayList<>(countries));
        f.put("sectors", new ArrayList<>(sectors));
        return new Criterion(Math.max(socLevel, Math.max(sectorLevel, countryLevel)), f);
    }

    static Criterion scale(final Alert a, final Map<String, Set<String>> fields) {
        final Set<String> hosts = values(fields, HOST_FIELDS);
        final Set<String> users = values(fields, USER_FIELDS);
        long entities = (long) hosts.size() + users.size();
        final Map<String, Object> f = new LinkedHashMap<>();
        f.put("hosts", hosts.size());
        f.put("users", users.size());
        if ("value_count".equals(a.ruleType) && a.extra.get("value") instanceof Number) {
            final long distinct = ((Number) a.extra.get("value")).longValue();
            f.put("distinct_values", distinct);
            entities = Math.max(entities, distinct);
        }
        if (a.extra.get("targets") instanceof Number) {
            final long targets = ((Number) a.extra.get("targets")).longValue();
            f.put("reported_targets", targets);
            entities = Math.max(entities, targets);
        }
        f.put("entities", entities);
        final int v = entities <= 0 ? 0 : entities == 1 ? 1 : entities < 5 ? 2 : entities < 20 ? 3
            : entities < 100 ? 4 : 5;
        return new Criterion(v, f);
    }

    static long durationSeconds(final Alert a) {
        return Math.max(0, a.lastSeenNanos - a.firstSeenNanos) / 1_000_000_000L;
    }

    static Criterion duration(final Alert a) {
        final long nanos = Math.max(0, a.lastSeenNanos - a.firstSeenNanos);
        final long s = nanos / 1_000_000_000L;
        final int v = nanos < 1_000_000_000L ? 0 : s < 60 ? 1 : s < 3600 ? 2 : s < 86_400 ? 3 : s < 7 * 86_400 ? 4 : 5;
        final Map<String, Object> f = new LinkedHashMap<>();
        f.put("first_seen", io.vigie.engine.alert.AlertJson.time(a.firstSeenNanos));
        f.put("last_seen", io.vigie.engine.alert.AlertJson.time(a.lastSeenNanos));
        f.put("seconds", s);
        return new Criterion(v, f);
    }

    static Criterion intensity(final Alert a, final Seen previous, final Seen now) {
        final long s = durationSeconds(a);
        final double mean = a.count * 60.0 / Math.max(s, 60);
        double peak = mean;
        if (now != null) {
            peak = Math.max(peak, now.peakPerMinute);
        }
        final double rate = Math.max(mean, peak);
        final int v = rate <= 1 ? 0 : rate <= 10 ? 1 : rate <= 100 ? 2 : rate <= 1000 ? 3 : rate <= 10_000 ? 4 : 5;
        final Map<String, Object> f = new LinkedHashMap<>();
        f.put("events", a.count);
        f.put("per_minute_mean", round2(mean));
        f.put("per_minute_peak", round2(peak));
        f.put("updates_seen", previous != null);
        return new Criterion(v, f);
    }

    static Criterion complexity(final Alert a) {
        final Set<String> tactics = new TreeSet<>();
        for (final String tag : a.tags) {
            final String t = tag.toLowerCase(Locale.ROOT).replace('-', '_');
            if (t.startsWith("attack.") && TACTICS.contains(t.substring(7))) {
                tactics.add(t.substring(7));
            }
        }
        final boolean multiStage = "temporal".equals(a.ruleType) || "temporal_ordered".equals(a.ruleType);
        final Map<String, Object> f = new LinkedHashMap<>();
        f.put("tactics", new ArrayList<>(tactics));
        f.put("multi_stage", multiStage);
        return new Criterion(tactics.size() + (multiStage ? 1 : 0), f);
    }

    static Criterion sophistication(final Alert a, final int priorFirings, final int windowHours) {
        final String level = a.ruleLevel == null ? "medium" : a.ruleLevel.toLowerCase(Locale.ROOT);
        final int levelPoints = "high".equals(level) || "critical".equals(level) ? 2 : "medium".equals(level) ? 1 : 0;
        final int rarityPoints = priorFirings == 0 ? 2 : priorFirings < 10 ? 1 : 0;
        final List<String> techniques = techniques(a.tags);
        final int techniquePoints = techniques.size() >= 2 ? 1 : 0;
        final Map<String, Object> f = new LinkedHashMap<>();
        f.put("rule_level", level);
        f.put("rule_fired_before", priorFirings);
        f.put("rarity_window_hours", windowHours);
        f.put("techniques", techniques);
        f.put("points", Map.of("level", levelPoints, "rarity", rarityPoints, "techniques", techniquePoints));
        return new Criterion(levelPoints + rarityPoints + techniquePoints, f);
    }

    static Criterion impact(final Alert a, final Map<String, Set<String>> fields, final AssetMap assets) {
        final Set<String> targets = values(fields, HOST_FIELDS);
        int criticality = -1;
        String match = null;
        for (final String t : targets) {
            final AssetMap.Hit h = assets.lookup(t);
            if (h.criticality > criticality) {
                criticality = h.criticality;
                match = h.match;
            }
        }
        if (criticality < 0) {
            criticality = assets.lookup(null).criticality;
        }
        final Set<String> outcomes = new TreeSet<>();
        final Set<String> o = fields.get("event.outcome");
        if (o != null) {
            for (final String v : o) {
                outcomes.add(v.toLowerCase(Locale.ROOT));
            }
        }
        final String outcome;
        final double factor;
        if (outcomes.contains("success")) {
            outcome = "success";
            factor = 1.0;
        } else if ("temporal_ordered".equals(a.ruleType)) {
            outcome = "sequence_completed";
            factor = 1.0;
        } else if (outcomes.contains("failure")) {
            outcome = "failure";
            factor = 0.5;
        } else {
            outcome = "unknown";
            factor = 0.75;
        }
        final Map<String, Object> f = new LinkedHashMap<>();
        f.put("asset_criticality", criticality);
        f.put("asset_match", match);
        f.put("targets", targets.size());
        f.put("outcome", outcome);
        f.put("outcome_factor", factor);
        return new Criterion((int) Math.floor(criticality * factor + 0.5), f);
    }

    /** {@code round(100 * sum(w_c * v_c) / (5 * sum(w_c)))}; criteria without a weight weigh 0. */
    static int score(final Map<String, Criterion> criteria, final Map<String, Double> weights) {
        double num = 0;
        double den = 0;
        for (final Map.Entry<String, Criterion> e : criteria.entrySet()) {
            final double w = weights.getOrDefault(e.getKey(), 0.0);
            num += w * e.getValue().value;
            den += w * 5;
        }
        return den <= 0 ? 0 : (int) Math.round(100 * num / den);
    }

    /** The severity of a score under the thresholds (critical, high, medium minimums; below medium is low). */
    static String severity(final int score, final Map<String, Integer> thresholds) {
        if (score >= thresholds.getOrDefault("critical", 75)) {
            return "critical";
        }
        if (score >= thresholds.getOrDefault("high", 50)) {
            return "high";
        }
        if (score >= thresholds.getOrDefault("medium", 25)) {
            return "medium";
        }
        return "low";
    }

    Map<String, Object> completeness(final Alert a) {
        final Map<String, Object> f = new LinkedHashMap<>();
        boolean dropped = false;
        long droppedEvents = 0;
        if (counters != null) {
            final long nowMillis = clockMillis.getAsLong();
            final long total = DropHistory.total(counters);
            drops.sample(Math.floorDiv(nowMillis, 1000L), total);
            final long firstSecond = Math.floorDiv(a.firstSeenNanos, 1_000_000_000L);
            final long before = drops.totalAt(firstSecond);
            droppedEvents = Math.max(0, total - Math.max(0, before));
            dropped = droppedEvents > 0;
            if (firstSecond < drops.oldestSecond()) {
                f.put("drop_history_from", io.vigie.engine.alert.AlertJson.time(drops.oldestSecond() * 1_000_000_000L));
            }
        }
        f.put("input_dropped", dropped);
        f.put("dropped_events", droppedEvents);
        f.put("state_evicted", Boolean.TRUE.equals(a.extra.get("evicted")));
        final Object late = a.extra.get("late_events");
        f.put("late_events", late instanceof Number ? ((Number) late).longValue() : 0L);
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("input_dropped", f.remove("input_dropped"));
        out.put("state_evicted", f.remove("state_evicted"));
        out.put("late_events", f.remove("late_events"));
        out.putAll(f);
        return out;
    }

    // --- memory (alert thread) -------------------------------------------------------------------------------------

    private static String key(final Alert a) {
        return a.alertId == null ? "" : a.alertId;
    }

    /** Updates the incident memory; returns the state before this alert (null for a new incident). */
    private Seen remember(final Alert a) {
        if (a.alertId == null) {
            return null;
        }
        final Seen s = seen.get(a.alertId);
        final Seen before;
        if (s == null) {
            before = null;
            final Seen n = new Seen();
            n.count = a.count;
            n.lastSeenNanos = a.lastSeenNanos;
            n.peakPerMinute = 0;
            seen.put(a.alertId, n);
        } else {
            before = new Seen();
            before.count = s.count;
            before.lastSeenNanos = s.lastSeenNanos;
            before.peakPerMinute = s.peakPerMinute;
            before.priorFirings = s.priorFirings;
            final long dc = a.count - s.count;
            final long dt = Math.max(60L, (a.lastSeenNanos - s.lastSeenNanos) / 1_000_000_000L);
            if (dc > 0) {
                s.peakPerMinute = Math.max(s.peakPerMinute, dc * 60.0 / dt);
            }
            s.count = a.count;
            s.lastSeenNanos = a.lastSeenNanos;
        }
        return before;
    }

    /** Counts a new firing of the alert's rule; returns the firings before it within the window. */
    private int recordFiring(final Alert a) {
        final int prior = priorFirings(a.ruleId);
        final long[] buckets = buckets(a.ruleId);
        final long hour = Math.floorDiv(clockMillis.getAsLong(), 3_600_000L);
        final int h = settings.rarityWindowHours;
        final int i = (int) Math.floorMod(hour, (long) h);
        if (buckets[h + i] != hour) {
            buckets[h + i] = hour;
            buckets[i] = 0;
        }
        buckets[i]++;
        return prior;
    }

    private int priorFirings(final String ruleId) {
        final long[] buckets = firings.get(ruleId == null ? "" : ruleId);
        if (buckets == null) {
            return 0;
        }
        final long hour = Math.floorDiv(clockMillis.getAsLong(), 3_600_000L);
        final int h = settings.rarityWindowHours;
        long sum = 0;
        for (int i = 0; i < h; i++) {
            if (buckets[h + i] > hour - h && buckets[h + i] <= hour) {
                sum += buckets[i];
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, sum);
    }

    /** Per rule: {@code [0, h)} counts per hour slot, {@code [h, 2h)} the hour each slot holds. */
    private long[] buckets(final String ruleId) {
        return firings.computeIfAbsent(ruleId == null ? "" : ruleId, k -> {
            final long[] b = new long[2 * settings.rarityWindowHours];
            java.util.Arrays.fill(b, settings.rarityWindowHours, b.length, Long.MIN_VALUE);
            return b;
        });
    }

    // --- evidence ----------------------------------------------------------------------------------------------------

    /** Field name to distinct values, from {@code group}, {@code extra.event} and dotted top-level extras. */
    static Map<String, Set<String>> evidence(final Alert a) {
        final Map<String, Set<String>> out = new HashMap<>();
        for (final Map.Entry<String, String> e : a.group.entrySet()) {
            add(out, e.getKey(), e.getValue());
        }
        final Object event = a.extra.get("event");
        if (event instanceof Map) {
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) event).entrySet()) {
                add(out, String.valueOf(e.getKey()), e.getValue());
            }
        }
        for (final Map.Entry<String, Object> e : a.extra.entrySet()) {
            if (e.getKey().indexOf('.') > 0) {
                add(out, e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private static void add(final Map<String, Set<String>> out, final String name, final Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection) {
            for (final Object o : (Collection<?>) value) {
                add(out, name, o);
            }
            return;
        }
        if (value instanceof Map) {
            return;
        }
        final String s = value.toString();
        if (!s.isEmpty() && !"-".equals(s)) {
            out.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(s);
        }
    }

    private static Set<String> values(final Map<String, Set<String>> fields, final List<String> names) {
        final Set<String> out = new LinkedHashSet<>();
        for (final String n : names) {
            final Set<String> v = fields.get(n);
            if (v != null) {
                for (final String s : v) {
                    out.add(n.endsWith(".name") || n.endsWith("hostname") || n.endsWith("domain")
                        ? s.toLowerCase(Locale.ROOT) : s);
                }
            }
        }
        return out;
    }

    private static void addAll(final Set<String> into, final Object v, final boolean upper) {
        if (v instanceof Collection) {
            for (final Object o : (Collection<?>) v) {
                if (o != null) {
                    into.add(upper ? o.toString().toUpperCase(Locale.ROOT) : o.toString());
                }
            }
        } else if (v instanceof String) {
            for (final String s : ((String) v).split(",")) {
                if (!s.isBlank()) {
                    into.add(upper ? s.trim().toUpperCase(Locale.ROOT) : s.trim());
                }
            }
        }
    }

    static List<String> techniques(final List<String> tags) {
        final Set<String> out = new TreeSet<>();
        for (final String tag : tags) {
            final String t = tag.toLowerCase(Locale.ROOT);
            if (t.length() >= 12 && t.startsWith("attack.t") && isDigits(t, 8, 12)
                && (t.length() == 12 || (t.length() == 16 && t.charAt(12) == '.' && isDigits(t, 13, 16)))) {
                out.add(t.substring(7).toUpperCase(Locale.ROOT));
            }
        }
        return new ArrayList<>(out);
    }

    private static boolean isDigits(final String s, final int from, final int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static double round2(final double v) {
        return Math.round(v * 100) / 100.0;
    }
}
