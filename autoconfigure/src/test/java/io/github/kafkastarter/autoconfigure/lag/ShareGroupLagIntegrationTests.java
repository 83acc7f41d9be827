package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lag monitor watches the share groups of a client's share listeners, from their
 * share-partition start offsets, on a real broker.
 */
class ShareGroupLagIntegrationTests {

	@Test
	void aShareGroupsLagIsItsBacklogAboveTheStartOffset() {
		String topic = "share-lag-" + UUID.randomUUID();
		String servers = TestBrokers.shared().getBrokersAsString();
		Records.createTopic(servers, topic, 2);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, AutoConfigs.SHARE,
					ConsumerLagAutoConfiguration.class))
			.withUserConfiguration(Worker.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "test.topic=" + topic, "test.group=" + topic,
					"kafka.starter.share.start-from=earliest", "kafka.starter.lag.interval=250ms",
					"kafka.starter.lag.window=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Worker worker = context.getBean(Worker.class);
				ClientLagMonitor monitor = context.getBean(LagMonitorRegistry.class)
					.forClient("default")
					.orElseThrow();
				Records.send(servers, topic, 20, (i) -> "key-" + i);
				await().atMost(Duration.ofSeconds(60)).until(() -> worker.received.size() == 20);
				// Every record acknowledged: the start offsets reach the end, nothing lags.
				GroupLag caughtUp = ConsumerLagIntegrationTests.awaitGroup(monitor, topic,
						(group) -> group.offsetLag() == 0 && group.partitions().size() == 2);
				assertThat(caughtUp.partitions())
					.allSatisfy((partition) -> assertThat(partition.committedOffset()).isEqualTo(partition.endOffset()));
				assertThat(caughtUp.status()).isEqualTo(LagStatus.OK);

				MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class)
					.getListenerContainer("share-lag");
				container.stop();
				Records.send(servers, topic, 30, (i) -> "more-" + i);
				GroupLag behind = ConsumerLagIntegrationTests.awaitGroup(monitor, topic,
						(group) -> group.offsetLag() == 30);
				assertThat(behind.timeLagSeconds()).isPositive();
				assertThat(behind.partitions()).allSatisfy((partition) -> assertThat(partition.fromEarliest()).isFalse());

				container.start();
				ConsumerLagIntegrationTests.awaitGroup(monitor, topic, (group) -> group.offsetLag() == 0);
				assertThat(worker.received).hasSize(50);
			});
	}

	static class Worker {

		final Set<String> received = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "share-lag", topics = "${test.topic}", groupId = "${test.group}",
				containerFactory = "shareKafkaListenerContainerFactory")
		void work(ConsumerRecord<String, String> record) {
			this.received.add(record.key());
		}

	}

}
