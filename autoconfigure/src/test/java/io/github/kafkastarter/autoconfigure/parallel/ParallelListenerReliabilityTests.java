package io.github.kafkastarter.autoconfigure.parallel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkastarter.autoconfigure.dedup.Deduplicated;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Parallel listeners with the starter's reliability defaults: retries and dead letters, a
 * record that cannot be deserialized, and deduplication, on a real broker.
 */
class ParallelListenerReliabilityTests {

	static final String SERVERS = TestBrokers.shared().getBrokersAsString();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.INTERCEPTORS, AutoConfigs.PRODUCER,
					AutoConfigs.ERROR_HANDLING, AutoConfigs.MEMBERSHIP,
					AutoConfigs.POISON_PILLS,
				AutoConfigs.DEDUPLICATION, ParallelListenerAutoConfiguration.class))
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"kafka.starter.producer.verify-durability=off", "kafka.starter.consumer.retry.backoff.delay=20ms",
				"kafka.starter.consumer.retry.backoff.max-delay=50ms");

	@Test
	void failingAndUnreadableRecordsOfAParallelListenerGoToTheDeadLetterTopicAndTheRestFlows() {
		String topic = "parallel-dlt-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 2);
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Records.producerConfig(SERVERS), new ByteArraySerializer(),
				new ByteArraySerializer())) {
			for (int i = 0; i < 500; i++) {
				byte[] value = (i == 100) ? new byte[] { 1, 2, 3 } // not an int: cannot be deserialized
						: ByteBuffer.allocate(4).putInt(i).array();
				producer.send(new ProducerRecord<>(topic, ("key-" + (i % 20)).getBytes(StandardCharsets.UTF_8), value));
			}
		}
		this.runner.withUserConfiguration(FailingListener.class)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"spring.kafka.consumer.value-deserializer="
							+ org.apache.kafka.common.serialization.IntegerDeserializer.class.getName(),
					"kafka.starter.parallel.listeners.failing.concurrency=8")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				FailingListener listener = context.getBean(FailingListener.class);
				List<ConsumerRecord<byte[], byte[]>> dead = KafkaTopics.awaitRecords(SERVERS,
						topic + ".DLT", 2);
				await().atMost(Duration.ofSeconds(60)).until(() -> listener.processed.size() == 498);
				assertThat(dead).hasSize(2);
				ConsumerRecord<byte[], byte[]> failed = dead.stream()
					.filter((record) -> KafkaTopics.header(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE)
						.contains("cannot take 200"))
					.findFirst()
					.orElseThrow();
				assertThat(ByteBuffer.wrap(failed.value()).getInt()).isEqualTo(200);
				// Retried (3 deliveries by default) before it was dead-lettered.
				assertThat(listener.attemptsOf200).hasValue(3);
				ConsumerRecord<byte[], byte[]> unreadable = dead.stream()
					.filter((record) -> record != failed)
					.findFirst()
					.orElseThrow();
				assertThat(unreadable.value()).containsExactly(1, 2, 3);
				assertThat(listener.orderViolations).hasValue(0);
			});
	}

	@Test
	void aDeduplicatedParallelListenerProcessesARecordSentTwiceOnce() {
		String topic = "parallel-dedup-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 2);
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Records.producerConfig(SERVERS), new ByteArraySerializer(),
				new ByteArraySerializer())) {
			for (int i = 0; i < 200; i++) {
				// Every order sent twice with the same record id, as a retrying caller would.
				for (int copy = 0; copy < 2; copy++) {
					ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
							("key-" + (i % 10)).getBytes(StandardCharsets.UTF_8),
							Integer.toString(i).getBytes(StandardCharsets.UTF_8));
					record.headers().add("record-id", ("order-" + i).getBytes(StandardCharsets.UTF_8));
					producer.send(record);
				}
			}
		}
		this.runner.withUserConfiguration(DeduplicatedListener.class)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.dedup.concurrency=8")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DeduplicatedListener listener = context.getBean(DeduplicatedListener.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> listener.effects.get() >= 200
						&& context.getBean(ParallelListeners.class).get("dedup").orElseThrow().finished() == 400);
				assertThat(listener.effects).hasValue(200);
				assertThat(listener.values).hasSize(200);
			});
	}

	static class FailingListener {

		final Set<Integer> processed = ConcurrentHashMap.newKeySet();

		final Map<String, Long> lastOffset = new ConcurrentHashMap<>();

		final AtomicInteger orderViolations = new AtomicInteger();

		final AtomicInteger attemptsOf200 = new AtomicInteger();

		@KafkaListener(id = "failing", topics = "${test.topic}", idIsGroup = false)
		void onRecord(ConsumerRecord<String, Integer> record) {
			String key = record.partition() + "/" + record.key();
			Long previous = this.lastOffset.get(key);
			if (previous != null && previous >= record.offset()) {
				this.orderViolations.incrementAndGet();
			}
			if (record.value() == 200) {
				this.attemptsOf200.incrementAndGet();
				throw new IllegalStateException("cannot take 200");
			}
			this.lastOffset.put(key, record.offset());
			this.processed.add(record.value());
		}

	}

	static class DeduplicatedListener {

		final AtomicInteger effects = new AtomicInteger();

		final Set<String> values = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "dedup", topics = "${test.topic}", idIsGroup = false)
		@Deduplicated
		void onRecord(String value) {
			this.effects.incrementAndGet();
			this.values.add(value);
		}

	}

}
