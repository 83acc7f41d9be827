package io.github.kafkastarter.autoconfigure.parallel;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.parallel.ParallelListener.Ordering;
import org.jspecify.annotations.Nullable;

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

	/**
	 * How one listener processes records in parallel.
	 */
	public static class ParallelListenerSettings {

		static final int DEFAULT_CONCURRENCY = 16;

		/**
		 * Which records must be processed one after the other: KEY (same key in offset order,
		 * different keys in parallel), PARTITION (a plain listener, left as it is) or
		 * UNORDERED.
		 */
		private Ordering ordering = Ordering.KEY;

		/**
		 * How many records may be processed at once, on worker threads (virtual threads on
		 * Java 21+, platform threads before).
		 */
		private int concurrency = DEFAULT_CONCURRENCY;

		/**
		 * How many records the listener may hold in memory: a record counts from the moment it
		 * is fetched until every record before it in its partition is finished too, so that
		 * its offset can be committed. Near it the listener's partitions are paused until half
		 * of them are released; the consumer keeps polling, so slow records never exceed
		 * max.poll.interval.ms. Defaults to 32 times the concurrency; it should cover what the
		 * workers finish in a few tens of milliseconds.
		 */
		private @Nullable Integer maxInFlight;

		/**
		 * How long a rebalance or a stop waits for the in-flight records of the partitions
		 * being given up. Records not finished by then are abandoned without commit and will
		 * be processed again by the partition's next owner.
		 */
		private Duration drainTimeout = Duration.ofSeconds(10);

		/**
		 * How often the offsets below which every record is finished are committed. They are
		 * also committed as soon as the listener has nothing left to do, and always on
		 * revocation and on stop.
		 */
		private Duration commitInterval = Duration.ofMillis(100);

		/**
		 * The longest the consumer's poll waits when no record comes. Commits and resuming
		 * paused partitions do not wait for it: the workers wake the consumer.
		 */
		private Duration pollTimeout = Duration.ofSeconds(1);

		public Ordering getOrdering() {
			return this.ordering;
		}

		public void setOrdering(Ordering ordering) {
			this.ordering = ordering;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public @Nullable Integer getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(@Nullable Integer maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public Duration getDrainTimeout() {
			return this.drainTimeout;
		}

		public void setDrainTimeout(Duration drainTimeout) {
			this.drainTimeout = drainTimeout;
		}

		public Duration getCommitInterval() {
			return this.commitInterval;
		}

		public void setCommitInterval(Duration commitInterval) {
			this.commitInterval = commitInterval;
		}

		public Duration getPollTimeout() {
			return this.pollTimeout;
		}

		public void setPollTimeout(Duration pollTimeout) {
			this.pollTimeout = pollTimeout;
		}

		int effectiveMaxInFlight() {
			return (this.maxInFlight != null && this.maxInFlight > 0) ? this.maxInFlight : this.concurrency * 32;
		}

	}

}
