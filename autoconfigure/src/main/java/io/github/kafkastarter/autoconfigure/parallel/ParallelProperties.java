package io.github.kafkastarter.autoconfigure.parallel;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Parallel listeners: record listeners whose concurrency does not depend on partitions.
 */
@ConfigurationProperties("kafka.starter.parallel")
public class ParallelProperties {

	/**
	 * Parallel listeners by listener id (the @KafkaListener id): ordering, concurrency,
	 * max-in-flight, drain-timeout, commit-interval, poll-timeout. Values here override a
	 * @ParallelListener annotation on the same listener.
	 */
	private final Map<String, ParallelListenerSettings> listeners = new LinkedHashMap<>();

	/**
	 * Whether parallel listeners run their records on virtual threads when the JVM has
	 * them (Java 21+). Platform threads are used otherwise.
	 */
	private boolean virtualThreads = true;

	public Map<String, ParallelListenerSettings> getListeners() {
		return this.listeners;
	}

	public boolean isVirtualThreads() {
		return this.virtualThreads;
	}

	public void setVirtualThreads(boolean virtualThreads) {
		this.virtualThreads = virtualThreads;
	}

}
