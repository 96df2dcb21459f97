/**
 * Sigma v2 correlation rules (specification v2.1.0) evaluated in event time.
 *
 * <p>{@link io.vigie.rules.correlation.CorrelationCompiler} turns correlation documents into an immutable
 * {@link io.vigie.rules.correlation.CorrelationSet} (one {@code RuleStatus} per document);
 * {@link io.vigie.rules.correlation.V1AggregationTranslator} turns Sigma v1 {@code | count() by ...} rules into a
 * base rule plus an equivalent correlation; {@link io.vigie.rules.correlation.CorrelationEngine}, one per rule worker,
 * implements {@link io.vigie.rules.correlation.CorrelationHook} for the detector and holds the worker's partition of
 * the window state.
 *
 * <p>Emission policy: one alert when a group's condition becomes true; while it stays true, at most one update per
 * timespan (same alert id, higher count); a final update when the incident closes if its count moved; re-armed when
 * the condition is false again.
 */
package io.vigie.rules.correlation;
