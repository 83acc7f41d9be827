package io.github.kafkastarter.autoconfigure.groupactivity;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkastarter.autoconfigure.actuate.KafkaEndpoint;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

import static io.github.kafkastarter.autoconfigure.groupactivity.RebalanceStormIntegrationTests.groupDetails;
import static io.github.kafkastarter.autoconfigure.groupactivity.RebalanceStormIntegrationTests.indicated;
import static io.github.kafkastarter.autoconfigure.groupactivity.RebalanceStormIntegrationTests.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Offset commit failures on a real broker, forced by fencing: the listener holds its first
 * record longer than max.poll.interval.ms, the consumer is put out of the group, and the
 * container's commit of that record fails with a {@code CommitFailedException} (which
 * Spring Kafka itself swallows in its default acknowledgement mode). The failure is
 * counted, shown in listener health and the endpoint until a commit succeeds, and, with a
 * threshold of zero and commit-failures-down, takes the client's listener health down.
 */
class CommitFailureIntegrationTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final String GROUP = "commit-fenced";

	/**
	 * Synchronous commits (Spring Kafka's default) with commit-failures-down: the client's
	 * listener health goes down; asynchronous commits (seen through their callback) with the
	 * default: a warning detail, status up.
	 * @param async whether the container commits asynchronously
	 */
	@ParameterizedTest(name = "async commits: {0}")
	@ValueSource(booleans = { false, true })
	void aCommitAfterTheMemberWasFencedIsCountedAndShownUntilACommitSucceeds(boolean async) {
		String group = GROUP + (async ? "-async" : "-sync");
		KafkaTopics.create(TestBrokers.shared().getBrokersAsString(), group, 1, 1, Map.of());
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
					GroupActivityAutoConfiguration.class, AutoConfigs.HEALTH, AutoConfigs.ENDPOINT,
					EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.withUserConfiguration(SlowListener.class, RebalanceStormIntegrationTests.Prometheus.class,
					CommitMode.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
					"management.endpoints.web.exposure.include=kafka,health",
					"spring.kafka.consumer.properties.max.poll.interval.ms=3000",
					"spring.kafka.consumer.properties.heartbeat.interval.ms=200",
					"spring.kafka.consumer.properties.session.timeout.ms=10000",
					"kafka.starter.group-activity.commit-failure-threshold=0s",
					"kafka.starter.group-activity.commit-failures-down=" + !async, "test.group=" + group,
					"test.sync-commits=" + !async)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SlowListener listener = context.getBean(SlowListener.class);
				context.getBean(KafkaTemplate.class).send(group, "k", "slow").get(30, TimeUnit.SECONDS);
				await().atMost(PATIENCE).until(() -> listener.calls.get() >= 1);
				try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
						TestBrokers.shared().getBrokersAsString()))) {
					// Past max.poll.interval.ms the consumer leaves the group on its own.
					await().atMost(PATIENCE)
						.until(() -> admin.describeConsumerGroups(List.of(group))
							.describedGroups()
							.get(group)
							.get()
							.members()
							.isEmpty());
				}
				listener.fenced.countDown();

				// The container commits the record, fails, rejoins and gets it again; the
				// listener holds the redelivery until the failure has been checked.
				await().atMost(PATIENCE).until(() -> listener.calls.get() >= 2);
				await().atMost(PATIENCE).until(() -> report(context, group).commitFailures() > 0);
				GroupActivity.GroupReport report = report(context, group);
				System.out.printf("COMMIT (async %s) failures seen: %d, last: %s%n", async, report.commitFailures(),
						report.lastCommitFailure());
				assertThat(report.commitFailures()).isPositive();
				assertThat(report.lastCommitFailure()).startsWith("CommitFailedException: ");
				assertThat(report.lastCommitFailureAt()).isNotNull();
				assertThat(report.commitsFailing()).isTrue();
				IndicatedHealthDescriptor health = indicated(context, "kafkaListeners", "default");
				// Only when configured does a commit failure take (liveness) health down.
				assertThat(health.getStatus()).isEqualTo(async ? Status.UP : Status.DOWN);
				System.out.println("COMMIT health excerpt: " + groupDetails(health, group));
				assertThat(groupDetails(health, group)).containsEntry("commitsFailing", true)
					.containsKeys("lastCommitFailure", "lastCommitFailureAt", "commitsFailingSince", "warnings");
				assertThat(context.getBean(KafkaEndpoint.class).kafka().groupActivity().get("default").get(group))
					.containsKey("lastCommitFailure");
				String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
				scrape.lines()
					.filter((line) -> line.startsWith("kafka_starter_") && line.contains(group))
					.forEach((line) -> System.out.println("COMMIT scrape: " + line));
				assertThat(scrape)
					.containsPattern("kafka_starter_commit_failures_total\\{client=\"default\",exception="
							+ "\"CommitFailedException\",group=\"" + group + "\"\\} [1-9]")
					// Put out of the group, the consumer lost its partition rather than gave it up.
					.containsPattern("kafka_starter_rebalances_total\\{client=\"default\",group=\"" + group + "\","
							+ "kind=\"lost\"\\} [1-9]")
					// Spring Kafka revokes what was lost too: counted once, as lost.
					.doesNotContain("kafka_starter_rebalances_total{client=\"default\",group=\"" + group + "\","
							+ "kind=\"revoked\"}");

				listener.checked.countDown();
				// The redelivered record's commit succeeds: health is back up, the history stays.
				await().atMost(PATIENCE).until(() -> !report(context, group).commitsFailing());
				assertThat(indicated(context, "kafkaListeners", "default").getStatus()).isEqualTo(Status.UP);
				report = report(context, group);
				assertThat(report.commitsFailing()).isFalse();
				assertThat(report.commitsFailingSince()).isNull();
				assertThat(report.lastCommitFailure()).startsWith("CommitFailedException: ");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class CommitMode {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> commitMode(
				@Value("${test.sync-commits}") boolean sync) {
			return (container) -> container.getContainerProperties().setSyncCommits(sync);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SlowListener {

		final AtomicInteger calls = new AtomicInteger();

		final CountDownLatch fenced = new CountDownLatch(1);

		final CountDownLatch checked = new CountDownLatch(1);

		@KafkaListener(id = "${test.group}", topics = "${test.group}", groupId = "${test.group}")
		void onRecord(String value) throws InterruptedException {
			// Holding the record is the point: it is how a slow listener gets fenced.
			switch (this.calls.incrementAndGet()) {
				case 1 -> this.fenced.await(60, TimeUnit.SECONDS);
				case 2 -> this.checked.await(60, TimeUnit.SECONDS);
				default -> {
				}
			}
		}

	}

}
