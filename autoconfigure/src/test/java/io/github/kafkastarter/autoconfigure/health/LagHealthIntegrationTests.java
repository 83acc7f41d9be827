package io.github.kafkastarter.autoconfigure.health;

import java.time.Duration;
import java.util.UUID;

import io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration;
import io.github.kafkastarter.autoconfigure.lag.ConsumerLagAutoConfiguration;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real lag monitor drives readiness: a listener paused on a backlog becomes STALLED and
 * takes the application out of service, while liveness stays up; resumed, it is back.
 */
class LagHealthIntegrationTests {

	@Test
	void aStalledListenerTakesReadinessOutOfServiceUntilItMovesAgain() {
		String topic = "lag-health-" + UUID.randomUUID();
		String servers = TestBrokers.shared().getBrokersAsString();
		Records.createTopic(servers, topic, 1);
		Records.send(servers, topic, 5, (i) -> "k" + i);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					KafkaClientsAutoConfiguration.class, ConsumerLagAutoConfiguration.class,
					KafkaHealthAutoConfiguration.class))
			.withConfiguration(KafkaHealthAutoConfigurationTests.HEALTH)
			.withUserConfiguration(Listener.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
					"spring.kafka.consumer.group-id=" + topic, "test.topic=" + topic,
					"kafka.starter.lag.interval=300ms", "kafka.starter.lag.window=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(LagHealthTests.status(context, "readiness")).isEqualTo(Status.UP));
				MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class)
					.getListenerContainer("lag-health");
				container.pause();
				await().atMost(Duration.ofSeconds(30)).until(container::isContainerPaused);
				Records.send(servers, topic, 20, (i) -> "k" + i);
				await().atMost(Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(LagHealthTests.status(context, "readiness"))
						.isEqualTo(Status.OUT_OF_SERVICE));
				// STOPPED while the 20 records still arrive across the window (a loaded machine
				// sends them over several refreshes), STALLED once they all have.
				await().atMost(Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(
							LagHealthTests.indicated(context, "kafkaLag", "default").getDetails().toString())
						.contains("STALLED"));
				assertThat(LagHealthTests.status(context, "readiness")).isEqualTo(Status.OUT_OF_SERVICE);
				assertThat(LagHealthTests.status(context, "liveness")).isEqualTo(Status.UP);
				container.resume();
				await().atMost(Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(LagHealthTests.status(context, "readiness")).isEqualTo(Status.UP));
			});
	}

	static class Listener {

		@KafkaListener(id = "lag-health", topics = "${test.topic}", idIsGroup = false)
		void onRecord(String value) {
		}

	}

}
