package io.github.kafkastarter.autoconfigure.groupactivity;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.kafkastarter.autoconfigure.parallel.ParallelListener;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rebalance watcher wraps the listener a container already has instead of replacing
 * it: the application's own rebalance listener and the parallel engine's (which commits
 * the watermark of revoked partitions) keep being called, on a real broker.
 */
class RebalanceListenerCompositionTests {

	private static final String SERVERS = TestBrokers.shared().getBrokersAsString();

	@Test
	void theApplicationsAndTheParallelEnginesRebalanceListenersKeepWorking() {
		String topic = "composed-rebalances";
		Records.createTopic(SERVERS, topic, 2);
		Records.send(SERVERS, topic, 200, (i) -> "key-" + (i % 20));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
					AutoConfigs.PARALLEL, GroupActivityAutoConfiguration.class))
			.withUserConfiguration(ParallelWithOwnRebalanceListener.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
					"test.topic=" + topic)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ParallelWithOwnRebalanceListener app = context.getBean(ParallelWithOwnRebalanceListener.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> app.processed.size() == 200);
				assertThat(app.assigned).containsExactlyInAnyOrder(new TopicPartition(topic, 0),
						new TopicPartition(topic, 1));
				assertThat(RebalanceStormIntegrationTests.report(context, topic).rebalances()).isPositive();
				// Stopping revokes the partitions: the parallel engine commits what it finished,
				// the application's listener is told.
				context.getBean(org.springframework.kafka.config.KafkaListenerEndpointRegistry.class)
					.getListenerContainer("composed")
					.stop();
				assertThat(app.revoked).hasSize(2);
				assertThat(Records.committed(SERVERS, topic)).isEqualTo(Records.endOffsets(SERVERS, topic, 2));
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class ParallelWithOwnRebalanceListener {

		final Set<String> processed = ConcurrentHashMap.newKeySet();

		final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

		final Set<TopicPartition> revoked = ConcurrentHashMap.newKeySet();

		@Bean
		ConcurrentKafkaListenerContainerFactory<Object, Object> kafkaListenerContainerFactory(
				ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<Object, Object> consumers) {
			ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
			configurer.configure(factory, consumers);
			ConsumerRebalanceListener own = new ConsumerAwareRebalanceListener() {

				@Override
				public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
					ParallelWithOwnRebalanceListener.this.assigned.addAll(partitions);
				}

				@Override
				public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
					ParallelWithOwnRebalanceListener.this.revoked.addAll(partitions);
				}

			};
			factory.getContainerProperties().setConsumerRebalanceListener(own);
			return factory;
		}

		@KafkaListener(id = "composed", topics = "${test.topic}", groupId = "${test.topic}")
		@ParallelListener(concurrency = 8)
		void onRecord(ConsumerRecord<String, String> record) {
			this.processed.add(record.partition() + "@" + record.offset());
		}

	}

}
