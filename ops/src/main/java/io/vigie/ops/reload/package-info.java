/**
 * Hot reload of detection content without stopping ingest: {@link io.vigie.ops.reload.RuleReloader} (file watch and
 * {@code POST /api/v1/rules/reload}) and {@link io.vigie.ops.reload.DetectionOptions} (the {@code intel},
 * {@code rules_reload} and {@code correlation} settings).
 */
package io.vigie.ops.reload;
