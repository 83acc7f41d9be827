package io.github.kafkastarter.autoconfigure.groupactivity;

import java.time.Duration;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the starter watches in the consumer groups of every client's listener containers:
 * rebalances (and rebalance storms), offset commit failures and consumers left without
 * partitions.
 */
@ConfigurationProperties("kafka.starter.group-activity")
public class GroupActivityProperties implements ValidatedSettings {

	/**
	 * Whether to watch the rebalances, offset commits and idle consumers of every listener
	 * container: the kafka.starter.rebalance*, kafka.starter.commit.failures and
	 * kafka.starter.group.idle.members meters, the storm and idle-consumer warnings, and the
	 * consumer group details of the kafkaListeners health and the kafka endpoint.
	 */
	private boolean enabled = true;

	/**
	 * How many rebalances of one group, seen by this application within the storm window,
	 * are still normal; one more is a rebalance storm, logged once per window as a WARN and
	 * shown in the kafkaListeners health details (which stay UP). A rolling restart of 3
	 * instances without static membership causes about 6.
	 */
	private int stormThreshold = 4;

	/**
	 * The sliding window rebalances are counted in for the storm warning.
	 */
	private Duration stormWindow = Duration.ofMinutes(5);

	/**
	 * How long offset commits of a group may keep failing (no commit succeeded since the
	 * first failure) before the kafkaListeners health details say so, as a warning, or as
	 * DOWN when commit-failures-down is set.
	 */
	private Duration commitFailureThreshold = Duration.ofMinutes(1);

	/**
	 * Whether a group whose commits keep failing longer than commit-failure-threshold takes
	 * its client's kafkaListeners health DOWN. Off by default: kafkaListeners is part of the
	 * liveness group, and a restart rarely cures a commit failure.
	 */
	private boolean commitFailuresDown;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getStormThreshold() {
		return this.stormThreshold;
	}

	public void setStormThreshold(int stormThreshold) {
		this.stormThreshold = stormThreshold;
	}

	public Duration getStormWindow() {
		return this.stormWindow;
	}

	public void setStormWindow(Duration stormWindow) {
		this.stormWindow = stormWindow;
	}

	public Duration getCommitFailureThreshold() {
		return this.commitFailureThreshold;
	}

	public void setCommitFailureThreshold(Duration commitFailureThreshold) {
		this.commitFailureThreshold = commitFailureThreshold;
	}

	public boolean isCommitFailuresDown() {
		return this.commitFailuresDown;
	}

	public void setCommitFailuresDown(boolean commitFailuresDown) {
		this.commitFailuresDown = commitFailuresDown;
	}

	@Override
	public void validate(String prefix) {
		ValidatedSettings.require(this.stormThreshold >= 0, prefix + ".storm-threshold", this.stormThreshold,
				"A number of rebalances cannot be negative.",
				"Set it to 0 or more (4 warns of more than 4 rebalances per window).");
		ValidatedSettings.require(this.stormWindow != null && ValidatedSettings.positiveOrUnset(this.stormWindow),
				prefix + ".storm-window", this.stormWindow, "The storm window must be longer than zero.",
				"Set a positive duration, for example 5m.");
		ValidatedSettings.require(this.commitFailureThreshold != null && !this.commitFailureThreshold.isNegative(),
				prefix + ".commit-failure-threshold", this.commitFailureThreshold,
				"The commit failure threshold cannot be negative.",
				"Set 0 or a positive duration, for example 1m.");
	}

}
