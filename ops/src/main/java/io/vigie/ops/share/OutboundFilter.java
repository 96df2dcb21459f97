package io.vigie.ops.share;

import io.vigie.engine.alert.Alert;

/**
 * The last step before an alert leaves the SOC by any feed: returns a copy with personal data pseudonymised
 * (HMAC-SHA256 under the sharing domain's key) and attacker-side public indicators in clear. Never modifies its
 * argument. Identity when pseudonymisation is not configured.
 */
@FunctionalInterface
public interface OutboundFilter {
    /** Identity (no pseudonymisation configured). */
    OutboundFilter NONE = alert -> alert;

    /** A pseudonymised copy of the alert, for delivery to subscribers. */
    Alert apply(Alert alert);
}
