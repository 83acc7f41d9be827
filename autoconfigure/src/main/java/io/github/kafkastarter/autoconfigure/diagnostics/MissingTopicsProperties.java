package io.github.kafkastarter.autoconfigure.diagnostics;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The start-up check that the topics the application names exist: each listener's explicit
 * topics (not patterns) and each template's default topic. A topic of a {@code NewTopic}
 * bean counts as existing. Can be set per named client under
 * {@code kafka.starter.clients.<name>.missing-topics.*}.
 */
@ConfigurationProperties("kafka.starter.missing-topics")
public class MissingTopicsProperties implements ValidatedSettings {

	/**
	 * When a missing topic stops start-up. 'auto' asks the cluster whether it creates
	 * topics on first use (auto.create.topics.enable) and fails only when it does not: a
	 * listener of a missing topic would otherwise wait forever and a send fail after
	 * max.block.ms. 'fail' fails whatever the cluster does, 'off' skips the check. The
	 * check runs during start-up, before the listener containers start: one admin request
	 * per client that names topics (three when one is missing in auto mode), bounded by the
	 * timeout.
	 */
	private Mode check = Mode.AUTO;

	/**
	 * How long the check may wait for the cluster. A cluster that does not answer in time
	 * is logged and start-up goes on: broker health reports an unreachable cluster.
	 */
	private Duration timeout = Duration.ofSeconds(5);

	public Mode getCheck() {
		return this.check;
	}

	public void setCheck(Mode check) {
		this.check = check;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	@Override
	public void validate(String prefix) {
		ValidatedSettings.require(ValidatedSettings.positiveOrUnset(this.timeout), prefix + ".timeout", this.timeout,
				"This duration must be above zero.",
				"Set '" + prefix + ".timeout' to a positive duration, for example 5s.");
	}

	/**
	 * When a missing topic stops start-up.
	 */
	public enum Mode {

		/**
		 * When the cluster does not create topics on first use.
		 */
		AUTO,

		/**
		 * Always.
		 */
		FAIL,

		/**
		 * Never; the cluster is not asked.
		 */
		OFF

	}

}
