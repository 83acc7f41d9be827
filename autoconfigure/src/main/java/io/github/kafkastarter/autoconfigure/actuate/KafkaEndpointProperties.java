package io.github.kafkastarter.autoconfigure.actuate;

import java.time.Duration;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code kafka} actuator endpoint. Its exposure and access are Spring Boot's
 * ({@code management.endpoints.web.exposure.include},
 * {@code management.endpoint.kafka.access}).
 */
@ConfigurationProperties("kafka.starter.endpoint")
public class KafkaEndpointProperties implements ValidatedSettings {

	/**
	 * How long a read of the kafka actuator endpoint waits for the brokers when it
	 * describes the consumer groups in use; groups not described in time are reported with
	 * the error. Only the endpoint waits for the broker; health never does.
	 */
	private Duration timeout = Duration.ofSeconds(5);

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	@Override
	public void validate(String prefix) {
		ValidatedSettings.require(ValidatedSettings.positiveOrUnset(this.timeout), prefix + ".timeout", this.timeout,
				"'" + prefix + ".timeout' is how long the kafka endpoint waits for the brokers and must be positive.",
				"Set a positive duration, for example '" + prefix + ".timeout=5s', or remove it for the default.");
	}

}
