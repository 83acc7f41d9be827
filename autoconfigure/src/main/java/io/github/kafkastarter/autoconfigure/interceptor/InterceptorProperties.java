package io.github.kafkastarter.autoconfigure.interceptor;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Interceptor beans applied to every Kafka client.
 */
@ConfigurationProperties("kafka.starter.interceptors")
public class InterceptorProperties {

	/**
	 * Whether the application's ProducerInterceptor, ConsumerInterceptor, RecordInterceptor
	 * and BatchInterceptor beans are applied to every Kafka client (limit one to some
	 * clients with @ForClients), and a Partitioner bean becomes the partitioner of the
	 * clients it applies to (at most one per client). When off, Spring Boot's own behaviour remains: a single
	 * RecordInterceptor or BatchInterceptor bean is applied to the default client only.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
