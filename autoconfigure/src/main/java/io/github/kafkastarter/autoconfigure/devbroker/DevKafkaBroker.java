package io.github.kafkastarter.autoconfigure.devbroker;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real Kafka cluster (KRaft, in this JVM) for development and tests. Started when the
 * bean is initialized, before any Kafka bean that connects to it, and stopped when the
 * application context closes.
 */
public class DevKafkaBroker implements InitializingBean, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(DevKafkaBroker.class);

	private final DevBrokerProperties properties;

	private @Nullable EmbeddedKafkaKraftBroker broker;

	public DevKafkaBroker(DevBrokerProperties properties) {
		this.properties = properties;
	}

	@Override
	public void afterPropertiesSet() {
		int count = this.properties.getBrokers();
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(count, 1);
		broker.brokerProperties(brokerProperties(count));
		// The test kit publishes its address as a JVM-wide system property; keep it off
		// spring.kafka.bootstrap-servers, which would outlive this broker and mislead the
		// next application context in the same JVM.
		broker.brokerListProperty(EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS);
		long start = System.nanoTime();
		broker.afterPropertiesSet();
		this.broker = broker;
		createTopics(broker, count);
		logger.info("Kafka dev broker started at {} ({} in-process KRaft broker{}, {} ms); "
				+ "set spring.kafka.bootstrap-servers to use a real cluster", broker.getBrokersAsString(), count,
				(count == 1) ? "" : "s", (System.nanoTime() - start) / 1_000_000);
	}

	private Map<String, String> brokerProperties(int count) {
		String replication = String.valueOf(count);
		String minInSync = String.valueOf(Math.min(count, 2));
		Map<String, String> defaults = new LinkedHashMap<>();
		defaults.put("transaction.state.log.replication.factor", replication);
		defaults.put("transaction.state.log.min.isr", minInSync);
		// Share groups (KIP-932) need their state topic; without these it cannot be created
		// on a small cluster and share consumers silently receive nothing.
		defaults.put("share.coordinator.state.topic.replication.factor", replication);
		defaults.put("share.coordinator.state.topic.min.isr", minInSync);
		defaults.put("group.initial.rebalance.delay.ms", "0");
		defaults.putAll(this.properties.getBrokerProperties());
		return defaults;
	}

	private void createTopics(EmbeddedKafkaKraftBroker broker, int count) {
		List<DevBrokerProperties.Topic> topics = this.properties.getTopics();
		if (topics.isEmpty()) {
			return;
		}
		NewTopic[] newTopics = topics.stream()
			.map((topic) -> new NewTopic(topic.getName(), topic.getPartitions(),
					(topic.getReplicationFactor() != null) ? topic.getReplicationFactor() : (short) count))
			.toArray(NewTopic[]::new);
		broker.addTopics(newTopics);
		logger.info("Kafka dev broker created topics {}",
				Arrays.stream(newTopics).map((t) -> t.name() + "(" + t.numPartitions() + ")").toList());
	}

	/**
	 * The address clients connect to.
	 * @return {@code host:port[,host:port...]}
	 */
	public String getBootstrapServers() {
		return obtain().getBrokersAsString();
	}

	/**
	 * The underlying cluster, for tests that stop and restart brokers.
	 * @return the cluster
	 */
	public KafkaClusterTestKit getCluster() {
		KafkaClusterTestKit cluster = obtain().getCluster();
		if (cluster == null) {
			throw new IllegalStateException("The dev broker is not running");
		}
		return cluster;
	}

	/**
	 * The spring-kafka-test broker behind this one.
	 * @return the embedded broker
	 */
	public EmbeddedKafkaBroker getEmbeddedBroker() {
		return obtain();
	}

	private EmbeddedKafkaKraftBroker obtain() {
		EmbeddedKafkaKraftBroker broker = this.broker;
		if (broker == null) {
			throw new IllegalStateException("The dev broker is not running");
		}
		return broker;
	}

	@Override
	public void destroy() {
		EmbeddedKafkaKraftBroker broker = this.broker;
		if (broker != null) {
			this.broker = null;
			broker.destroy();
			logger.info("Kafka dev broker stopped");
		}
	}

}
