package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.Map;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.github.kafkastarter.autoconfigure.support.TestKafka;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topics that must exist, on a real broker that does not create topics on first use: a
 * listener's topic and a template's default topic that are missing stop start-up, named
 * with how to create them; a NewTopic bean counts as existing; a pattern is not checked;
 * and on a cluster that creates topics (the shared broker) nothing is required.
 */
class MissingTopicsCheckTests {

	private static TestKafka kafka;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				DiagnosticsAutoConfiguration.class))
		.withPropertyValues("spring.kafka.consumer.group-id=must-exist");

	@BeforeAll
	static void startBroker() {
		kafka = TestBrokers.start(1, Map.of("auto.create.topics.enable", "false"));
	}

	@AfterAll
	static void stopBroker() {
		kafka.destroy();
	}

	@Test
	void aMissingListenerTopicAndDefaultTopicStopStartUpWhenTheClusterDoesNotCreateTopics() {
		this.runner.withUserConfiguration(OrdersListener.class)
			.withPropertyValues("spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
					"spring.kafka.template.default-topic=must-exist-default")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (!(failure instanceof KafkaStarterConfigurationException) && failure.getCause() != null) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(KafkaStarterConfigurationException.class);
				KafkaStarterConfigurationException report = (KafkaStarterConfigurationException) failure;
				System.out.printf("MISSING TOPICS property %s: %s Action: %s%n", report.getProperty(),
						report.getProblem(), report.getAction());
				assertThat(report.getProperty()).isEqualTo("kafka.starter.missing-topics.check");
				assertThat(report.getProblem()).contains("(auto.create.topics.enable=false)")
					.contains("'must-exist-orders' (listener 'orders')")
					.contains("'must-exist-default' (the template's default topic)");
				assertThat(report.getAction()).contains("NewTopic bean")
					.contains("kafka-topics.sh --bootstrap-server " + kafka.getBrokersAsString()
							+ " --create --topic must-exist-orders");
			});
	}

	@Test
	void aTopicOfANewTopicBeanCountsAsExisting() {
		// A topic of its own: the one of the listener above must stay missing.
		this.runner.withUserConfiguration(PaymentsListenerAndTopic.class)
			.withPropertyValues("spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString())
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void anExistingTopicStartsOnAClusterThatDoesNotCreateTopics() {
		// The topics are asked first: when they exist, the cluster's configuration is not
		// needed and start-up goes on.
		KafkaTopics.create(kafka.getBrokersAsString(), "must-exist-shipments", 1, 1, Map.of());
		this.runner.withUserConfiguration(ShipmentsListener.class)
			.withPropertyValues("spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString())
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void patternsAreNotCheckedAndOffSkipsTheCheck() {
		this.runner.withUserConfiguration(PatternListener.class)
			.withPropertyValues("spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString())
			.run((context) -> assertThat(context).hasNotFailed());
		this.runner.withUserConfiguration(OrdersListener.class)
			.withPropertyValues("spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
					"kafka.starter.missing-topics.check=off")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aClusterThatCreatesTopicsRequiresNoneUnlessAskedTo() {
		this.runner.withUserConfiguration(OrdersListener.class)
			.withPropertyValues(TestBrokers.sharedServersProperty())
			.run((context) -> assertThat(context).hasNotFailed());
		this.runner.withUserConfiguration(OrdersListener.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "kafka.starter.missing-topics.check=fail")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Configuration(proxyBeanMethods = false)
	static class OrdersListener {

		@KafkaListener(id = "orders", topics = "must-exist-orders", autoStartup = "false")
		void onOrder(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ShipmentsListener {

		@KafkaListener(id = "shipments", topics = "must-exist-shipments", autoStartup = "false")
		void onShipment(String shipment) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PatternListener {

		@KafkaListener(id = "pattern", topicPattern = "must-exist-.*", autoStartup = "false")
		void onAny(String value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PaymentsListenerAndTopic {

		@KafkaListener(id = "payments", topics = "must-exist-payments", autoStartup = "false")
		void onPayment(String payment) {
		}

		@Bean
		NewTopic mustExistPayments() {
			return TopicBuilder.name("must-exist-payments").partitions(1).replicas(1).build();
		}

	}

}
