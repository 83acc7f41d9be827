package io.github.kafkastarter.autoconfigure.health;

import java.time.Duration;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Kafka health: broker checks and lag thresholds. Every setting applies to all clients
 * and can be overridden for one named client under
 * {@code kafka.starter.clients.<name>.health.*}. Whether each indicator exists is Spring
 * Boot's switch: {@code management.health.kafka-brokers.enabled},
 * {@code management.health.kafka-listeners.enabled},
 * {@code management.health.kafka-lag.enabled}, or {@code management.health.kafka.enabled}
 * for all three.
 */
@ConfigurationProperties("kafka.starter.health")
public class KafkaHealthProperties implements ValidatedSettings {

	private final Broker broker = new Broker();

	private final Lag lag = new Lag();

	private final Producers producers = new Producers();

	public Broker getBroker() {
		return this.broker;
	}

	public Producers getProducers() {
		return this.producers;
	}

	public Lag getLag() {
		return this.lag;
	}

	/**
	 * The background check of each client's brokers.
	 */
	public static class Broker {

		/**
		 * How the broker check talks to the cluster. 'cluster' describes the cluster (cluster
		 * id, live nodes, controller) and, for clients whose producer uses acks=all, reports
		 * DOWN when fewer brokers are alive than min.insync.replicas. 'connectivity' only
		 * checks that a broker answers, for principals not allowed to describe the cluster.
		 */
		private BrokerHealthMode mode = BrokerHealthMode.CLUSTER;

		/**
		 * How often each client's brokers are checked, in the background. A health call
		 * only reads the result of the last check, so it answers at once even with the
		 * brokers gone.
		 */
		private Duration interval = Duration.ofSeconds(10);

		/**
		 * How long one check waits for the brokers before the client is reported DOWN. With
		 * a timeout no longer than the interval, a lost cluster shows as DOWN within two
		 * intervals.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		public BrokerHealthMode getMode() {
			return this.mode;
		}

		public void setMode(BrokerHealthMode mode) {
			this.mode = mode;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * When lag health reports a client's consumer groups unhealthy. It always does for a
	 * STALLED or STOPPED group; these thresholds add limits of its own.
	 */
	public static class Lag {

		/**
		 * Offset lag of a consumer group (the sum over its partitions) above which lag health
		 * reports the group unhealthy. Unset: no offset limit.
		 */
		private @Nullable Long maxOffsets;

		/**
		 * Time lag of a consumer group, in seconds (how old its oldest unconsumed record is),
		 * above which lag health reports the group unhealthy. Unset: no time limit.
		 */
		private @Nullable Long maxSeconds;

		/**
		 * Status lag health reports for an unhealthy group. OUT_OF_SERVICE fails readiness
		 * and tells operators the application is alive but behind; DOWN says the same more
		 * loudly to monitoring that only distinguishes UP and DOWN.
		 */
		private LagHealthStatus unhealthyStatus = LagHealthStatus.OUT_OF_SERVICE;

		/**
		 * How many partitions, the furthest behind first, lag health lists in its details.
		 */
		private int worstPartitions = 5;

		public @Nullable Long getMaxOffsets() {
			return this.maxOffsets;
		}

		public void setMaxOffsets(@Nullable Long maxOffsets) {
			this.maxOffsets = maxOffsets;
		}

		public @Nullable Long getMaxSeconds() {
			return this.maxSeconds;
		}

		public void setMaxSeconds(@Nullable Long maxSeconds) {
			this.maxSeconds = maxSeconds;
		}

		public LagHealthStatus getUnhealthyStatus() {
			return this.unhealthyStatus;
		}

		public void setUnhealthyStatus(LagHealthStatus unhealthyStatus) {
			this.unhealthyStatus = unhealthyStatus;
		}

		public int getWorstPartitions() {
			return this.worstPartitions;
		}

		public void setWorstPartitions(int worstPartitions) {
			this.worstPartitions = worstPartitions;
		}

	}

	/**
	 * When producer health (kafkaProducers) warns about a client's producers: sends that
	 * blocked on a full buffer pool (buffer.memory) or records that failed, recently.
	 */
	public static class Producers {

		/**
		 * How long a block on the buffer pool or a failed record keeps showing in the
		 * client's producer health.
		 */
		private Duration window = Duration.ofMinutes(1);

		/**
		 * Status producer health reports while sends blocked or failed within the window. UP
		 * (the default) only adds a warning detail; OUT_OF_SERVICE fails readiness (the
		 * application is alive, but its sends are held back); DOWN says the same to
		 * monitoring that only distinguishes UP and DOWN.
		 */
		private ProducerHealthStatus unhealthyStatus = ProducerHealthStatus.UP;

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public ProducerHealthStatus getUnhealthyStatus() {
			return this.unhealthyStatus;
		}

		public void setUnhealthyStatus(ProducerHealthStatus unhealthyStatus) {
			this.unhealthyStatus = unhealthyStatus;
		}

	}

	@Override
	public void validate(String prefix) {
		positive(prefix + ".producers.window", this.producers.getWindow(),
				"how long a block or a failure shows in producer health",
				"for example '" + prefix + ".producers.window=1m'");
		positive(prefix + ".broker.interval", this.broker.getInterval(), "how often the brokers are checked",
				"for example '" + prefix + ".broker.interval=10s'");
		positive(prefix + ".broker.timeout", this.broker.getTimeout(), "how long a broker check waits",
				"no longer than the interval, for example '" + prefix + ".broker.timeout=5s'");
		notNegative(prefix + ".lag.max-offsets", this.lag.getMaxOffsets(), "an offset lag limit");
		notNegative(prefix + ".lag.max-seconds", this.lag.getMaxSeconds(), "a time lag limit in seconds");
		notNegative(prefix + ".lag.worst-partitions", (long) this.lag.getWorstPartitions(),
				"how many partitions the details list");
	}

	private static void positive(String property, Duration duration, String meaning, String example) {
		ValidatedSettings.require(ValidatedSettings.positiveOrUnset(duration), property, duration,
				"'" + property + "' is " + meaning + " and must be positive.",
				"Set a positive duration, " + example + ", or remove it for the default.");
	}

	private static void notNegative(String property, @Nullable Long value, String meaning) {
		ValidatedSettings.require(value == null || value >= 0, property, value,
				"'" + property + "' is " + meaning + " and cannot be negative.", "Set it to 0 or more, or remove it.");
	}

	/**
	 * How the broker health check talks to a cluster.
	 */
	public enum BrokerHealthMode {

		/**
		 * Describe the cluster: cluster id, live brokers, controller; apply the
		 * {@code min.insync.replicas} rule to clients whose producer uses {@code acks=all}.
		 */
		CLUSTER,

		/**
		 * Only check that a broker answers (an API versions request), for principals that may
		 * not describe the cluster.
		 */
		CONNECTIVITY

	}

	/**
	 * The status producer health reports for a client whose sends blocked on the buffer pool
	 * or failed recently.
	 */
	public enum ProducerHealthStatus {

		/**
		 * Stays up, with a warning detail.
		 */
		UP,

		/**
		 * Fails readiness.
		 */
		OUT_OF_SERVICE,

		/**
		 * Reports the client's producers as down.
		 */
		DOWN

	}

	/**
	 * The status lag health reports for a consumer group that is stalled, stopped or over a
	 * threshold.
	 */
	public enum LagHealthStatus {

		/**
		 * Fails readiness; the application is alive but behind.
		 */
		OUT_OF_SERVICE,

		/**
		 * Reports the group as down.
		 */
		DOWN

	}

}
