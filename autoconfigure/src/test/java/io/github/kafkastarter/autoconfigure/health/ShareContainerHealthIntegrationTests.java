package io.github.kafkastarter.autoconfigure.health;

import java.time.Duration;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.share.ShareGroupSupport;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
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
 * Share-group container health on a real broker (Kafka 4.2, share groups on): Spring
 * Kafka's share container goes on reporting itself running after its consumer died, and
 * counts as "not in its expected state" whenever it is stopped, on purpose or not. Health
 * follows what happened instead: a consumer killed by an {@code Error} takes liveness
 * {@code DOWN}; a container stopped on purpose keeps it {@code UP}.
 */
class ShareContainerHealthIntegrationTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.SHARE, KafkaHealthAutoConfiguration.class))
		.withConfiguration(KafkaHealthAutoConfigurationTests.HEALTH)
		.withPropertyValues(TestBrokers.sharedServersProperty(), "kafka.starter.share.start-from=earliest");

	@Test
	void aShareConsumerKilledByAnErrorTakesLivenessDown() {
		this.runner.withUserConfiguration(Crashing.class, Steady.class).run((context) -> {
			assertThat(context).hasNotFailed();
			awaitRunning(context, "share-health-crashing");
			assertThat(status(context, "liveness")).isEqualTo(Status.UP);
			// The cluster was asked once, and said yes.
			assertThat(context.getBean(ShareGroupSupport.class).verdict("default"))
				.hasValueSatisfying((verdict) -> assertThat(verdict.availability())
					.isEqualTo(ShareGroupSupport.Availability.AVAILABLE));

			context.getBean(KafkaTemplate.class).send("share-health-crashing", "out of memory, please");

			await().atMost(PATIENCE).until(() -> status(context, "liveness").equals(Status.DOWN));
			assertThat(containers(indicated(context, "kafkaListeners", "default")))
				.hasEntrySatisfying("share-health-crashing", (state) -> assertThat(state).containsEntry("state", "FAILED")
					.containsEntry("problem", "A share consumer stopped: the listener or the consumer threw an Error; "
							+ "the container does not replace it"));
			// Spring Kafka's own view: still running.
			assertThat(context.getBean(KafkaListenerEndpointRegistry.class)
				.getListenerContainer("share-health-crashing")
				.isRunning()).isTrue();
			assertThat(containers(indicated(context, "kafkaListeners", "default")).get("share-health-steady"))
				.containsEntry("state", "RUNNING")
				.doesNotContainKey("problem");
		});
	}

	@Test
	void aShareContainerStoppedOnPurposeKeepsLivenessUp() {
		this.runner.withUserConfiguration(Steady.class).run((context) -> {
			assertThat(context).hasNotFailed();
			awaitRunning(context, "share-health-steady");
			context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("share-health-steady").stop();
			await().atMost(PATIENCE)
				.untilAsserted(() -> assertThat(containers(indicated(context, "kafkaListeners", "default")))
					.hasEntrySatisfying("share-health-steady",
							(state) -> assertThat(state).containsEntry("state", "STOPPED").doesNotContainKey("problem")));
			assertThat(indicated(context, "kafkaListeners", "default").getStatus()).isEqualTo(Status.UP);
			assertThat(status(context, "liveness")).isEqualTo(Status.UP);
		});
	}

	private static void awaitRunning(AssertableApplicationContext context, String id) {
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(containers(indicated(context, "kafkaListeners", "default")).get(id))
				.containsEntry("state", "RUNNING"));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> containers(IndicatedHealthDescriptor listeners) {
		return (Map<String, Map<String, Object>>) listeners.getDetails().get("containers");
	}

	@Configuration(proxyBeanMethods = false)
	static class Crashing {

		@Bean
		NewTopic shareHealthCrashing() {
			return new NewTopic("share-health-crashing", 1, (short) 1);
		}

		@KafkaListener(id = "share-health-crashing", topics = "share-health-crashing",
				groupId = "share-health-crashing", containerFactory = "shareKafkaListenerContainerFactory")
		void crashing(String value) {
			throw new OutOfMemoryError("Thrown by the test listener: " + value);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Steady {

		@Bean
		NewTopic shareHealthSteady() {
			return new NewTopic("share-health-steady", 1, (short) 1);
		}

		@KafkaListener(id = "share-health-steady", topics = "share-health-steady", groupId = "share-health-steady",
				containerFactory = "shareKafkaListenerContainerFactory")
		void steady(String value) {
		}

	}

}
