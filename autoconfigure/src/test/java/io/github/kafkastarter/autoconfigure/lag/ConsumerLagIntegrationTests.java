package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.PartitionLag;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lag monitor against a real broker: exact offset lag, time lag, and each status reached
 * by the scenario that defines it.
 */
class ConsumerLagIntegrationTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				ConsumerLagAutoConfiguration.class))
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"kafka.starter.lag.interval=250ms", "kafka.starter.lag.window=3");

	@Test
	void offsetLagIsExactForAGroupOfOursAndForAnExternalGroup() throws Exception {
		try (LagTestKafka kafka = new LagTestKafka(TestBrokers.shared().getBrokersAsString())) {
			kafka.createTopic("lag-exact", 3);
			kafka.send("lag-exact", 0, 4);
			kafka.send("lag-exact", 1, 2);
			this.runner.withUserConfiguration(ExactListeners.class)
				.withPropertyValues("kafka.starter.lag.groups=lag-exact-external")
				.run((context) -> {
					ClientLagMonitor monitor = context.getBean(LagMonitorRegistry.class)
						.forClient("default")
						.orElseThrow();
					MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class)
						.getListenerContainer("lag-exact");
					container.start();
					// Consumed M (4 and 2), committed; then N - M more arrive while it is stopped.
					awaitGroup(monitor, "lag-exact-ours",
							(group) -> hasCommitted(group, 0, 4) && hasCommitted(group, 1, 2));
					container.stop();
					kafka.send("lag-exact", 0, 6);
					kafka.send("lag-exact", 1, 5);
					kafka.send("lag-exact", 2, 3);
					kafka.consumeAndCommit("lag-exact-external", new TopicPartition("lag-exact", 0), 8);
					kafka.consumeAndCommit("lag-exact-external", new TopicPartition("lag-exact", 1), 7);

					GroupLag ours = awaitGroup(monitor, "lag-exact-ours", (group) -> group.offsetLag() == 14);
					assertThat(ours.partitions()).containsExactly(
							new PartitionLag("lag-exact", 0, 10, 4L, 6, false, ours.partitions().get(0).timeLagSeconds(),
									ours.partitions().get(0).status()),
							new PartitionLag("lag-exact", 1, 7, 2L, 5, false, ours.partitions().get(1).timeLagSeconds(),
									ours.partitions().get(1).status()),
							// Never committed on: counted from the earliest offset, and says so.
							new PartitionLag("lag-exact", 2, 3, null, 3, true, ours.partitions().get(2).timeLagSeconds(),
									ours.partitions().get(2).status()));
					assertThat(ours.partitions()).allSatisfy((partition) -> assertThat(partition.timeLagSeconds())
						.isPositive());

					// Both of its commits seen (a refresh may fall between the two).
					GroupLag external = awaitGroup(monitor, "lag-exact-external",
							(group) -> group.offsetLag() == 2 && group.partitions().size() == 2);
					// Known by its commits only: the partition it never committed on is not its own.
					assertThat(external.partitions()).extracting(PartitionLag::partition, PartitionLag::endOffset,
							PartitionLag::committedOffset, PartitionLag::offsetLag)
						.containsExactly(org.assertj.core.groups.Tuple.tuple(0, 10L, 8L, 2L),
								org.assertj.core.groups.Tuple.tuple(1, 7L, 7L, 0L));
					assertThat(external.partitions().get(1).timeLagSeconds()).isZero();
					LagSnapshot snapshot = monitor.snapshot();
					assertThat(snapshot.stale()).isFalse();
					assertThat(snapshot.lastError()).isNull();
					assertThat(snapshot.groups()).extracting(GroupLag::groupId)
						.containsExactly("lag-exact-external", "lag-exact-ours");
				});
		}
	}

	@Test
	void timeLagGrowsWhileTheConsumerIsStoppedAndFallsToZeroOnceItCatchesUp() throws Exception {
		try (LagTestKafka kafka = new LagTestKafka(TestBrokers.shared().getBrokersAsString())) {
			kafka.createTopic("lag-time", 1);
			TopicPartition partition = new TopicPartition("lag-time", 0);
			this.runner.withUserConfiguration(TimeListeners.class).run((context) -> {
				ClientLagMonitor monitor = context.getBean(LagMonitorRegistry.class)
					.forClient("default")
					.orElseThrow();
				MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class)
					.getListenerContainer("lag-time");
				kafka.startLoad("lag-time", 0, Duration.ofMillis(50));
				awaitGroup(monitor, "lag-time", (group) -> committed(group, 0) != null && committed(group, 0) > 5);
				container.stop();

				PartitionLag first = awaitPartition(monitor, "lag-time", (lag) -> lag.timeLagSeconds() > 1);
				PartitionLag later = awaitPartition(monitor, "lag-time",
						(lag) -> lag.timeLagSeconds() > first.timeLagSeconds() + 1);
				assertThat(later.committedOffset()).isEqualTo(first.committedOffset());
				assertThat(later.offsetLag()).isGreaterThan(first.offsetLag());
				// The estimate is the age of the first record not consumed, to within about a
				// refresh interval.
				LagSnapshot snapshot = monitor.snapshot();
				PartitionLag current = snapshot.groups().get(0).partitions().get(0);
				long created = kafka.timestamps.get(partition).get(current.committedOffset());
				double actualAge = (snapshot.refreshedAt().toEpochMilli() - created) / 1000.0;
				assertThat(current.timeLagSeconds()).isBetween(actualAge - 1.0, actualAge + 1.0);

				kafka.stopLoad();
				container.start();
				PartitionLag caughtUp = awaitPartition(monitor, "lag-time", (lag) -> lag.offsetLag() == 0);
				assertThat(caughtUp.timeLagSeconds()).isZero();
				assertThat(caughtUp.status()).isEqualTo(LagStatus.OK);
			});
		}
	}

	@Test
	void eachStatusIsReachedByItsScenario() throws Exception {
		try (LagTestKafka kafka = new LagTestKafka(TestBrokers.shared().getBrokersAsString())) {
			for (String topic : new String[] { "status-ok", "status-slow", "status-paused", "status-stopped" }) {
				kafka.createTopic(topic, 1);
			}
			kafka.send("status-ok", 0, 5);
			kafka.send("status-paused", 0, 5);
			kafka.send("status-stopped", 0, 5);
			kafka.commit("status-stopped-external", Map.of(new TopicPartition("status-stopped", 0), 5L));
			this.runner.withUserConfiguration(StatusListeners.class)
				.withPropertyValues("kafka.starter.lag.groups=status-stopped-external",
						"kafka.starter.lag.lagging-threshold=3")
				.run((context) -> {
					ClientLagMonitor monitor = context.getBean(LagMonitorRegistry.class)
						.forClient("default")
						.orElseThrow();
					KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
					// Caught up.
					awaitGroup(monitor, "status-ok",
							(group) -> group.status() == LagStatus.OK && hasCommitted(group, 0, 5));
					// Paused with a backlog and nothing new arriving.
					MessageListenerContainer paused = registry.getListenerContainer("status-paused");
					awaitGroup(monitor, "status-paused", (group) -> hasCommitted(group, 0, 5));
					paused.pause();
					await().atMost(PATIENCE).until(paused::isContainerPaused);
					kafka.send("status-paused", 0, 10);
					// A group that committed, then nothing while records keep arriving.
					kafka.startLoad("status-stopped", 0, Duration.ofMillis(100));
					// A slow consumer (one record per poll, 100 ms each) under a steadier load.
					kafka.startLoad("status-slow", 0, Duration.ofMillis(25));

					awaitGroup(monitor, "status-paused", (group) -> group.status() == LagStatus.STALLED);
					awaitGroup(monitor, "status-stopped-external", (group) -> group.status() == LagStatus.STOPPED);
					GroupLag slow = awaitGroup(monitor, "status-slow", (group) -> group.status() == LagStatus.LAGGING);
					assertThat(slow.offsetLag()).isGreaterThan(3);
					assertThat(monitor.snapshot().groups()).filteredOn((group) -> group.groupId().equals("status-ok"))
						.singleElement()
						.satisfies((group) -> assertThat(group.status()).isEqualTo(LagStatus.OK));
					kafka.stopLoad();
				});
		}
	}

	static GroupLag awaitGroup(ClientLagMonitor monitor, String groupId, Predicate<GroupLag> condition) {
		AtomicReference<GroupLag> match = new AtomicReference<>();
		await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
			Optional<GroupLag> group = monitor.snapshot()
				.groups()
				.stream()
				.filter((candidate) -> candidate.groupId().equals(groupId))
				.findFirst();
			group.filter(condition).ifPresent(match::set);
			return match.get() != null;
		});
		return match.get();
	}

	static PartitionLag awaitPartition(ClientLagMonitor monitor, String groupId, Predicate<PartitionLag> condition) {
		GroupLag group = awaitGroup(monitor, groupId,
				(candidate) -> candidate.partitions().size() == 1 && condition.test(candidate.partitions().get(0)));
		return group.partitions().get(0);
	}

	static boolean hasCommitted(GroupLag group, int partition, long offset) {
		return Long.valueOf(offset).equals(committed(group, partition));
	}

	static Long committed(GroupLag group, int partition) {
		return group.partitions()
			.stream()
			.filter((candidate) -> candidate.partition() == partition)
			.findFirst()
			.map(PartitionLag::committedOffset)
			.orElse(null);
	}

	@Configuration(proxyBeanMethods = false)
	static class ExactListeners {

		@KafkaListener(id = "lag-exact", topics = "lag-exact", groupId = "lag-exact-ours", autoStartup = "false")
		void listen(String value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TimeListeners {

		@KafkaListener(id = "lag-time", topics = "lag-time")
		void listen(String value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StatusListeners {

		@KafkaListener(id = "status-ok", topics = "status-ok")
		void ok(String value) {
		}

		@KafkaListener(id = "status-paused", topics = "status-paused")
		void paused(String value) {
		}

		@KafkaListener(id = "status-slow", topics = "status-slow", properties = "max.poll.records=1")
		void slow(String value) {
			// Work that takes longer than records arrive: the slowness is the scenario.
			Records.simulatedIo(Duration.ofMillis(100));
		}

	}

}
