package io.github.kafkastarter.autoconfigure.health;

/**
 * How the broker health check talks to a cluster.
 */
public enum BrokerHealthMode {

	/**
	 * Describe the cluster: cluster id, live brokers, controller; apply the
	 * {@code min.insync.replicas} rule to clients whose producer uses {@code acks=all}.
	 */
	CLUSTER,

	/**
	 * Only check that a broker answers (an API versions request), for principals that may
	 * not describe the cluster.
	 */
	CONNECTIVITY

}
