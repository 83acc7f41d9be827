package io.github.kafkastarter.autoconfigure.clientmetrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Kafka's own client metrics, bound to Micrometer for every client.
 */
@ConfigurationProperties("kafka.starter.client-metrics")
public class ClientMetricsProperties {

	/**
	 * Whether to bind the Kafka client metrics (kafka.consumer.*, kafka.producer.*) of every
	 * client's producers and consumers, tagged client (default for Spring Boot's client),
	 * when a MeterRegistry exists. Spring Boot alone binds the default client's only, without
	 * that tag; false restores that. A named client can be left out with
	 * kafka.starter.clients.<name>.client-metrics.enabled=false.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
