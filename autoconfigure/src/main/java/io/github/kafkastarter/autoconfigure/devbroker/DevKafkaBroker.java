package io.github.kafkastarter.autoconfigure.devbroker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * A real Kafka cluster (KRaft, in this JVM) for development and tests. Started when the
 * bean is initialized, before any Kafka bean that connects to it, and stopped when the
 * application context closes; a start that fails half-way stops what it started.
 */
public class DevKafkaBroker implements InitializingBean, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(DevKafkaBroker.class);

	private static final String TOPICS = "kafka.starter.dev-broker.topics";

	private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

	private final DevBrokerProperties properties;

	private volatile @Nullable KraftCluster cluster;

	public DevKafkaBroker(DevBrokerProperties properties) {
		this.properties = properties;
	}

	@Override
	public void afterPropertiesSet() {
		int count = this.properties.getBrokers();
		long start = System.nanoTime();
		KraftCluster cluster = KraftCluster.start(count, this.properties.getBrokerProperties());
		try {
			createTopics(cluster, count);
		}
		catch (RuntimeException ex) {
			// Spring destroys only beans that initialized: nobody else would stop it.
			cluster.close();
			throw ex;
		}
		this.cluster = cluster;
		logger.info("Kafka dev broker started at {} ({} in-process KRaft broker{}, {} ms); "
				+ "set spring.kafka.bootstrap-servers to use a real cluster", cluster.getBootstrapServers(), count,
				(count == 1) ? "" : "s", (System.nanoTime() - start) / 1_000_000);
	}

	private void createTopics(KraftCluster cluster, int count) {
		List<DevBrokerProperties.Topic> topics = this.properties.getTopics();
		if (topics.isEmpty()) {
			return;
		}
		List<NewTopic> newTopics = topics.stream()
			.map((topic) -> new NewTopic(topic.getName(), topic.getPartitions(),
					(topic.getReplicationFactor() != null) ? topic.getReplicationFactor() : (short) count))
			.toList();
		int timeoutMs = (int) TOPIC_TIMEOUT.toMillis();
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
				cluster.getBootstrapServers(), AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs))) {
			CreateTopicsResult result = admin.createTopics(newTopics);
			long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
			for (int i = 0; i < newTopics.size(); i++) {
				String name = newTopics.get(i).name();
				try {
					result.values().get(name).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				}
				catch (ExecutionException ex) {
					Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
					throw topicFailure(i, name, cause.getMessage());
				}
				catch (TimeoutException ex) {
					throw topicFailure(i, name, "it was not created within " + TOPIC_TIMEOUT.toSeconds() + " s");
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted while the dev broker created topic '" + name + "'",
							ex);
				}
			}
		}
		logger.info("Kafka dev broker created topics {}",
				newTopics.stream().map((t) -> t.name() + "(" + t.numPartitions() + ")").toList());
	}

	private static KafkaStarterConfigurationException topicFailure(int index, String name, @Nullable String reason) {
		String property = TOPICS + "[" + index + "]";
		return new KafkaStarterConfigurationException(property + ".name", name,
				"The dev broker could not create topic '" + name + "': " + reason,
				"Fix or remove '" + property + "' (a topic name is at most 249 letters, digits, '.', '_' and '-', "
						+ "and each name is listed once).");
	}

	/**
	 * The address clients connect to.
	 * @return {@code host:port[,host:port...]}
	 */
	public String getBootstrapServers() {
		return obtain().getBootstrapServers();
	}

	/**
	 * Kafka's test kit behind the dev broker, for tests that stop and restart brokers:
	 * {@code getCluster().brokers()} gives each {@code BrokerServer}.
	 * @return the cluster
	 */
	public KafkaClusterTestKit getCluster() {
		return obtain().getTestKit();
	}

	private KraftCluster obtain() {
		KraftCluster cluster = this.cluster;
		if (cluster == null) {
			throw new IllegalStateException("The dev broker is not running");
		}
		return cluster;
	}

	@Override
	public void destroy() {
		KraftCluster cluster = this.cluster;
		if (cluster != null) {
			this.cluster = null;
			cluster.close();
			logger.info("Kafka dev broker stopped");
		}
	}

}
