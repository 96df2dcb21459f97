/**
 * Threat-intelligence matching: indicators from STIX 2.1 bundles, MISP feeds and plain lists
 * ({@link io.vigie.rules.ioc.IndicatorLoader}), indexed in an immutable {@link io.vigie.rules.ioc.IndicatorSet}
 * swapped atomically on reload ({@link io.vigie.rules.ioc.IndicatorWatcher}), and matched per worker without
 * allocation by {@link io.vigie.rules.ioc.IocMatcher} (alerts of type {@code ioc}).
 */
package io.vigie.rules.ioc;
