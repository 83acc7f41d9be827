package io.github.kafkastarter.autoconfigure.membership;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupType;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One property switches every consumer of a client to Kafka 4's consumer group protocol
 * (KIP-848), static membership included: the starter then leaves the assignor to the
 * broker.
 */
class GroupProtocolIntegrationTests {

	@Test
	void listenersConsumeWithTheConsumerGroupProtocolAndAStaticInstanceId() {
		KafkaTopics.create(TestBrokers.shared().getBrokersAsString(), "kip848", 2, 1, Map.of());
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, AutoConfigs.PRODUCER,
						AutoConfigs.ERROR_HANDLING, GroupMembershipAutoConfiguration.class,
						AutoConfigs.POISON_PILLS))
			.withUserConfiguration(Listener.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
					"kafka.starter.producer.verify-durability=off", "kafka.starter.consumer.group-protocol=consumer",
					"kafka.starter.consumer.static-membership.enabled=true",
					"kafka.starter.consumer.static-membership.instance-id=pod-1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(KafkaTemplate.class).send("kip848", "k", "hello").get();
				Listener listener = context.getBean(Listener.class);
				ConsumerRecord<?, ?> record = listener.received.poll(60, java.util.concurrent.TimeUnit.SECONDS);
				assertThat(record).isNotNull();
				// Spring Kafka numbers each consumer of a container: -0, -1...
				assertThat(listener.instanceId).isEqualTo("application-pod-1-kip848-0");
				try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
						TestBrokers.shared().getBrokersAsString()))) {
					await().atMost(Duration.ofSeconds(30))
						.untilAsserted(() -> assertThat(admin.describeConsumerGroups(List.of("kip848"))
							.describedGroups()
							.get("kip848")
							.get()
							.type()).isEqualTo(GroupType.CONSUMER));
				}
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		final BlockingQueue<ConsumerRecord<?, ?>> received = new LinkedBlockingQueue<>();

		volatile String instanceId;

		@KafkaListener(id = "kip848", topics = "kip848", groupId = "kip848")
		void onRecord(ConsumerRecord<String, String> record, Consumer<?, ?> consumer) {
			this.instanceId = consumer.groupMetadata().groupInstanceId().orElse(null);
			this.received.add(record);
		}

	}

}
