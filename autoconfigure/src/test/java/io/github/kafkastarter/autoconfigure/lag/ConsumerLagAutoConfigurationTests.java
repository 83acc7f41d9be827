package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.PartitionLag;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.ImportAutoConfigs;
import io.github.kafkastarter.autoconfigure.support.RecordingTaskScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.annotation.PartitionOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * How the lag monitors and their meters are wired, for every client; no broker.
 */
class ConsumerLagAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				ConsumerLagAutoConfiguration.class, ConsumerLagMetricsAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9092");

	@Test
	void everyClientHasAMonitorTheDefaultFirst() {
		this.runner
			.withPropertyValues("kafka.starter.clients.analytics.bootstrap-servers=analytics:9092",
					"kafka.starter.clients.audit.client-id=audit")
			.run((context) -> {
				LagMonitorRegistry monitors = context.getBean(LagMonitorRegistry.class);
				assertThat(monitors.all()).extracting(ClientLagMonitor::client)
					.containsExactly("default", "analytics", "audit");
				assertThat(monitors.forClient("audit")).isPresent();
				assertThat(monitors.forClient("nope")).isEmpty();
				assertThat(context.getBean(LagRefreshScheduler.class).isRunning()).isTrue();
				// No group to watch: nothing to fetch, and no admin is created for it.
				assertThat(monitors.forClient("default").orElseThrow().snapshot().groups()).isEmpty();
			});
	}

	@Test
	void aNamedClientCanBeLeftOut() {
		this.runner
			.withPropertyValues("kafka.starter.clients.audit.client-id=audit",
					"kafka.starter.clients.audit.lag.enabled=false")
			.run((context) -> assertThat(context.getBean(LagMonitorRegistry.class).all())
				.extracting(ClientLagMonitor::client)
				.containsExactly("default"));
	}

	@Test
	void switchedOffThereAreNoMonitors() {
		this.runner.withPropertyValues("kafka.starter.lag.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LagMonitorRegistry.class)
				.doesNotHaveBean(LagRefreshScheduler.class)
				.doesNotHaveBean(ConsumerLagMeters.class));
	}

	@Test
	void theApplicationsOwnMonitorsReplaceOurs() {
		this.runner.withUserConfiguration(OwnMonitors.class).run((context) -> {
			assertThat(context).hasSingleBean(LagMonitorRegistry.class).doesNotHaveBean(LagRefreshScheduler.class);
			assertThat(context.getBean(LagMonitorRegistry.class).all()).extracting(ClientLagMonitor::client)
				.containsExactly("custom");
		});
	}

	@Test
	void settingsApplyToEveryClientAndANamedClientOverridesThemButListsItsOwnGroups() {
		this.runner
			.withPropertyValues("kafka.starter.lag.interval=2s", "kafka.starter.lag.groups=billing,shipping",
					"kafka.starter.lag.window=4", "kafka.starter.clients.audit.client-id=audit",
					"kafka.starter.clients.audit.lag.interval=5s", "kafka.starter.clients.reports.client-id=reports",
					"kafka.starter.clients.reports.lag.groups=reporting")
			.run((context) -> {
				Binder binder = Binder.get(context.getEnvironment());
				KafkaClients clients = context.getBean(KafkaClients.class);
				LagProperties main = ConsumerLagAutoConfiguration.settings(clients.getDefault(), binder);
				LagProperties audit = ConsumerLagAutoConfiguration.settings(clients.get("audit"), binder);
				LagProperties reports = ConsumerLagAutoConfiguration.settings(clients.get("reports"), binder);
				assertThat(main.getInterval()).isEqualTo(Duration.ofSeconds(2));
				assertThat(audit.getInterval()).isEqualTo(Duration.ofSeconds(5));
				assertThat(audit.getWindow()).isEqualTo(4);
				// Groups live on one cluster: the global list is the default client's.
				assertThat(main.getGroups()).containsExactly("billing", "shipping");
				assertThat(audit.getGroups()).isEmpty();
				assertThat(reports.getGroups()).containsExactly("reporting");
			});
	}

	@Test
	void theGroupsOfTheClientsContainersAreWatchedWithWhatTheyRead() {
		this.runner.withUserConfiguration(Listeners.class).run((context) -> {
			ContainerGroups groups = new ContainerGroups("default", context.getBean(KafkaClientContainers.class),
					List.of("external", "subscribed"));
			assertThat(groups.get()).containsExactly(
					entry("assigned", new WatchedGroup(Set.of(), Set.of(new TopicPartition("wiring-assigned", 1)))),
					entry("external", WatchedGroup.COMMITTED_ONLY),
					// A pattern: its commits say what it reads.
					entry("patterned", WatchedGroup.COMMITTED_ONLY),
					entry("subscribed", new WatchedGroup(Set.of("wiring-a", "wiring-b"), Set.of())));
		});
	}

	@Test
	void theClientIdOfTheTailReaderTellsWhoseLagMonitorItIs() {
		this.runner
			.withPropertyValues("spring.application.name=shop", "kafka.starter.clients.audit.client-id=audit",
					"kafka.starter.clients.analytics.bootstrap-servers=analytics:9092")
			.run((context) -> {
				KafkaClients clients = context.getBean(KafkaClients.class);
				assertThat(ConsumerLagAutoConfiguration.readerConfigs(clients.getDefault()))
					.containsEntry("client.id", "shop-lag-default-tail")
					.containsEntry("bootstrap.servers", List.of("localhost:9092"));
				assertThat(ConsumerLagAutoConfiguration.readerConfigs(clients.get("audit")))
					.containsEntry("client.id", "audit-lag-tail");
				assertThat(ConsumerLagAutoConfiguration.readerConfigs(clients.get("analytics")))
					.containsEntry("client.id", "shop-lag-analytics-tail")
					.containsEntry("bootstrap.servers", List.of("analytics:9092"));
			});
	}

	@Test
	void withoutAMeterRegistryThereAreNoMeters() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(LagMonitorRegistry.class)
			.doesNotHaveBean(ConsumerLagMeters.class));
	}

	@Test
	void metersFollowTheSnapshotAndGoAwayWithTheirGroup() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			AdminLagMonitor monitor = stoppedMonitor(context.getBean(LagRefreshScheduler.class));
			monitor.publish(snapshot("default", group("orders", LagStatus.LAGGING, 0, 1)));
			assertThat(registry.get("kafka.consumer.lag.offsets").tags("client", "default", "group", "orders",
					"topic", "orders", "partition", "1").gauge().value()).isEqualTo(42.0);
			assertThat(registry.get("kafka.consumer.lag.seconds").tags("partition", "0").gauge().value())
				.isEqualTo(1.5);
			assertThat(registry.get("kafka.consumer.group.lag.offsets").tags("group", "orders").gauge().value())
				.isEqualTo(84.0);
			assertThat(registry.get("kafka.consumer.group.lag.seconds").tags("group", "orders").gauge().value())
				.isEqualTo(1.5);
			assertThat(registry.get("kafka.consumer.group.status").tags("status", "LAGGING").gauge().value())
				.isEqualTo(1.0);
			assertThat(registry.get("kafka.consumer.group.status").gauges()).hasSize(LagStatus.values().length)
				.filteredOn((gauge) -> gauge.value() == 1.0)
				.hasSize(1);

			// A partition goes, then the group: their meters go with them.
			monitor.publish(snapshot("default", group("orders", LagStatus.OK, 0)));
			assertThat(registry.find("kafka.consumer.lag.offsets").tag("partition", "1").gauge()).isNull();
			monitor.publish(snapshot("default"));
			assertThat(registry.find("kafka.consumer.lag.offsets").gauges()).isEmpty();
			assertThat(registry.find("kafka.consumer.group.status").gauges()).isEmpty();
			assertThat(registry.get("kafka.consumer.lag.snapshot.age").tag("client", "default").gauge()).isNotNull();
		});
	}

	@Test
	void partitionMetersCanBeSwitchedOff() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("kafka.starter.lag.partition-tags=false")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				AdminLagMonitor monitor = stoppedMonitor(context.getBean(LagRefreshScheduler.class));
				monitor.publish(snapshot("default", group("orders", LagStatus.OK, 0, 1)));
				assertThat(registry.find("kafka.consumer.lag.offsets").gauges()).isEmpty();
				assertThat(registry.find("kafka.consumer.lag.seconds").gauges()).isEmpty();
				assertThat(registry.get("kafka.consumer.group.lag.offsets").gauge().value()).isEqualTo(84.0);
			});
	}

	// The test publishes snapshots itself: no refresh may come in between.
	private static AdminLagMonitor stoppedMonitor(LagRefreshScheduler monitoring) {
		monitoring.stop();
		return monitoring.monitors().get(0);
	}

	private static LagSnapshot snapshot(String client, GroupLag... groups) {
		return new LagSnapshot(client, Instant.now(), false, null, List.of(groups));
	}

	private static GroupLag group(String groupId, LagStatus status, int... partitions) {
		List<PartitionLag> lags = java.util.Arrays.stream(partitions)
			.mapToObj((partition) -> new PartitionLag("orders", partition, 100, 58L, 42, false, 1.5, status))
			.toList();
		return new GroupLag(groupId, status, 42L * partitions.length, partitions.length > 0 ? 1.5 : 0, lags);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnMonitors {

		@Bean
		LagMonitorRegistry consumerLagMonitors() {
			return new LagMonitorRegistry(List.of(new ClientLagMonitor() {

				@Override
				public String client() {
					return "custom";
				}

				@Override
				public LagSnapshot snapshot() {
					return LagSnapshot.empty("custom");
				}

			}));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@KafkaListener(id = "wiring-subscribed", groupId = "subscribed", topics = { "wiring-a", "wiring-b" },
				autoStartup = "false")
		void subscribed(String value) {
		}

		@KafkaListener(id = "wiring-assigned", groupId = "assigned", autoStartup = "false",
				topicPartitions = @org.springframework.kafka.annotation.TopicPartition(topic = "wiring-assigned",
						partitionOffsets = @PartitionOffset(partition = "1", initialOffset = "0")))
		void assigned(String value) {
		}

		@KafkaListener(id = "wiring-patterned", groupId = "patterned", topicPattern = "wiring-.*",
				autoStartup = "false")
		void patterned(String value) {
		}

	}

	@Test
	void anApplicationSchedulesTheRefreshesOnceStartedNotDuringStartUp() {
		// Nothing is handed to the scheduler during start-up, everything before the runners.
		try (RecordingTaskScheduler.Started started = RecordingTaskScheduler.run(Monitored.class,
				"spring.kafka.bootstrap-servers=localhost:9092")) {
			ConfigurableApplicationContext context = started.context();
			assertThat(context.getBean(LagRefreshScheduler.class).isRunning()).isTrue();
			assertThat(started.whileStarting()).as("handed to the scheduler while starting").isEmpty();
			assertThat(started.whenRunnersRun()).as("handed to the scheduler before the runners")
				.containsExactly("fixed-delay");
			assertThat(RecordingTaskScheduler.of(context).handed()).containsExactly("fixed-delay");
		}
	}

	@Test
	void aContextWithoutSpringApplicationSchedulesTheRefreshesWhenStarted() {
		this.runner.withUserConfiguration(RecordingTaskScheduler.Registration.class)
			.run((context) -> assertThat(RecordingTaskScheduler.of(context).handed()).containsExactly("fixed-delay"));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfigs({ "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration", "client.KafkaClientsAutoConfiguration",
			"lag.ConsumerLagAutoConfiguration" })
	static class Monitored extends RecordingTaskScheduler.Registration {

	}

}
