package io.vigie.ops.federation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which SOCs, countries and sectors reported each indicator, and when (signal time, epoch nanoseconds): fed by the
 * {@link PeerSubscriber}s as they publish signals, read by the {@link FederatedAlertEnricher}. Bounded: at most
 * {@code maxIndicators} indicators (least recently reported evicted) and {@code maxPerIndicator} sightings each
 * (oldest dropped). Thread-safe (one lock; off the event path).
 */
public final class FederationTracker {
    /** One report of an indicator by a SOC. */
    record Sighting(long timeNanos, String soc, String country, String sector) {
    }

    /** SOCs, countries and sectors of an indicator within a time range. */
    public record Scope(Set<String> socs, Set<String> countries, Set<String> sectors) {
    }

    private final int maxPerIndicator;
    private final Map<String, List<Sighting>> byIndicator;

    /** A tracker keeping at most this many indicators and sightings per indicator. */
    public FederationTracker(final int maxIndicators, final int maxPerIndicator) {
        this.maxPerIndicator = maxPerIndicator;
        this.byIndicator = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, List<Sighting>> eldest) {
                return size() > maxIndicators;
            }
        };
    }

    /** Records that {@code soc} (of this country and sector, either may be null) reported the indicator. */
    public synchronized void record(final String indicator, final long timeNanos, final String soc,
                                    final String country, final String sector) {
        final List<Sighting> l = byIndicator.computeIfAbsent(indicator, k -> new ArrayList<>());
        if (l.size() >= maxPerIndicator) {
            l.remove(0);
        }
        l.add(new Sighting(timeNanos, soc, country, sector));
    }

    /** The SOCs, countries and sectors that reported the indicator with a signal time within [from, to]. */
    public synchronized Scope scope(final String indicator, final long fromNanos, final long toNanos) {
        final Set<String> socs = new TreeSet<>();
        final Set<String> countries = new TreeSet<>();
        final Set<String> sectors = new TreeSet<>();
        final List<Sighting> l = byIndicator.get(indicator);
        if (l != null) {
            for (final Sighting s : l) {
                if (s.timeNanos() >= fromNanos && s.timeNanos() <= toNanos) {
                    add(socs, s.soc());
                    add(countries, s.country());
                    add(sectors, s.sector());
                }
            }
        }
        return new Scope(socs, countries, sectors);
    }

    private static void add(final Set<String> set, final String v) {
        if (v != null && !v.isEmpty()) {
            set.add(v);
        }
    }
}
