package io.vigie.ops.federation;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.detect.AlertEnricher;

import java.util.ArrayList;

/**
 * Marks the alerts of rules tagged {@value #TAG} as {@code federated} and fills {@code extra.socs},
 * {@code extra.countries}, {@code extra.sectors} (read by the assessment's scope criterion) and
 * {@code extra.indicator} from the signals of the alert's indicator (its {@code signal.indicator} group value) whose
 * time lies within {@code window} of the alert's first/last seen (signals may arrive out of order, so the triggering
 * one is not always the latest; use the federated rules' largest timespan), then hands the alert to the next
 * enricher (the assessor), if any.
 */
public final class FederatedAlertEnricher implements AlertEnricher {
    /** Tag of federated rules (on the correlation rule). */
    public static final String TAG = "vigie.federated";
    /** Group-by field carrying the indicator. */
    public static final String INDICATOR = "signal.indicator";

    private final FederationTracker tracker;
    private final AlertEnricher next;
    private final long windowNanos;

    /**
     * @param tracker     the sightings recorded by the peer subscribers
     * @param next        the enricher to run afterwards (e.g. the assessor), or null
     * @param windowNanos how far around the alert's first/last seen a sighting still counts (nanoseconds)
     */
    public FederatedAlertEnricher(final FederationTracker tracker, final AlertEnricher next, final long windowNanos) {
        this.tracker = tracker;
        this.next = next;
        this.windowNanos = windowNanos;
    }

    @Override
    public void enrich(final Alert alert) {
        if (alert.tags.contains(TAG)) {
            alert.ruleType = "federated";
            final String indicator = alert.group.get(INDICATOR);
            if (indicator != null) {
                final long lo = Math.min(alert.firstSeenNanos, alert.lastSeenNanos);
                final long hi = Math.max(alert.firstSeenNanos, alert.lastSeenNanos);
                final FederationTracker.Scope s = tracker.scope(indicator, lo - windowNanos, hi + windowNanos);
                alert.extra.put("indicator", indicator);
                alert.extra.put("socs", new ArrayList<>(s.socs()));
                alert.extra.put("countries", new ArrayList<>(s.countries()));
                alert.extra.put("sectors", new ArrayList<>(s.sectors()));
            }
        }
        if (next != null) {
            next.enrich(alert);
        }
    }

    @Override
    public String toString() {
        return "federation" + (next == null ? "" : "+" + next);
    }
}
