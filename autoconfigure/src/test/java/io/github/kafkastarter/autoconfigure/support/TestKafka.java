package io.github.kafkastarter.autoconfigure.support;

import io.github.kafkastarter.autoconfigure.devbroker.KraftCluster;
import org.apache.kafka.common.test.KafkaClusterTestKit;

/**
 * An in-process Kafka cluster of the tests, in the words the tests use.
 */
public final class TestKafka {

	private final KraftCluster cluster;

	TestKafka(KraftCluster cluster) {
		this.cluster = cluster;
	}

	/**
	 * The address clients connect to; the same after brokers restart.
	 * @return {@code host:port[,host:port...]}
	 */
	public String getBrokersAsString() {
		return this.cluster.getBootstrapServers();
	}

	/**
	 * Kafka's test kit, for tests that stop and restart brokers: {@code brokers()} gives
	 * each {@code BrokerServer}; {@code shutdown()} + {@code awaitShutdown()} takes one
	 * down, {@code startup()} brings it back on the same port.
	 * @return the test kit
	 */
	public KafkaClusterTestKit getCluster() {
		return this.cluster.getTestKit();
	}

	/**
	 * Stops the cluster and deletes its data.
	 */
	public void destroy() {
		this.cluster.close();
	}

}
