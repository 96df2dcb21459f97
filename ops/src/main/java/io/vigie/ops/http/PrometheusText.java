package io.vigie.ops.http;

import io.vigie.engine.status.DropReason;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Renders the engine's counters in the Prometheus text exposition format 0.0.4, with the metric names of DESIGN.md
 * section 3. Reads counters while they move, so a scrape is not one atomic snapshot. Off the event path.
 *
 * <p>{@code vigie_events_persisted_total} has one series per listener, so that the accounting identity can be
 * checked per listener; {@code sum(vigie_events_persisted_total)} is the node total. Engine gauges
 * registered with {@code EngineCounters.gauge("name{label=\"v\"}")} are exposed as {@code vigie_name{label="v"}}.
 * Other parts add their own families through {@link Families} (the rule workers' correlation and IoC counters).
 */
public final class PrometheusText {
    /** The content type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
    private static final String[] QUANTILE_LABELS = {"0.5", "0.9", "0.99", "0.999"};

    private final EngineCounters counters;
    private final LongSupplier ringRemaining;
    private final List<Families> extra;

    /** Metric families rendered after the engine's, at every scrape (off the event path). */
    public interface Families {
        /** Writes the families' headers and samples. */
        void render(Out out);
    }

    /** Where a {@link Families} writes: one header per family, then its samples. */
    public static final class Out {
        private final StringBuilder b;

        Out(final StringBuilder b) {
            this.b = b;
        }

        /** A family header; {@code type} is counter or gauge. */
        public Out family(final String name, final String type, final String help) {
            header(b, name, type, help);
            return this;
        }

        /** A sample: label names and values alternate. */
        public Out sample(final String name, final double value, final String... labels) {
            PrometheusText.sample(b, name, value, labels);
            return this;
        }

        /** A count: written as the exact integer (a double would round counts past 2^53). */
        public Out sample(final String name, final long value, final String... labels) {
            PrometheusText.sample(b, name, Long.toString(value), labels);
            return this;
        }
    }

    /**
     * @param counters      the engine's counters
     * @param ringRemaining free slots of the event ring
     */
    public PrometheusText(final EngineCounters counters, final LongSupplier ringRemaining) {
        this(counters, ringRemaining, List.of());
    }

    /**
     * @param counters      the engine's counters
     * @param ringRemaining free slots of the event ring
     * @param extra         families rendered after the engine's
     */
    public PrometheusText(final EngineCounters counters, final LongSupplier ringRemaining,
                          final List<Families> extra) {
        this.counters = counters;
        this.ringRemaining = ringRemaining;
        this.extra = List.copyOf(extra);
    }

    /** One scrape. */
    public String render() {
        final StringBuilder b = new StringBuilder(4096);
        final List<ListenerCounters> listeners = counters.listeners();

        header(b, "vigie_events_received_total", "counter", "Frames received, per listener.");
        for (final ListenerCounters l : listeners) {
            sample(b, "vigie_events_received_total", (double) l.received(), "listener", l.name());
        }
        header(b, "vigie_events_persisted_total", "counter",
            "Events appended to the raw journal, per listener (received = persisted + rejected + dropped).");
        for (final ListenerCounters l : listeners) {
            sample(b, "vigie_events_persisted_total", (double) l.persisted(), "listener", l.name());
        }
        header(b, "vigie_events_rejected_total", "counter", "Frames rejected as bad input, per listener and reason.");
        for (final ListenerCounters l : listeners) {
            for (final RejectReason r : RejectReason.values()) {
                if (r != RejectReason.NONE) {
                    sample(b, "vigie_events_rejected_total", (double) l.rejected(r), "listener", l.name(), "reason",
                        r.label());
                }
            }
        }
        header(b, "vigie_events_dropped_total", "counter", "Events dropped for lack of capacity, per listener and "
            + "reason.");
        for (final ListenerCounters l : listeners) {
            for (int i = 0; i < DropReason.count(); i++) {
                final DropReason r = DropReason.of(i);
                sample(b, "vigie_events_dropped_total", (double) l.dropped(r), "listener", l.name(), "reason",
                    r.label());
            }
        }
        header(b, "vigie_listener_connections", "gauge", "Open stream connections, per listener.");
        for (final ListenerCounters l : listeners) {
            sample(b, "vigie_listener_connections", (double) l.connections(), "listener", l.name());
        }
        header(b, "vigie_alerts_total", "counter", "Alerts appended to the alert journal, per rule level.");
        for (int i = 0; i < EngineCounters.LEVELS.size(); i++) {
            sample(b, "vigie_alerts_total", (double) counters.alerts(i), "rule_level", EngineCounters.LEVELS.get(i));
        }
        header(b, "vigie_ring_remaining_capacity", "gauge", "Free slots in the event ring.");
        sample(b, "vigie_ring_remaining_capacity", (double) ringRemaining.getAsLong());
        header(b, "vigie_errors_total", "counter", "Exceptions that reached a ring worker (bugs; see the error log).");
        sample(b, "vigie_errors_total", (double) counters.errors());
        header(b, "vigie_quarantined_total", "counter", "Rejected frames written to the quarantine journal.");
        sample(b, "vigie_quarantined_total", (double) counters.quarantined());

        header(b, "vigie_stage_latency_seconds", "summary",
            "Latency from receive to the end of each pipeline stage (decode: decode time alone, sampled).");
        for (final Map.Entry<String, Histogram> e : counters.latencies().snapshot().entrySet()) {
            final Histogram h = e.getValue();
            final long count = h.getTotalCount();
            for (int q = 0; q < QUANTILES.length; q++) {
                final double v = count == 0 ? Double.NaN : h.getValueAtPercentile(QUANTILES[q] * 100) / 1e9;
                sample(b, "vigie_stage_latency_seconds", v, "stage", e.getKey(), "quantile", QUANTILE_LABELS[q]);
            }
            sample(b, "vigie_stage_latency_seconds_sum", count == 0 ? 0 : h.getMean() * count / 1e9,
                "stage", e.getKey());
            sample(b, "vigie_stage_latency_seconds_count", (double) count, "stage", e.getKey());
        }
        renderGauges(b);
        final Out out = new Out(b);
        for (final Families f : extra) {
            f.render(out);
        }
        return b.toString();
    }

    private void renderGauges(final StringBuilder b) {
        // Group "family{labels}" gauges by family; families sorted for a stable output.
        final Map<String, Map<String, Long>> families = new TreeMap<>();
        for (final Map.Entry<String, AtomicLong> e : counters.gauges().entrySet()) {
            final String name = e.getKey();
            final int brace = name.indexOf('{');
            final String family = "vigie_" + sanitize(brace < 0 ? name : name.substring(0, brace));
            final String labels = brace < 0 ? "" : name.substring(brace);
            families.computeIfAbsent(family, k -> new TreeMap<>()).put(labels, e.getValue().get());
        }
        for (final Map.Entry<String, Map<String, Long>> f : families.entrySet()) {
            header(b, f.getKey(), "gauge", f.getKey().equals("vigie_rules_loaded")
                ? "Rule documents of the current rule set, per load state." : "Engine gauge.");
            for (final Map.Entry<String, Long> s : f.getValue().entrySet()) {
                b.append(f.getKey()).append(s.getKey()).append(' ').append(s.getValue()).append('\n');
            }
        }
    }

    private static String sanitize(final String name) {
        final StringBuilder s = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            s.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':'
                ? c : '_');
        }
        return s.toString();
    }

    private static void header(final StringBuilder b, final String name, final String type, final String help) {
        b.append("# HELP ").append(name).append(' ');
        escape(b, help, false);
        b.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(final StringBuilder b, final String name, final double value, final String... labels) {
        sample(b, name, format(value), labels);
    }

    private static void sample(final StringBuilder b, final String name, final String value, final String... labels) {
        b.append(name);
        if (labels.length > 0) {
            b.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    b.append(',');
                }
                b.append(labels[i]).append("=\"");
                escape(b, labels[i + 1], true);
                b.append('"');
            }
            b.append('}');
        }
        b.append(' ').append(value).append('\n');
    }

    private static String format(final double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** Escapes per the 0.0.4 format: backslash and newline everywhere, double quote in label values. */
    static void escape(final StringBuilder b, final String s, final boolean labelValue) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '"' && labelValue) {
                b.append("\\\"");
            } else {
                b.append(c);
            }
        }
    }

    /** Names of the metric families rendered by every scrape (for documentation and tests). */
    public static List<String> families() {
        final List<String> l = new ArrayList<>(List.of("vigie_events_received_total", "vigie_events_persisted_total",
            "vigie_events_rejected_total", "vigie_events_dropped_total", "vigie_listener_connections",
            "vigie_alerts_total", "vigie_ring_remaining_capacity", "vigie_errors_total", "vigie_quarantined_total",
            "vigie_stage_latency_seconds"));
        return l;
    }
}
