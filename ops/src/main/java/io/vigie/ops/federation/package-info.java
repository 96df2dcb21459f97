/**
 * Federation: a node subscribes to its peers' live alert streams ({@link io.vigie.ops.federation.PeerSubscriber}),
 * turns each received alert into signal events (one per attacker-side indicator) published into its own ring
 * (listener {@code federation}, logsource {@code vigie/federation}), where ordinary Sigma correlation rules count
 * independent SOCs per indicator; {@link io.vigie.ops.federation.FederatedAlertEnricher} marks the alerts of rules
 * tagged {@code vigie.federated} as {@code federated} and names the contributing SOCs, countries and sectors.
 * Victim identifiers only ever arrive pseudonymised (peers share one pseudonymisation key) and are kept as
 * {@code signal.victim}; anything else that is not a public attacker-side indicator is dropped.
 */
package io.vigie.ops.federation;
