/**
 * Loading Sigma rule files: YAML 1.2 core schema, one {@link io.vigie.rules.load.RuleStatus} per document (OK,
 * UNSUPPORTED or INVALID with a reason), correlation documents handed over raw, Sigma global filters applied to
 * the rules they name. Never throws for a bad rule.
 */
package io.vigie.rules.load;
