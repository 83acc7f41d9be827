package io.github.kafkastarter.autoconfigure.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Consumer reliability settings. They apply to every client; a named client overrides any
 * of them under {@code kafka.starter.clients.<name>.consumer.*}, and one listener under
 * {@code kafka.starter.consumer.listeners.<listener-id>.*}.
 */
@ConfigurationProperties("kafka.starter.consumer")
public class ConsumerReliabilityProperties implements ValidatedSettings {

	// Kafka's legal topic names.
	private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

	/**
	 * Whether every consumer factory wraps its key and value deserializers in Spring
	 * Kafka's ErrorHandlingDeserializer, so a record that cannot be deserialized goes to
	 * the dead-letter topic instead of reaching the listener or stopping the container.
	 */
	private boolean poisonPillSafety = true;

	/**
	 * Whether consumers of the classic group protocol use the CooperativeStickyAssignor
	 * (incremental rebalances: a consumer keeps its partitions while others move) unless
	 * partition.assignment.strategy is set.
	 */
	private boolean cooperativeRebalancing = true;

	/**
	 * Whether listener containers without an error handler of the application's get the
	 * starter's: retries and dead letters as configured under 'retry' and 'dead-letter'.
	 * When false they keep Spring Kafka's own default, as with Spring Boot alone (a record
	 * is delivered 10 times without back-off, then logged and skipped).
	 */
	private boolean errorHandling = true;

	/**
	 * Kafka's consumer group protocol: 'classic' (client-side assignors) or 'consumer'
	 * (KIP-848, broker-side assignment; assignor, session and heartbeat settings then live
	 * on the broker). Unset: whatever the client configures, Kafka's default being
	 * 'classic'.
	 */
	private @Nullable GroupProtocol groupProtocol;

	/**
	 * Whether every listener of the client skips records it has already processed
	 * (otherwise only listeners marked with @Deduplicated or listeners.<id>.deduplicate).
	 */
	private boolean deduplicate;

	/**
	 * Retries of a record whose listener failed.
	 */
	private final Retry retry = new Retry();

	/**
	 * Where records go once retries are exhausted, or at once when they cannot be
	 * deserialized or fail with a non-retryable exception.
	 */
	private final DeadLetter deadLetter = new DeadLetter();

	/**
	 * Static group membership: a restart within the session timeout does not rebalance.
	 */
	private final StaticMembership staticMembership = new StaticMembership();

	/**
	 * Settings of one listener, by listener id (the id of @KafkaListener): retry,
	 * dead-letter and deduplicate, overriding the client's.
	 */
	private Map<String, Listener> listeners = new LinkedHashMap<>();

	public boolean isPoisonPillSafety() {
		return this.poisonPillSafety;
	}

	public void setPoisonPillSafety(boolean poisonPillSafety) {
		this.poisonPillSafety = poisonPillSafety;
	}

	public boolean isErrorHandling() {
		return this.errorHandling;
	}

	public void setErrorHandling(boolean errorHandling) {
		this.errorHandling = errorHandling;
	}

	public boolean isCooperativeRebalancing() {
		return this.cooperativeRebalancing;
	}

	public void setCooperativeRebalancing(boolean cooperativeRebalancing) {
		this.cooperativeRebalancing = cooperativeRebalancing;
	}

	public @Nullable GroupProtocol getGroupProtocol() {
		return this.groupProtocol;
	}

	public void setGroupProtocol(@Nullable GroupProtocol groupProtocol) {
		this.groupProtocol = groupProtocol;
	}

	public boolean isDeduplicate() {
		return this.deduplicate;
	}

	public void setDeduplicate(boolean deduplicate) {
		this.deduplicate = deduplicate;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public DeadLetter getDeadLetter() {
		return this.deadLetter;
	}

	public StaticMembership getStaticMembership() {
		return this.staticMembership;
	}

	public Map<String, Listener> getListeners() {
		return this.listeners;
	}

	public void setListeners(Map<String, Listener> listeners) {
		this.listeners = listeners;
	}

	@Override
	public void validate(String prefix) {
		validate(prefix, this.retry, this.deadLetter);
		this.listeners.forEach((id, listener) -> validate(
				prefix + (id.matches("[A-Za-z0-9-]+") ? ".listeners." + id : ".listeners[" + id + "]"),
				listener.getRetry(), listener.getDeadLetter()));
	}

	private static void validate(String prefix, Retry retry, DeadLetter deadLetter) {
		String attempts = prefix + ".retry.attempts";
		ValidatedSettings.require(retry.getAttempts() >= 1, attempts, retry.getAttempts(),
				"Retry attempts count every delivery of a failing record, the first included, so at least 1.",
				"Set '" + attempts + "=1' for no retries, or more (3 by default) to retry.");
		String backoff = prefix + ".retry.backoff";
		Backoff values = retry.getBackoff();
		ValidatedSettings.require(!values.getDelay().isNegative(), backoff + ".delay", values.getDelay(),
				"A back-off cannot be negative.", "Set '" + backoff + ".delay' to zero or more, for example 1s.");
		ValidatedSettings.require(!values.getJitter().isNegative(), backoff + ".jitter", values.getJitter(),
				"A jitter cannot be negative.", "Set '" + backoff + ".jitter' to zero or more, for example 200ms.");
		ValidatedSettings.require(values.getMultiplier() >= 1, backoff + ".multiplier", values.getMultiplier(),
				"A multiplier below 1 would shrink the delay after each retry.",
				"Set '" + backoff + ".multiplier=1' for a fixed delay, or more (2 doubles it) for an exponential one.");
		String topic = deadLetter.getTopic();
		ValidatedSettings.require(topic == null || topic.isEmpty() || (TOPIC.matcher(topic).matches()
				&& !".".equals(topic) && !"..".equals(topic)), prefix + ".dead-letter.topic", topic,
				"'" + topic + "' is not a legal Kafka topic name (letters, digits, '.', '_' and '-', at most 249 "
						+ "characters).",
				"Name the dead-letter topic with those characters only, for example 'orders.DLT'.");
		if (topic == null || topic.isEmpty()) {
			String suffix = prefix + ".dead-letter.topic-suffix";
			ValidatedSettings.require(!deadLetter.getTopicSuffix().isEmpty(), suffix, "",
					"Without a suffix every dead-letter topic is its source topic: failed records would go back "
							+ "where they came from and fail again, for ever.",
					"Remove '" + suffix + "' to use '.DLT', or set another suffix.");
			ValidatedSettings.require(TOPIC.matcher(deadLetter.getTopicSuffix()).matches(), suffix,
					deadLetter.getTopicSuffix(),
					"The suffix makes illegal Kafka topic names (letters, digits, '.', '_' and '-' only).",
					"Use a suffix such as '.DLT' or '-dlt'.");
		}
	}

	/**
	 * Kafka's consumer group protocols.
	 */
	public enum GroupProtocol {

		/**
		 * The classic protocol: the group leader assigns partitions with the configured
		 * assignor.
		 */
		CLASSIC,

		/**
		 * KIP-848: the broker assigns partitions; requires Kafka 4 brokers.
		 */
		CONSUMER

	}

	/**
	 * Retries of a failed record, by Spring Kafka's DefaultErrorHandler: the record is
	 * fetched again after each back-off, in order, without blocking other consumers.
	 */
	public static class Retry {

		/**
		 * Deliveries of a failing record in all, the first included; 1 means no retry.
		 */
		private int attempts = 3;

		/**
		 * Back-off between deliveries.
		 */
		private final Backoff backoff = new Backoff();

		/**
		 * Exceptions that are not retried: the record goes to the dead-letter topic at
		 * once. Added to Spring Kafka's own list (deserialization, message conversion,
		 * method argument resolution, ClassCastException...). Causes are examined too.
		 */
		private List<Class<? extends Exception>> notRetryable = new ArrayList<>();

		public int getAttempts() {
			return this.attempts;
		}

		public void setAttempts(int attempts) {
			this.attempts = attempts;
		}

		public Backoff getBackoff() {
			return this.backoff;
		}

		public List<Class<? extends Exception>> getNotRetryable() {
			return this.notRetryable;
		}

		public void setNotRetryable(List<Class<? extends Exception>> notRetryable) {
			this.notRetryable = notRetryable;
		}

	}

	/**
	 * Back-off between deliveries of a failing record, fixed (multiplier 1) or
	 * exponential.
	 */
	public static class Backoff {

		/**
		 * Delay before the first retry.
		 */
		private Duration delay = Duration.ofSeconds(1);

		/**
		 * Factor applied to the delay after each retry; 1 for a fixed delay.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest delay between two deliveries, jitter included. Must stay below the
		 * consumer's max.poll.interval.ms.
		 */
		private Duration maxDelay = Duration.ofSeconds(10);

		/**
		 * Random amount added to or subtracted from each delay (scaled with the
		 * multiplier), so that consumers failing together do not retry together.
		 */
		private Duration jitter = Duration.ZERO;

		public Duration getDelay() {
			return this.delay;
		}

		public void setDelay(Duration delay) {
			this.delay = delay;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(Duration jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * The dead-letter topic: it receives a failed record's original key and value bytes,
	 * its headers, and kafka_dlt-* headers with the exception class, message and stack
	 * trace and the original topic, partition, offset, timestamp and consumer group.
	 */
	public static class DeadLetter {

		/**
		 * Whether failed records go to a dead-letter topic; otherwise they are logged and
		 * skipped once retries are exhausted.
		 */
		private boolean enabled = true;

		/**
		 * Appended to the source topic's name to name its dead-letter topic.
		 */
		private String topicSuffix = ".DLT";

		/**
		 * One dead-letter topic for every source topic, instead of one per source topic
		 * named with the suffix.
		 */
		private @Nullable String topic;

		/**
		 * Whether a missing dead-letter topic is created, with the partition count and
		 * replication factor of its source topic, before the first record goes there.
		 */
		private boolean createTopic = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getTopicSuffix() {
			return this.topicSuffix;
		}

		public void setTopicSuffix(String topicSuffix) {
			this.topicSuffix = topicSuffix;
		}

		public @Nullable String getTopic() {
			return this.topic;
		}

		public void setTopic(@Nullable String topic) {
			this.topic = topic;
		}

		public boolean isCreateTopic() {
			return this.createTopic;
		}

		public void setCreateTopic(boolean createTopic) {
			this.createTopic = createTopic;
		}

		/**
		 * The dead-letter topic of a source topic.
		 * @param source the source topic
		 * @return the dead-letter topic's name
		 */
		public String topicFor(String source) {
			return (this.topic != null && !this.topic.isEmpty()) ? this.topic : source + this.topicSuffix;
		}

	}

	/**
	 * Static group membership (KIP-345): each consumer joins with a group.instance.id
	 * that stays the same across restarts, so a restart within the session timeout keeps
	 * its partitions and rebalances no one.
	 */
	public static class StaticMembership {

		/**
		 * Whether each listener container's consumers get a stable group.instance.id:
		 * '<spring.application.name>-<instance-id>-<listener id>-<n>', n being the
		 * consumer's index in its container.
		 */
		private boolean enabled;

		/**
		 * This instance's identity, unique among the instances of the application and the
		 * same across its restarts (a StatefulSet pod name, for example). Defaults to the
		 * HOSTNAME environment variable (the pod name on Kubernetes).
		 */
		private @Nullable String instanceId;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getInstanceId() {
			return this.instanceId;
		}

		public void setInstanceId(@Nullable String instanceId) {
			this.instanceId = instanceId;
		}

	}

	/**
	 * The settings of one listener, overriding its client's.
	 */
	public static class Listener {

		/**
		 * Retries of this listener's failed records.
		 */
		private final Retry retry = new Retry();

		/**
		 * This listener's dead-letter topic.
		 */
		private final DeadLetter deadLetter = new DeadLetter();

		/**
		 * Whether this listener skips records it has already processed.
		 */
		private @Nullable Boolean deduplicate;

		/**
		 * Whether this listener's container gets the starter's error handler (unless the
		 * application gave it one).
		 */
		private @Nullable Boolean errorHandling;

		public Retry getRetry() {
			return this.retry;
		}

		public DeadLetter getDeadLetter() {
			return this.deadLetter;
		}

		public @Nullable Boolean getDeduplicate() {
			return this.deduplicate;
		}

		public void setDeduplicate(@Nullable Boolean deduplicate) {
			this.deduplicate = deduplicate;
		}

		public @Nullable Boolean getErrorHandling() {
			return this.errorHandling;
		}

		public void setErrorHandling(@Nullable Boolean errorHandling) {
			this.errorHandling = errorHandling;
		}

	}

}
