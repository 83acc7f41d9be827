package io.github.kafkastarter.autoconfigure.clientmetrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Micrometer observation (timers and tracing spans) of every client's sends and listeners.
 */
@ConfigurationProperties("kafka.starter.observation")
public class ObservationProperties {

	/**
	 * Whether to switch on Micrometer observation for every KafkaTemplate and every listener
	 * container of every client, the default one and every named one (what
	 * spring.kafka.template.observation-enabled and
	 * spring.kafka.listener.observation-enabled do for Spring Boot's client only). A named
	 * client can set kafka.starter.clients.<name>.observation.enabled on its own. When
	 * false, those Spring Boot properties keep their meaning.
	 */
	private boolean enabled;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
