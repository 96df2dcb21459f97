package io.vigie.engine.detect;

import io.vigie.engine.alert.Alert;

/**
 * Enriches an alert (assessment, context) on the alert thread, just before it is serialised and appended to the alert
 * journal. Runs once per alert on the single alert-journal thread, so an implementation may keep state without locks;
 * it must not block. A runtime exception is logged and the alert is journaled as it is.
 */
@FunctionalInterface
public interface AlertEnricher {
    /** Adds to (or adjusts) the alert in place; called on the alert-journal thread. */
    void enrich(Alert alert);
}
