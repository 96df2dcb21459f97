/**
 * Rule-worker evaluation: {@link io.vigie.rules.eval.SigmaDetectorFactory} creates one
 * {@link io.vigie.rules.eval.SigmaDetector} per worker; rule sets are hot-swapped at batch boundaries.
 */
package io.vigie.rules.eval;
