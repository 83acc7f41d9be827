package io.github.kafkastarter.autoconfigure.devbroker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The in-process Kafka broker started for development and tests when no cluster is
 * configured.
 */
@ConfigurationProperties("kafka.starter.dev-broker")
public class DevBrokerProperties implements ValidatedSettings {

	/**
	 * Whether to start an in-process KRaft broker when Kafka's test kit
	 * (kafka-test-common-runtime, which spring-kafka-test brings) is on the classpath and
	 * no bootstrap servers are configured (no spring.kafka.bootstrap-servers
	 * and no KafkaConnectionDetails bean, such as a Testcontainers service connection).
	 * Configured servers always win.
	 */
	private boolean enabled = true;

	/**
	 * Number of brokers in the in-process cluster (each also a KRaft controller).
	 */
	private int brokers = 1;

	/**
	 * Topics to create once the broker is up.
	 */
	private List<Topic> topics = new ArrayList<>();

	/**
	 * Extra broker configuration, for example log.retention.ms, applied over the dev
	 * broker's defaults.
	 */
	private Map<String, String> brokerProperties = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getBrokers() {
		return this.brokers;
	}

	public void setBrokers(int brokers) {
		this.brokers = brokers;
	}

	public List<Topic> getTopics() {
		return this.topics;
	}

	public void setTopics(List<Topic> topics) {
		this.topics = topics;
	}

	public Map<String, String> getBrokerProperties() {
		return this.brokerProperties;
	}

	public void setBrokerProperties(Map<String, String> brokerProperties) {
		this.brokerProperties = brokerProperties;
	}

	/**
	 * A topic the dev broker creates.
	 */
	public static class Topic {

		/**
		 * Topic name.
		 */
		private @Nullable String name;

		/**
		 * Number of partitions.
		 */
		private int partitions = 1;

		/**
		 * Replication factor; defaults to the number of brokers.
		 */
		private @Nullable Short replicationFactor;

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public int getPartitions() {
			return this.partitions;
		}

		public void setPartitions(int partitions) {
			this.partitions = partitions;
		}

		public @Nullable Short getReplicationFactor() {
			return this.replicationFactor;
		}

		public void setReplicationFactor(@Nullable Short replicationFactor) {
			this.replicationFactor = replicationFactor;
		}

	}

	@Override
	public void validate(String prefix) {
		ValidatedSettings.require(this.brokers >= 1, prefix + ".brokers", this.brokers,
				"The dev broker needs at least one broker.",
				"Set '" + prefix + ".brokers' to 1 (or 3 to try replication), or remove it.");
		for (int i = 0; i < this.topics.size(); i++) {
			Topic topic = this.topics.get(i);
			String property = prefix + ".topics[" + i + "]";
			String name = topic.getName();
			ValidatedSettings.require(name != null && !name.isBlank(), property + ".name", null, "The topic has no name.",
					"Give it a name, for example '" + property + ".name=orders'.");
			ValidatedSettings.require(topic.getPartitions() >= 1, property + ".partitions", topic.getPartitions(),
					"Topic '" + name + "' needs at least one partition.",
					"Set '" + property + ".partitions' to 1 or more, for example 4.");
			Short replication = topic.getReplicationFactor();
			ValidatedSettings.require(replication == null || (replication >= 1 && replication <= this.brokers),
					property + ".replication-factor", replication,
					"Topic '" + name + "' cannot have " + replication + " replicas on a dev cluster of " + this.brokers
							+ " broker(s).",
					"Set '" + property + ".replication-factor' between 1 and " + this.brokers + ", or raise '" + prefix
							+ ".brokers'.");
		}
	}

}
