package io.github.kafkastarter.autoconfigure.health;

import java.time.Duration;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;

import static io.github.kafkastarter.autoconfigure.health.LagHealthTests.indicated;
import static io.github.kafkastarter.autoconfigure.health.LagHealthTests.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listener container health on a real broker: a listener that throws an {@code Error}
 * stops its container abnormally and liveness goes {@code DOWN}; a container stopped or
 * paused on purpose keeps liveness {@code UP}.
 */
class ListenerContainerHealthIntegrationTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				KafkaHealthAutoConfiguration.class))
		.withConfiguration(KafkaHealthAutoConfigurationTests.HEALTH)
		.withUserConfiguration(Listeners.class)
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest");

	@Test
	void aListenerThatThrowsAnErrorTakesLivenessDown() {
		this.runner.run((context) -> {
			awaitAssigned(context, "health-crashing");
			assertThat(status(context, "liveness")).isEqualTo(Status.UP);

			context.getBean(KafkaTemplate.class).send("health-crashing", "out of memory, please");

			await().atMost(PATIENCE).until(() -> status(context, "liveness").equals(Status.DOWN));
			// The container stops before its consumer reports why: the reason follows.
			await().atMost(PATIENCE)
				.untilAsserted(() -> assertThat(containers(indicated(context, "kafkaListeners", "default")))
					.hasEntrySatisfying("health-crashing", (state) -> assertThat(state).containsEntry("state", "FAILED")
						.containsEntry("problem", "The container stopped: the listener or the consumer threw an Error")));
			Map<String, Map<String, Object>> containers = containers(indicated(context, "kafkaListeners", "default"));
			// The other container is fine, and readiness is not liveness's business.
			assertThat(containers.get("health-steady")).containsEntry("state", "RUNNING")
				.doesNotContainKey("problem");
		});
	}

	@Test
	void containersStoppedOrPausedOnPurposeKeepLivenessUp() {
		this.runner.run((context) -> {
			awaitAssigned(context, "health-steady");
			KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
			registry.getListenerContainer("health-crashing").pause();
			registry.getListenerContainer("health-steady").stop();
			await().atMost(PATIENCE)
				.untilAsserted(() -> assertThat(containers(indicated(context, "kafkaListeners", "default")))
					.hasEntrySatisfying("health-crashing", (state) -> assertThat(state).containsEntry("state", "PAUSED"))
					.hasEntrySatisfying("health-steady", (state) -> assertThat(state).containsEntry("state", "STOPPED")
						.containsEntry("assignedPartitions", java.util.List.of())));
			assertThat(status(context, "liveness")).isEqualTo(Status.UP);
			assertThat(indicated(context, "kafkaListeners", "default").getStatus()).isEqualTo(Status.UP);
		});
	}

	private static void awaitAssigned(org.springframework.boot.test.context.assertj.AssertableApplicationContext context,
			String id) {
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(containers(indicated(context, "kafkaListeners", "default")).get(id))
				.containsEntry("state", "RUNNING")
				.hasEntrySatisfying("assignedPartitions",
						(partitions) -> assertThat(partitions).asList().containsExactly(id + "-0")));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> containers(IndicatedHealthDescriptor listeners) {
		return (Map<String, Map<String, Object>>) listeners.getDetails().get("containers");
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@Bean
		NewTopic healthCrashing() {
			return new NewTopic("health-crashing", 1, (short) 1);
		}

		@Bean
		NewTopic healthSteady() {
			return new NewTopic("health-steady", 1, (short) 1);
		}

		@KafkaListener(id = "health-crashing", topics = "health-crashing", groupId = "health-crashing")
		void crashing(String value) {
			throw new OutOfMemoryError("Thrown by the test listener: " + value);
		}

		@KafkaListener(id = "health-steady", topics = "health-steady", groupId = "health-steady")
		void steady(String value) {
		}

	}

}
