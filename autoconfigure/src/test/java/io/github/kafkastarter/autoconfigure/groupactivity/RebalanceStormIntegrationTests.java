package io.github.kafkastarter.autoconfigure.groupactivity;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.actuate.KafkaEndpoint;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The documented rebalance storm, reproduced on a real broker: three members of one group
 * (three listener containers with their own client ids) restarted one after the other.
 * Without static membership each restart is a member leaving and another joining, and the
 * group is flagged (one WARN, a health warning, the endpoint, the storm gauge); with static
 * membership (classic protocol, each member back within session.timeout.ms) nothing is. A
 * concurrency above the partition count leaves consumers idle, which is reported too.
 */
@ExtendWith(OutputCaptureExtension.class)
class RebalanceStormIntegrationTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final List<String> MEMBERS = List.of("storm-a", "storm-b", "storm-c");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.MEMBERSHIP, GroupActivityAutoConfiguration.class, AutoConfigs.HEALTH,
				AutoConfigs.ENDPOINT, EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"management.endpoints.web.exposure.include=kafka,health",
				// Fast rebalances: members notice a rebalance at their next heartbeat.
				"spring.kafka.consumer.properties.heartbeat.interval.ms=200",
				"spring.kafka.consumer.properties.session.timeout.ms=10000");

	@Test
	void threeMembersRestartedOneAfterTheOtherWithoutStaticMembershipAreAStorm(CapturedOutput output) {
		String group = "storm-dynamic";
		KafkaTopics.create(TestBrokers.shared().getBrokersAsString(), group, 3, 1, Map.of());
		this.runner.withUserConfiguration(Members.class, Prometheus.class)
			.withPropertyValues("test.group=" + group, "kafka.starter.consumer.static-membership.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				awaitEachOwnsOne(context);
				GroupActivity.GroupReport atStart = settled(context, group);
				assertThat(atStart.storm()).isFalse();
				KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
				for (String member : MEMBERS) {
					MessageListenerContainer container = registry.getListenerContainer(member);
					container.stop();
					// The others take its partition over: the member's leaving was a rebalance.
					await().atMost(PATIENCE).until(() -> assigned(registry) == 3);
					container.start();
					awaitEachOwnsOne(context);
				}
				GroupActivity.GroupReport report = settled(context, group);
				System.out.printf("STORM without static membership: %d rebalances at start, %d after 3 restarts "
						+ "(threshold 4), storm=%s%n", atStart.rebalances(), report.rebalances(), report.storm());
				assertThat(report.rebalances()).isGreaterThanOrEqualTo(atStart.rebalances() + 6);
				assertThat(report.rebalancesInWindow()).isGreaterThan(4);
				assertThat(report.storm()).isTrue();
				assertThat(report.warnings()).singleElement()
					.asString()
					.contains("Rebalance storm: consumer group 'storm-dynamic'", "static membership",
							"group.protocol=consumer", "max.poll.interval.ms");
				// One WARN per window, however many rebalances follow.
				assertThat(occurrences(output.getOut(), "WARN")).isPositive();
				assertThat(occurrences(output.getOut(), "Rebalance storm: consumer group 'storm-dynamic'"))
					.isEqualTo(1);
				// A cooperative rebalance gives a joining member nothing at first: not idle.
				assertThat(output.getOut()).doesNotContain("Idle consumers: consumer group 'storm-dynamic'");
				// Listener health shows it as a warning; liveness stays up.
				IndicatedHealthDescriptor listeners = indicated(context, "kafkaListeners", "default");
				assertThat(listeners.getStatus()).isEqualTo(Status.UP);
				assertThat(groupDetails(listeners, group)).containsEntry("storm", true)
					.containsKey("lastStormWarning")
					.containsKey("warnings");
				// The endpoint has the same section.
				KafkaEndpoint.KafkaDescriptor kafka = context.getBean(KafkaEndpoint.class).kafka();
				assertThat(kafka.groupActivity()).isNotNull();
				assertThat(kafka.groupActivity().get("default").get(group)).containsEntry("storm", true);
				// Partitions moved between the members of this application: how long they were
				// unowned is timed.
				String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
				assertThat(scrape).contains("kafka_starter_rebalance_storm{client=\"default\",group=\"storm-dynamic\"} 1")
					.containsPattern("kafka_starter_rebalances_total\\{client=\"default\",group=\"storm-dynamic\",kind=\"assigned\"\\} \\d+")
					.containsPattern("kafka_starter_rebalances_total\\{client=\"default\",group=\"storm-dynamic\",kind=\"revoked\"\\} \\d+")
					.containsPattern("kafka_starter_rebalance_partitions_total\\{client=\"default\",group=\"storm-dynamic\",kind=\"assigned\"\\} \\d+")
					.containsPattern("kafka_starter_rebalance_unowned_seconds_count\\{client=\"default\",group=\"storm-dynamic\"\\} [1-9]");
				printExcerpts(listeners, scrape, group);
			});
	}

	@Test
	void threeMembersRestartedOneAfterTheOtherWithStaticMembershipAreNoStorm(CapturedOutput output) {
		String group = "storm-static";
		KafkaTopics.create(TestBrokers.shared().getBrokersAsString(), group, 3, 1, Map.of());
		this.runner.withUserConfiguration(Members.class)
			.withPropertyValues("test.group=" + group, "kafka.starter.consumer.static-membership.enabled=true",
					"kafka.starter.consumer.static-membership.instance-id=pod-1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				awaitEachOwnsOne(context);
				GroupActivity.GroupReport atStart = settled(context, group);
				KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
				for (String member : MEMBERS) {
					MessageListenerContainer container = registry.getListenerContainer(member);
					container.stop();
					container.start();
					// Back within session.timeout.ms with the same group.instance.id: it gets
					// its partition back, and no one else is disturbed.
					awaitEachOwnsOne(context);
				}
				GroupActivity.GroupReport report = settled(context, group);
				System.out.printf("STORM with static membership: %d rebalances at start, %d after 3 restarts "
						+ "(threshold 4), storm=%s%n", atStart.rebalances(), report.rebalances(), report.storm());
				assertThat(report.rebalances()).isEqualTo(atStart.rebalances());
				assertThat(report.storm()).isFalse();
				assertThat(report.warnings()).isEmpty();
				assertThat(output.getOut()).doesNotContain("Rebalance storm")
					.doesNotContain("Idle consumers: consumer group 'storm-static'");
				assertThat(groupDetails(indicated(context, "kafkaListeners", "default"), group))
					.containsEntry("storm", false);
			});
	}

	@Test
	void moreConsumersThanPartitionsAreReportedIdle(CapturedOutput output) {
		String group = "idle-consumers";
		KafkaTopics.create(TestBrokers.shared().getBrokersAsString(), group, 1, 1, Map.of());
		this.runner.withUserConfiguration(ConcurrentListener.class, Prometheus.class)
			.withPropertyValues("test.group=" + group)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(PATIENCE).untilAsserted(() -> {
					GroupActivity.GroupReport report = report(context, group);
					assertThat(report.members()).isEqualTo(3);
					assertThat(report.idleMembers()).isEqualTo(2);
				});
				GroupActivity.GroupReport report = report(context, group);
				assertThat(report.partitions()).isEqualTo(1);
				assertThat(report.warnings()).singleElement()
					.asString()
					.contains("Idle consumers: consumer group 'idle-consumers'",
							"this application alone runs 3 consumer(s) in it for the 1 partition(s)", "at least 2");
				assertThat(occurrences(output.getOut(), "Idle consumers: consumer group 'idle-consumers'"))
					.isEqualTo(1);
				assertThat(context.getBean(KafkaEndpoint.class).kafka().groupActivity().get("default").get(group))
					.containsEntry("members", 3)
					.containsEntry("idleMembers", 2)
					.containsEntry("partitions", 1);
				String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
				assertThat(scrape)
					.contains("kafka_starter_group_idle_members{client=\"default\",group=\"idle-consumers\"} 2");
				System.out.println("IDLE excerpt: " + output.getOut()
					.lines()
					.filter((line) -> line.contains("Idle consumers: consumer group 'idle-consumers'"))
					.findFirst()
					.orElse(""));
				// A stopped container's consumers are members no more.
				context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("idle").stop();
				await().atMost(PATIENCE).untilAsserted(() -> {
					assertThat(report(context, group).members()).isZero();
					assertThat(report(context, group).idleMembers()).isZero();
				});
			});
	}

	private static void printExcerpts(IndicatedHealthDescriptor listeners, String scrape, String group) {
		System.out.println("STORM health excerpt: " + groupDetails(listeners, group));
		scrape.lines()
			.filter((line) -> line.startsWith("kafka_starter_") && line.contains(group))
			.forEach((line) -> System.out.println("STORM scrape: " + line));
	}

	private static void awaitEachOwnsOne(AssertableApplicationContext context) {
		KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
		await().atMost(PATIENCE).untilAsserted(() -> {
			for (String member : MEMBERS) {
				assertThat(registry.getListenerContainer(member).getAssignedPartitions()).as(member).hasSize(1);
			}
		});
	}

	private static int assigned(KafkaListenerEndpointRegistry registry) {
		return MEMBERS.stream()
			.map(registry::getListenerContainer)
			.filter(MessageListenerContainer::isRunning)
			.mapToInt((container) -> container.getAssignedPartitions().size())
			.sum();
	}

	/**
	 * The group's report once no rebalance callback is pending: the container shows its
	 * partitions just before it calls the rebalance listener.
	 */
	static GroupActivity.GroupReport settled(AssertableApplicationContext context, String group) {
		long[] last = { -1 };
		await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
			GroupActivity.GroupReport report = report(context, group);
			boolean same = report.rebalances() == last[0] && report.idleMembers() == 0;
			last[0] = report.rebalances();
			return same;
		});
		return report(context, group);
	}

	static GroupActivity.GroupReport report(AssertableApplicationContext context, String group) {
		List<GroupActivity.GroupReport> reports = context.getBean(GroupActivity.class)
			.groups("default")
			.stream()
			.filter((report) -> report.groupId().equals(group))
			.toList();
		assertThat(reports).as("group %s", group).hasSize(1);
		return reports.get(0);
	}

	static IndicatedHealthDescriptor indicated(AssertableApplicationContext context, String... path) {
		return (IndicatedHealthDescriptor) context.getBean(HealthEndpoint.class).healthForPath(path);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> groupDetails(IndicatedHealthDescriptor listeners, String group) {
		Map<String, Map<String, Object>> groups = (Map<String, Map<String, Object>>) listeners.getDetails()
			.get("consumerGroups");
		assertThat(groups).containsKey(group);
		return groups.get(group);
	}

	static int occurrences(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
			count++;
		}
		return count;
	}

	@Configuration(proxyBeanMethods = false)
	static class Prometheus {

		@Bean
		PrometheusMeterRegistry prometheusMeterRegistry() {
			return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		}

	}

	/**
	 * Three members of one group, each with its own client id, like three instances.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Members {

		@KafkaListener(id = "storm-a", topics = "${test.group}", groupId = "${test.group}")
		void a(String value) {
		}

		@KafkaListener(id = "storm-b", topics = "${test.group}", groupId = "${test.group}")
		void b(String value) {
		}

		@KafkaListener(id = "storm-c", topics = "${test.group}", groupId = "${test.group}")
		void c(String value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConcurrentListener {

		@KafkaListener(id = "idle", topics = "${test.group}", groupId = "${test.group}", concurrency = "3")
		void onRecord(String value) {
		}

	}

}
