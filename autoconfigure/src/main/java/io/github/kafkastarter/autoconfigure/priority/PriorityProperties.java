package io.github.kafkastarter.autoconfigure.priority;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

	/**
	 * How one listener ranks the topics it reads.
	 */
	public static class PriorityListenerSettings {

		/**
		 * The listener's topics, highest priority first. A topic's partitions are paused while
		 * a higher-ranked topic has a backlog, and resumed once it is drained. Topics of the
		 * listener not listed here are not paused.
		 */
		private List<String> topics = new ArrayList<>();

		/**
		 * The longest a lower-ranked topic stays paused; then it is resumed for resume-for, so
		 * that it is never starved.
		 */
		private Duration maxPause = Duration.ofSeconds(30);

		/**
		 * How long a starved topic runs, the topics above it waiting, once it reached
		 * max-pause; extended until records of it actually came through.
		 */
		private Duration resumeFor = Duration.ofSeconds(1);

		/**
		 * How often backlogs are checked, from the consumer's own fetch positions (no broker
		 * call).
		 */
		private Duration checkInterval = Duration.ofMillis(50);

		public List<String> getTopics() {
			return this.topics;
		}

		public void setTopics(List<String> topics) {
			this.topics = topics;
		}

		public Duration getMaxPause() {
			return this.maxPause;
		}

		public void setMaxPause(Duration maxPause) {
			this.maxPause = maxPause;
		}

		public Duration getResumeFor() {
			return this.resumeFor;
		}

		public void setResumeFor(Duration resumeFor) {
			this.resumeFor = resumeFor;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

	}

}
