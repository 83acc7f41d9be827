package io.github.kafkastarter.autoconfigure.diagnostics;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Settings that know which of their own values cannot work. Before any bean is created,
 * the start-up checks bind each such class from every prefix it is read from (all
 * clients, then each named client's override) and call {@link #validate(String)}. Binding
 * itself reports a value that does not convert (an unknown enum constant, a malformed
 * duration) with Spring Boot's report, which lists the valid values.
 */
public interface ValidatedSettings {

	/**
	 * Checks the bound values.
	 * @param prefix the property prefix these settings were bound from, for the report
	 * @throws KafkaStarterConfigurationException naming the first value that cannot work
	 */
	void validate(String prefix);

	/**
	 * Fails with a start-up report unless a condition holds.
	 * @param valid the condition
	 * @param property the property at fault
	 * @param value its value
	 * @param problem what is wrong, as one sentence
	 * @param action how to fix it, as one sentence
	 */
	static void require(boolean valid, String property, @Nullable Object value, String problem, String action) {
		if (!valid) {
			throw new KafkaStarterConfigurationException(property, value, problem, action);
		}
	}

	/**
	 * Whether a duration is above zero.
	 * @param duration the duration, {@code null} when unset
	 * @return whether it is unset or positive
	 */
	static boolean positiveOrUnset(@Nullable Duration duration) {
		return duration == null || (!duration.isZero() && !duration.isNegative());
	}

}
