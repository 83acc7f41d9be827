package io.github.kafkastarter.autoconfigure.support;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.devbroker.KraftCluster;

/**
 * In-process clusters of several brokers with one dedicated KRaft controller, for tests
 * that stop brokers. (With a controller combined into every broker, as
 * {@link TestBrokers#start} makes them, Kafka 4.2.1's test kit can lose its controller
 * quorum to an UpdateVoter error under load, and a quorum of combined nodes is lost with
 * most of them down: then nobody fences the stopped brokers. A dedicated controller keeps
 * the quorum out of the brokers' way, as in production.)
 */
public final class TestClusters {

	private TestClusters() {
	}

	/**
	 * Starts a cluster; the caller destroys it.
	 * @param brokers the number of brokers
	 * @param properties broker properties
	 * @return the started cluster
	 */
	public static TestKafka start(int brokers, Map<String, String> properties) {
		Map<String, String> configs = new LinkedHashMap<>();
		configs.put("transaction.state.log.min.isr", "1");
		configs.put("share.coordinator.state.topic.min.isr", "1");
		configs.putAll(properties);
		return new TestKafka(KraftCluster.startWithDedicatedController(brokers, configs));
	}

}
