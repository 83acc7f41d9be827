package io.github.kafkastarter.autoconfigure.priority;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Priority topics: listeners that read several topics and rank them.
 */
@ConfigurationProperties("kafka.starter.priority")
public class PriorityProperties {

	/**
	 * Listeners that rank their topics, by listener id (the @KafkaListener id): topics
	 * (highest first), max-pause, resume-for, check-interval.
	 */
	private final Map<String, PriorityListenerSettings> listeners = new LinkedHashMap<>();

	public Map<String, PriorityListenerSettings> getListeners() {
		return this.listeners;
	}

}
