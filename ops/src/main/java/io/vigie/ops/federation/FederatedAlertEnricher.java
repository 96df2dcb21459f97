package io.vigie.ops.federation;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.detect.AlertEnricher;

import java.util.ArrayList;

/**
 * Marks the alerts of rules tagged {@value #TAG} as {@code federated} and fills {@code extra.socs},
 * {@code extra.countries}, {@code extra.sectors} (read by the assessment's scope criterion) and
 * {@code extra.indicator} from the signals that contributed (the alert's {@code signal.indicator} group value,
 * within its first/last seen), then hands the alert to the next enricher (the assessor), if any.
 */
public final class FederatedAlertEnricher implements AlertEnricher {
    /** Tag of federated rules (on the correlation rule). */
    public static final String TAG = "vigie.federated";
    /** Group-by field carrying the indicator. */
    public static final String INDICATOR = "signal.indicator";

    private final FederationTracker tracker;
    private final AlertEnricher next;

    /**
     * @param tracker the sightings recorded by the peer subscribers
     * @param next    the enricher to run afterwards (e.g. the assessor), or null
     */
    public FederatedAlertEnricher(final FederationTracker tracker, final AlertEnricher next) {
        this.tracker = tracker;
        this.next = next;
    }

    @Override
    public void enrich(final Alert alert) {
        if (alert.tags.contains(TAG)) {
            alert.ruleType = "federated";
            final String indicator = alert.group.get(INDICATOR);
            if (indicator != null) {
                final FederationTracker.Scope s = tracker.scope(indicator, alert.firstSeenNanos,
                    alert.lastSeenNanos);
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
