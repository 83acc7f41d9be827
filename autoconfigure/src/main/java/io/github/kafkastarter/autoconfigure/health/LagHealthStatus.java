package io.github.kafkastarter.autoconfigure.health;

/**
 * The status lag health reports for a consumer group that is stalled, stopped or over a
 * threshold.
 */
public enum LagHealthStatus {

	/**
	 * Fails readiness; the application is alive but behind.
	 */
	OUT_OF_SERVICE,

	/**
	 * Reports the group as down.
	 */
	DOWN

}
