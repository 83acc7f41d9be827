package io.github.kafkastarter.autoconfigure.diagnostics;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up when a Kafka setting cannot work. It names the property at fault,
 * what is wrong with it and how to fix it, so that
 * {@link KafkaStarterConfigurationFailureAnalyzer} can print a message a user can act on.
 */
public class KafkaStarterConfigurationException extends RuntimeException {

	private final String property;

	private final @Nullable Object value;

	private final String problem;

	private final String action;

	/**
	 * Create a new exception.
	 * @param property the property at fault, for example
	 * {@code kafka.starter.clients.analytics.bootstrap-servers}
	 * @param value the offending value, or {@code null} when the problem is a missing value;
	 * never a secret
	 * @param problem what is wrong, as one sentence
	 * @param action how to fix it, as one sentence
	 */
	public KafkaStarterConfigurationException(String property, @Nullable Object value, String problem,
			String action) {
		super("Invalid Kafka configuration for '" + property + "'" + ((value != null) ? " (value '" + value + "')" : "")
				+ ": " + problem);
		this.property = property;
		this.value = value;
		this.problem = problem;
		this.action = action;
	}

	public String getProperty() {
		return this.property;
	}

	public @Nullable Object getValue() {
		return this.value;
	}

	public String getProblem() {
		return this.problem;
	}

	public String getAction() {
		return this.action;
	}

}
