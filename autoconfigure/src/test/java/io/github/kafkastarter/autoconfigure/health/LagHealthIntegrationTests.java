package io.github.kafkastarter.autoconfigure.health;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkastarter.autoconfigure.lag.ClientLagMonitor;
import io.github.kafkastarter.autoconfigure.lag.LagMonitorRegistry;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.PartitionLag;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The real lag monitor drives readiness: a listener paused on a backlog becomes STALLED and
 * takes the application out of service, while liveness stays up; resumed, it is back. A
 * read_committed listener that consumed everything of a transactional topic is caught up,
 * although its commits stop short of the transaction markers.
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
					AutoConfigs.CLIENTS, AutoConfigs.LAG,
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

	@Test
	void aReadCommittedGroupThatConsumedEveryCommittedRecordHasNoLagAndIsReady() throws Exception {
		String topic = "lag-tx-" + UUID.randomUUID();
		String servers = TestBrokers.shared().getBrokersAsString();
		Records.createTopic(servers, topic, 2);
		// Partition 0 ends with a commit marker; partition 1 with an aborted transaction: its
		// records and its abort marker, none of which a read_committed consumer ever gets.
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ProducerConfig.TRANSACTIONAL_ID_CONFIG,
						topic),
				new StringSerializer(), new StringSerializer())) {
			producer.initTransactions();
			producer.beginTransaction();
			for (int i = 0; i < 5; i++) {
				producer.send(new ProducerRecord<>(topic, 0, "k" + i, "committed"));
				producer.send(new ProducerRecord<>(topic, 1, "k" + i, "committed"));
			}
			producer.commitTransaction();
			producer.beginTransaction();
			for (int i = 0; i < 3; i++) {
				producer.send(new ProducerRecord<>(topic, 1, "k" + i, "aborted"));
			}
			producer.flush();
			producer.abortTransaction();
		}
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, AutoConfigs.LAG,
					KafkaHealthAutoConfiguration.class))
			.withConfiguration(KafkaHealthAutoConfigurationTests.HEALTH)
			.withUserConfiguration(Listener.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
					"spring.kafka.consumer.isolation-level=read-committed", "spring.kafka.consumer.group-id=" + topic,
					"test.topic=" + topic, "kafka.starter.lag.interval=300ms", "kafka.starter.lag.window=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Listener listener = context.getBean(Listener.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> listener.received.get() == 10);
				ClientLagMonitor monitor = context.getBean(LagMonitorRegistry.class).forClient("default").orElseThrow();
				// Committed: 5 on both partitions, where the ends are 6 (a marker) and 10.
				await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(group(monitor, topic))
					.satisfies((group) -> assertThat(group.partitions()).extracting(PartitionLag::committedOffset,
							PartitionLag::endOffset)
						.containsExactly(tuple(5L, 6L), tuple(5L, 10L))));
				// Fully caught up, and stays so across more than a window of refreshes.
				await().atMost(Duration.ofSeconds(60))
					.during(Duration.ofSeconds(2))
					.untilAsserted(() -> {
						GroupLag group = group(monitor, topic);
						assertThat(group.offsetLag()).isZero();
						assertThat(group.timeLagSeconds()).isZero();
						assertThat(group.status()).isEqualTo(LagStatus.OK);
						assertThat(LagHealthTests.status(context, "readiness")).isEqualTo(Status.UP);
					});
			});
	}

	private static GroupLag group(ClientLagMonitor monitor, String groupId) {
		return monitor.snapshot()
			.groups()
			.stream()
			.filter((group) -> group.groupId().equals(groupId))
			.findFirst()
			.orElseThrow();
	}

	static class Listener {

		final AtomicInteger received = new AtomicInteger();

		@KafkaListener(id = "lag-health", topics = "${test.topic}", idIsGroup = false)
		void onRecord(String value) {
			this.received.incrementAndGet();
		}

	}

}
