package io.github.kafkastarter.autoconfigure.support;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.devbroker.KraftCluster;

/**
 * Real in-process KRaft brokers for tests. The shared one is started once per test JVM and
 * serves every test that only needs "a broker"; tests that stop brokers start their own.
 * None of them publishes its address as a system property.
 */
public final class TestBrokers {

	private static TestKafka shared;

	private TestBrokers() {
	}

	/**
	 * The broker shared by the test JVM, started on first use.
	 * @return the broker
	 */
	public static synchronized TestKafka shared() {
		if (shared == null) {
			shared = start(1, Map.of());
			TestKafka broker = shared;
			Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "shared-test-broker-stop"));
		}
		return shared;
	}

	/**
	 * Starts a cluster of its own, each node a broker and a controller; the caller destroys
	 * it.
	 * @param brokers the number of brokers
	 * @param properties broker properties
	 * @return the started cluster
	 */
	public static TestKafka start(int brokers, Map<String, String> properties) {
		Map<String, String> configs = new LinkedHashMap<>();
		configs.put("share.coordinator.state.topic.min.isr", "1");
		configs.put("transaction.state.log.min.isr", "1");
		configs.putAll(properties);
		return new TestKafka(KraftCluster.start(brokers, configs));
	}

	/**
	 * The property that points the default client at the shared broker.
	 * @return {@code spring.kafka.bootstrap-servers=...}
	 */
	public static String sharedServersProperty() {
		return "spring.kafka.bootstrap-servers=" + shared().getBrokersAsString();
	}

}
