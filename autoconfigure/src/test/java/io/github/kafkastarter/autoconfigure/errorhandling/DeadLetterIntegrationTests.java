package io.github.kafkastarter.autoconfigure.errorhandling;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A failing record is retried as configured and then goes to its dead-letter topic, which
 * is created like its source, with the record's original bytes and headers that tell what
 * failed; record and batch listeners alike.
 */
class DeadLetterIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.PRODUCER, ListenerErrorHandlingAutoConfiguration.class,
					AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS,
					AutoConfigs.DEDUPLICATION))
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"kafka.starter.producer.verify-durability=off", "kafka.starter.consumer.retry.backoff.delay=20ms",
				"kafka.starter.consumer.retry.backoff.max-delay=50ms");

	@Test
	void aFailingRecordIsRetriedThenDeadLetteredWithItsOriginalBytesAndWhatFailed() {
		String servers = TestBrokers.shared().getBrokersAsString();
		KafkaTopics.create(servers, "dl-orders", 3, 1, Map.of());
		this.runner.withUserConfiguration(RecordListener.class)
			.withPropertyValues("spring.kafka.consumer.value-deserializer=" + OrderDeserializer.class.getName(),
					"kafka.starter.consumer.listeners.dl-orders.retry.attempts=4",
					"kafka.starter.consumer.retry.not-retryable=java.lang.IllegalArgumentException",
					"kafka.starter.producer.record-ids=always")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
				template.send("dl-orders", 1, "k1", "o-1:2").get();
				template.send("dl-orders", 1, "k2", "o-2:-1").get();
				template.send("dl-orders", 1, "k3", "o-3:0").get();
				template.send("dl-orders", 1, "k4", "o-4:5").get();
				RecordListener listener = context.getBean(RecordListener.class);
				await().atMost(Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(listener.processed).containsExactlyInAnyOrder("o-1", "o-4"));
				List<ConsumerRecord<byte[], byte[]>> dead = KafkaTopics.awaitRecords(servers, "dl-orders.DLT", 2);
				// Retryable: 4 deliveries in all; not retryable: 1.
				assertThat(listener.attempts).containsEntry("o-2", 4).containsEntry("o-3", 1);
				ConsumerRecord<byte[], byte[]> failed = dead.stream()
					.filter((record) -> "k2".equals(new String(record.key(), StandardCharsets.UTF_8)))
					.findFirst()
					.orElseThrow();
				// The value the listener saw was an Order object: the bytes are read back.
				assertThat(new String(failed.value(), StandardCharsets.UTF_8)).isEqualTo("o-2:-1");
				assertThat(failed.partition()).isEqualTo(1);
				assertThat(KafkaTopics.header(failed, KafkaHeaders.DLT_EXCEPTION_FQCN))
					.isEqualTo("org.springframework.kafka.listener.ListenerExecutionFailedException");
				assertThat(KafkaTopics.header(failed, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN))
					.isEqualTo(IllegalStateException.class.getName());
				assertThat(KafkaTopics.header(failed, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("negative quantity");
				assertThat(KafkaTopics.header(failed, KafkaHeaders.DLT_EXCEPTION_STACKTRACE)).contains("RecordListener.onOrder");
				assertThat(KafkaTopics.header(failed, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo("dl-orders");
				assertThat(failed.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION)).isNotNull();
				assertThat(failed.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)).isNotNull();
				assertThat(failed.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP)).isNotNull();
				assertThat(KafkaTopics.header(failed, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP)).isEqualTo("dl-orders");
				// The producer's record id travels with the record.
				assertThat(failed.headers().lastHeader("record-id")).isNotNull();
				// Created like its source.
				assertThat(KafkaTopics.describe(servers, "dl-orders.DLT").partitions()).hasSize(3);
			});
	}

	@Test
	void aBatchListenerNamesTheFailedRecordAndTheRestOfTheBatchIsProcessed() {
		String servers = TestBrokers.shared().getBrokersAsString();
		KafkaTopics.create(servers, "dl-batch", 1, 1, Map.of());
		this.runner.withUserConfiguration(BatchListener.class)
			.withPropertyValues("kafka.starter.consumer.retry.attempts=2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
				for (int i = 0; i < 20; i++) {
					template.send("dl-batch", "k" + i, (i == 7) ? "bad-7" : "good-" + i);
				}
				template.flush();
				BatchListener listener = context.getBean(BatchListener.class);
				await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(listener.processed).hasSize(19));
				assertThat(listener.processed).doesNotContain("bad-7").doesNotHaveDuplicates();
				List<ConsumerRecord<byte[], byte[]>> dead = KafkaTopics.awaitRecords(servers, "dl-batch.DLT", 1);
				assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("bad-7");
				assertThat(KafkaTopics.header(dead.get(0), KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("bad record");
			});
	}

	/**
	 * An order, as a deserializer of the application makes it: not bytes, not a string.
	 */
	record Order(String id, int quantity) {

	}

	/**
	 * Reads {@code id:quantity}.
	 */
	public static class OrderDeserializer implements Deserializer<Order> {

		@Override
		public Order deserialize(String topic, byte[] data) {
			String[] parts = new String(data, StandardCharsets.UTF_8).split(":");
			return new Order(parts[0], Integer.parseInt(parts[1]));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordListener {

		final Set<String> processed = ConcurrentHashMap.newKeySet();

		final Map<String, Integer> attempts = new ConcurrentHashMap<>();

		@KafkaListener(id = "dl-orders", topics = "dl-orders")
		void onOrder(Order order) {
			this.attempts.merge(order.id(), 1, Integer::sum);
			if (order.quantity() < 0) {
				throw new IllegalStateException("Order " + order.id() + " has a negative quantity");
			}
			if (order.quantity() == 0) {
				throw new IllegalArgumentException("Order " + order.id() + " is empty");
			}
			this.processed.add(order.id());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BatchListener {

		final ConcurrentLinkedQueue<String> processed = new ConcurrentLinkedQueue<>();

		final AtomicInteger batches = new AtomicInteger();

		@KafkaListener(id = "dl-batch", topics = "dl-batch", batch = "true")
		void onBatch(List<ConsumerRecord<String, String>> records) {
			this.batches.incrementAndGet();
			for (ConsumerRecord<String, String> record : records) {
				if (record.value().startsWith("bad")) {
					throw new BatchListenerFailedException("bad record " + record.value(), record);
				}
				this.processed.add(record.value());
			}
		}

	}

}
