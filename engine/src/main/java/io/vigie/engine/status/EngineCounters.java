package io.vigie.engine.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * All counters of one engine: per listener ({@link ListenerCounters}), alerts per level, rule-set gauges, internal
 * errors, stage latencies. Registration happens at startup; the event path only increments.
 */
public final class EngineCounters {
    /** Alert levels, in Sigma order. */
    public static final List<String> LEVELS = List.of("informational", "low", "medium", "high", "critical");

    private final List<ListenerCounters> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLongArray alerts = new AtomicLongArray(LEVELS.size());
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private final StageLatencies latencies = new StageLatencies();

    /** Registers a listener by name (or returns the existing one); its id indexes {@code TelemetryEvent.listenerId}. */
    public synchronized ListenerCounters listener(final String name) {
        for (final ListenerCounters c : listeners) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        final ListenerCounters c = new ListenerCounters(listeners.size(), name);
        listeners.add(c);
        return c;
    }

    /** The counters of a listener id (slot order), or null. */
    public ListenerCounters listener(final int id) {
        return id >= 0 && id < listeners.size() ? listeners.get(id) : null;
    }

    /** A snapshot list of all listeners. */
    public List<ListenerCounters> listeners() {
        return new ArrayList<>(listeners);
    }

    /** Counts one alert of a level (index into {@link #LEVELS}). */
    public void onAlert(final int level) {
        alerts.getAndIncrement(Math.max(0, Math.min(LEVELS.size() - 1, level)));
    }

    public long alerts(final int level) {
        return alerts.get(level);
    }

    /** Total alerts over all levels. */
    public long alerts() {
        long sum = 0;
        for (int i = 0; i < LEVELS.size(); i++) {
            sum += alerts.get(i);
        }
        return sum;
    }

    /** A named gauge (e.g. {@code rules_loaded{state="ok"}}), created on first use. */
    public AtomicLong gauge(final String name) {
        return gauges.computeIfAbsent(name, k -> new AtomicLong());
    }

    /** All gauges by name. */
    public Map<String, AtomicLong> gauges() {
        return gauges;
    }

    /** An exception reached a ring worker's exception handler: a bug, counted and logged once per kind. */
    public void onError() {
        errors.getAndIncrement();
    }

    public long errors() {
        return errors.get();
    }

    /** A rejected frame was written to the quarantine journal. */
    public void onQuarantined() {
        quarantined.lazySet(quarantined.get() + 1);
    }

    public long quarantined() {
        return quarantined.get();
    }

    public StageLatencies latencies() {
        return latencies;
    }

    /** Sum of persisted over listeners. */
    public long persisted() {
        long sum = 0;
        for (final ListenerCounters c : listeners) {
            sum += c.persisted();
        }
        return sum;
    }
}
