package io.github.kafkastarter.autoconfigure.lag;

/**
 * How a consumer group, or one of its partitions, keeps up, judged over a sliding window
 * of samples.
 */
public enum LagStatus {

	/**
	 * Caught up, or behind but catching up.
	 */
	OK,

	/**
	 * Lag above the threshold and not shrinking.
	 */
	LAGGING,

	/**
	 * The committed offset does not move while there is lag.
	 */
	STALLED,

	/**
	 * No commit for the whole window while records arrive.
	 */
	STOPPED,

	/**
	 * Not enough samples yet to judge.
	 */
	UNKNOWN

}
