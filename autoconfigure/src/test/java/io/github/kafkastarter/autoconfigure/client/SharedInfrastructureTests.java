package io.github.kafkastarter.autoconfigure.client;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import io.github.kafkastarter.autoconfigure.actuate.KafkaEndpoint;
import io.github.kafkastarter.autoconfigure.lag.ClientLagMonitor;
import io.github.kafkastarter.autoconfigure.lag.LagMonitorRegistry;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot;
import io.github.kafkastarter.autoconfigure.share.ShareGroupSupport;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One Kafka {@code Admin} per client serves every feature that talks to the cluster in the
 * background or on demand (lag, broker health, the actuator endpoint, dead letters, share
 * groups, the durability check), and one scheduler runs their background work; both end
 * with the application context. Admins are counted by their I/O threads (one per admin,
 * named after its client id) and by Kafka's own {@code app-info} MBeans.
 */
@ExtendWith(OutputCaptureExtension.class)
class SharedInfrastructureTests {

	private static final String ADMIN_THREAD = "kafka-admin-client-thread | ";

	private static final String SCHEDULER_THREAD = "kafka-starter-";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaClientsAutoConfiguration.class,
				AutoConfigs.LAG, AutoConfigs.HEALTH,
				AutoConfigs.PRODUCER, AutoConfigs.ERROR_HANDLING,
					AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS,
					AutoConfigs.SHARE,
				AutoConfigs.ENDPOINT, ApplicationAvailabilityAutoConfiguration.class,
				EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
				AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class))
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"kafka.starter.lag.interval=1s", "kafka.starter.health.broker.interval=1s",
				"management.endpoints.web.exposure.include=kafka,health", "kafka.starter.consumer.retry.attempts=1");

	@Test
	void everyFeatureOfAClientSharesOneAdmin(CapturedOutput output) {
		String id = "infra-" + UUID.randomUUID().toString().substring(0, 8);
		String topic = id + "-orders";
		KafkaTopics.create(TestBrokers.shared().getBrokersAsString(), topic, 1, 1, Map.of());
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("spring.kafka.client-id=" + id, "test.topic=" + topic, "test.group=" + id,
					"kafka.starter.clients.second.consumer.group-id=" + id + "-second",
					"kafka.starter.share.start-from=earliest")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(KafkaEndpoint.class);
				KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
				template.send(topic, "k", "v").get();
				// Dead letters: the failed record's topic is described and its dead-letter
				// topic created.
				KafkaTopics.awaitRecords(TestBrokers.shared().getBrokersAsString(), topic + ".DLT", 1);
				await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
					// Lag and broker health of both clients.
					for (String client : List.of("default", "second")) {
						LagSnapshot lag = lag(context, client);
						assertThat(lag.stale()).as("lag of %s stale: %s", client, lag.lastError()).isFalse();
						assertThat(lag.groups()).as("groups watched by %s", client).isNotEmpty();
						assertThat(health(context, client).getStatus()).isEqualTo(Status.UP);
					}
					// The durability check of both clients (one broker: a warning each).
					assertThat(output).contains("Kafka client 'default' sends with acks=all",
							"Kafka client 'second' sends with acks=all");
					// Share groups: the cluster was asked, the group configured.
					assertThat(context.getBean(ShareGroupSupport.class).verdict("default")).isPresent();
				});
				// The endpoint describes the groups of both clients.
				KafkaEndpoint.KafkaDescriptor described = context.getBean(KafkaEndpoint.class).kafka();
				assertThat(described.consumerGroups().get("default").get(id).error()).isNull();
				assertThat(described.consumerGroups().get("second").get(id + "-second").error()).isNull();
				assertThat(output).doesNotContain("Could not set share.auto.offset.reset");

				// Spring's KafkaAdmin closes the admins of its one-off calls at once; what stays
				// is one admin per client.
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					assertThat(threads(ADMIN_THREAD + id)).as("admin I/O threads").hasSize(2);
					assertThat(adminMBeans(id)).as("admin app-info MBeans").hasSize(2);
				});
				System.out.printf("Admins of an application of 2 clients with every feature on: %d%n",
						threads(ADMIN_THREAD + id).size());
			});
	}

	@Test
	void closingTheContextClosesTheAdminAndStopsTheScheduler() {
		String id = "infra-" + UUID.randomUUID().toString().substring(0, 8);
		Set<Thread> schedulerThreadsBefore = threads(SCHEDULER_THREAD);
		this.runner.withPropertyValues("spring.kafka.client-id=" + id).run((context) -> {
			assertThat(context).hasNotFailed();
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(health(context, "default").getStatus()).isEqualTo(Status.UP));
			assertThat(threads(ADMIN_THREAD + id)).as("admin I/O threads").hasSize(1);
			assertThat(newThreads(SCHEDULER_THREAD, schedulerThreadsBefore)).as("scheduler threads").isNotEmpty();
		});
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(threads(ADMIN_THREAD + id)).as("admin I/O threads after close").isEmpty();
			assertThat(adminMBeans(id)).as("admin app-info MBeans after close").isEmpty();
			assertThat(newThreads(SCHEDULER_THREAD, schedulerThreadsBefore)).as("scheduler threads after close")
				.isEmpty();
		});
	}

	private static LagSnapshot lag(AssertableApplicationContext context, String client) {
		return context.getBean(LagMonitorRegistry.class)
			.forClient(client)
			.map(ClientLagMonitor::snapshot)
			.orElseThrow();
	}

	private static HealthDescriptor health(AssertableApplicationContext context, String client) {
		HealthDescriptor health = context.getBean(HealthEndpoint.class).healthForPath("kafka", client);
		assertThat(health).as("broker health of %s", client).isNotNull();
		return health;
	}

	private static Set<Thread> threads(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith(prefix))
			.collect(Collectors.toSet());
	}

	private static Set<Thread> newThreads(String prefix, Set<Thread> before) {
		Set<Thread> threads = threads(prefix);
		threads.removeAll(before);
		return threads;
	}

	private static Set<ObjectName> adminMBeans(String clientIdPrefix) throws MalformedObjectNameException {
		return ManagementFactory.getPlatformMBeanServer()
			.queryNames(new ObjectName("kafka.admin.client:type=app-info,client-id=" + clientIdPrefix + "*"), null);
	}

	static class Listeners {

		@KafkaListener(id = "${test.group}", topics = "${test.topic}")
		void failing(String value) {
			throw new IllegalStateException("always fails");
		}

		@KafkaListener(id = "${test.group}-second", topics = "${test.topic}",
				containerFactory = "secondKafkaListenerContainerFactory")
		void second(String value) {
		}

		@KafkaListener(id = "${test.group}-share", topics = "${test.topic}", groupId = "${test.group}-share",
				containerFactory = "shareKafkaListenerContainerFactory")
		void shared(String value) {
		}

	}

}
