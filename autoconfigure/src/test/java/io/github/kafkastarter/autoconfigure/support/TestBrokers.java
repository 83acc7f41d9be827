package io.github.kafkastarter.autoconfigure.support;

import java.util.Map;

import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Real in-process KRaft brokers for tests. The shared one is started once per test JVM and
 * serves every test that only needs "a broker"; tests that stop brokers start their own.
 */
public final class TestBrokers {

	private static EmbeddedKafkaKraftBroker shared;

	private TestBrokers() {
	}

	/**
	 * The broker shared by the test JVM, started on first use.
	 * @return the broker
	 */
	public static synchronized EmbeddedKafkaKraftBroker shared() {
		if (shared == null) {
			shared = start(1, Map.of());
			EmbeddedKafkaKraftBroker broker = shared;
			Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "shared-test-broker-stop"));
		}
		return shared;
	}

	/**
	 * Starts a cluster of its own; the caller destroys it.
	 * @param brokers the number of brokers
	 * @param properties broker properties
	 * @return the started cluster
	 */
	public static EmbeddedKafkaKraftBroker start(int brokers, Map<String, String> properties) {
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(brokers, 1);
		broker.brokerProperties(Map.of("share.coordinator.state.topic.replication.factor", String.valueOf(brokers),
				"share.coordinator.state.topic.min.isr", "1", "transaction.state.log.replication.factor",
				String.valueOf(brokers), "transaction.state.log.min.isr", "1"));
		broker.brokerProperties(properties);
		// Never publish spring.kafka.bootstrap-servers JVM-wide: later contexts would see it.
		broker.brokerListProperty(EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS);
		broker.afterPropertiesSet();
		return broker;
	}

	/**
	 * The property that points the default client at the shared broker.
	 * @return {@code spring.kafka.bootstrap-servers=...}
	 */
	public static String sharedServersProperty() {
		return "spring.kafka.bootstrap-servers=" + shared().getBrokersAsString();
	}

}
