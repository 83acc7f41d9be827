package io.github.kafkastarter.autoconfigure.support;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * In-process clusters of several brokers with one dedicated KRaft controller, for tests
 * that stop brokers. (With a controller combined into every broker, as
 * {@link TestBrokers#start} makes them, Kafka 4.2.1's test kit can lose its controller
 * quorum to an UpdateVoter error under load; a dedicated controller keeps the quorum out
 * of the brokers' way, as in production.)
 */
public final class TestClusters {

	private TestClusters() {
	}

	/**
	 * Starts a cluster; the caller closes it.
	 * @param brokers the number of brokers
	 * @param properties broker properties
	 * @return the started cluster
	 */
	public static KafkaClusterTestKit start(int brokers, Map<String, String> properties) {
		Map<String, String> configs = new LinkedHashMap<>();
		String replication = String.valueOf(brokers);
		configs.put("offsets.topic.replication.factor", replication);
		configs.put("transaction.state.log.replication.factor", replication);
		configs.put("transaction.state.log.min.isr", "1");
		configs.put("share.coordinator.state.topic.replication.factor", replication);
		configs.put("share.coordinator.state.topic.min.isr", "1");
		configs.put("group.initial.rebalance.delay.ms", "0");
		configs.putAll(properties);
		try {
			KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
				.setCombined(false)
				.setNumBrokerNodes(brokers)
				.setNumControllerNodes(1)
				.build());
			configs.forEach(builder::setConfigProp);
			KafkaClusterTestKit cluster = builder.build();
			cluster.format();
			cluster.startup();
			cluster.waitForReadyBrokers();
			return cluster;
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not start a cluster of " + brokers + " brokers", ex);
		}
	}

}
