package io.github.kafkastarter.autoconfigure.share;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.annotation.KafkaListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Share-group listeners from properties alone, on a real broker.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShareGroupIntegrationTests {

	static final String SERVERS = TestBrokers.shared().getBrokersAsString();

	@Test
	void twoListenersOfOneShareGroupShareOnePartitionAndAFailingRecordIsRedeliveredUpToTheLimit(
			CapturedOutput output) {
		String topic = "share-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 1);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, ShareGroupAutoConfiguration.class))
			.withUserConfiguration(Workers.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "test.topic=" + topic,
					"test.group=" + topic, "kafka.starter.share.start-from=earliest")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Workers workers = context.getBean(Workers.class);
				// Both members hold the partition before the records come: on a loaded machine
				// the first to be assigned could otherwise take them all (joining is not enough,
				// a member learns its assignment on a later heartbeat).
				try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SERVERS))) {
					await().atMost(Duration.ofSeconds(60))
						.ignoreExceptions()
						.until(() -> {
							var members = admin.describeShareGroups(List.of(topic))
								.describedGroups()
								.get(topic)
								.get()
								.members();
							return members.size() == 2 && members.stream()
								.allMatch((member) -> !member.assignment().topicPartitions().isEmpty());
						});
				}
				Records.send(SERVERS, topic, 2_000, (i) -> "key-" + i);
				await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
					assertThat(workers.accepted).hasSize(1_999);
					// The broker's delivery limit (group.share.delivery.count.limit, 5 by default).
					assertThat(workers.poisonDeliveries).hasValue(5);
				});
				// Health and the actuator endpoint can tell which client a share container belongs to.
				assertThat(context.getBean(io.github.kafkastarter.autoconfigure.client.KafkaClientContainers.class)
					.clientOf(context.getBean(org.springframework.kafka.config.KafkaListenerEndpointRegistry.class)
						.getListenerContainer("share-a"))).contains("default");
				assertThat(workers.byWorker.get("a").get()).as("records received by worker a").isPositive();
				assertThat(workers.byWorker.get("b").get()).as("records received by worker b").isPositive();
				// Nothing to warn about: the listener methods take no acknowledgment.
				assertThat(output).doesNotContain("ShareAckMode.EXPLICIT is active");
				System.out.printf("share: worker a=%d, worker b=%d, poison deliveries=%d%n",
						workers.byWorker.get("a").get(), workers.byWorker.get("b").get(),
						workers.poisonDeliveries.get());
			});
	}

	static class Workers {

		final Set<String> accepted = ConcurrentHashMap.newKeySet();

		final Map<String, AtomicInteger> byWorker = Map.of("a", new AtomicInteger(), "b", new AtomicInteger());

		final AtomicInteger poisonDeliveries = new AtomicInteger();

		@KafkaListener(id = "share-a", topics = "${test.topic}", groupId = "${test.group}",
				containerFactory = "shareKafkaListenerContainerFactory")
		void workerA(ConsumerRecord<String, String> record) {
			handle("a", record);
		}

		@KafkaListener(id = "share-b", topics = "${test.topic}", groupId = "${test.group}",
				containerFactory = "shareKafkaListenerContainerFactory")
		void workerB(ConsumerRecord<String, String> record) {
			handle("b", record);
		}

		private void handle(String worker, ConsumerRecord<String, String> record) {
			this.byWorker.get(worker).incrementAndGet();
			if (record.value().equals("1000")) {
				this.poisonDeliveries.incrementAndGet();
				throw new IllegalStateException("cannot process record 1000");
			}
			// A little work, so that neither worker drains the partition alone.
			Records.simulatedIo(Duration.ofMillis(1));
			this.accepted.add(record.value());
		}

	}

}
