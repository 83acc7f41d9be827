package io.github.kafkastarter.autoconfigure.health;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What one background check of a client's brokers found. The health status is derived
 * from it when health is read, together with what is known of the cluster's
 * {@code min.insync.replicas}.
 *
 * @param reachable whether the brokers answered within the timeout
 * @param checkedAt when the check completed
 * @param clusterId the cluster id ({@code cluster} mode only)
 * @param nodes how many brokers the cluster reports alive ({@code cluster} mode only,
 * otherwise -1)
 * @param controller the controller, as the cluster reports it ({@code cluster} mode only)
 * @param error why the check failed, secrets masked
 * @param unreachableSince when the brokers were first found unreachable in the current
 * outage
 */
record BrokerCheckResult(boolean reachable, Instant checkedAt, @Nullable String clusterId, int nodes,
		@Nullable String controller, @Nullable String error, @Nullable Instant unreachableSince) {

	static BrokerCheckResult reached(Instant at, @Nullable String clusterId, int nodes, @Nullable String controller) {
		return new BrokerCheckResult(true, at, clusterId, nodes, controller, null, null);
	}

	static BrokerCheckResult unreachable(Instant at, String error, @Nullable BrokerCheckResult previous) {
		Instant since = (previous != null && !previous.reachable() && previous.unreachableSince() != null)
				? previous.unreachableSince() : at;
		return new BrokerCheckResult(false, at, null, -1, null, error, since);
	}

}
