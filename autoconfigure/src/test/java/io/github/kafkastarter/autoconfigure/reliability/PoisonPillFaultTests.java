package io.github.kafkastarter.autoconfigure.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault test: 10,000 records of which 1% are garbage. Every valid record is processed, by
 * a record listener and by a batch listener; every garbage record lands in the
 * dead-letter topic, once per group, with its original bytes and headers that say why;
 * both containers keep running.
 */
class PoisonPillFaultTests {

	private static final String TOPIC = "poison";

	private static final int RECORDS = 10_000;

	@Test
	void poisonPillsGoToTheDeadLetterTopicAndEveryValidRecordIsProcessed() throws Exception {
		String servers = TestBrokers.shared().getBrokersAsString();
		KafkaTopics.create(servers, TOPIC, 4, 1, Map.of());
		Map<String, byte[]> garbage = produce(servers);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, AutoConfigs.PRODUCER,
						AutoConfigs.ERROR_HANDLING, AutoConfigs.MEMBERSHIP,
						AutoConfigs.POISON_PILLS,
					AutoConfigs.DEDUPLICATION))
			.withUserConfiguration(Listeners.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(),
					"spring.kafka.consumer.auto-offset-reset=earliest",
					"spring.kafka.consumer.value-deserializer=" + IntegerDeserializer.class.getName(),
					"kafka.starter.producer.verify-durability=off")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Listeners listeners = context.getBean(Listeners.class);
				await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
					assertThat(listeners.byRecord).hasSize(RECORDS - garbage.size());
					assertThat(listeners.byBatch).hasSize(RECORDS - garbage.size());
				});
				List<ConsumerRecord<byte[], byte[]>> dead = KafkaTopics.awaitRecords(servers,
						TOPIC + ".DLT", 2 * garbage.size());
				Map<String, Integer> perGroup = new HashMap<>();
				for (ConsumerRecord<byte[], byte[]> record : dead) {
					String key = new String(record.key(), StandardCharsets.UTF_8);
					assertThat(record.value()).as("original bytes of %s", key).isEqualTo(garbage.get(key));
					String group = KafkaTopics.header(record, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP);
					perGroup.merge(group, 1, Integer::sum);
					assertThat(KafkaTopics.header(record, KafkaHeaders.DLT_EXCEPTION_FQCN)
							+ KafkaTopics.header(record, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN))
						.contains("DeserializationException");
					assertThat(KafkaTopics.header(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE))
						.isNotBlank();
					assertThat(KafkaTopics.header(record, KafkaHeaders.DLT_EXCEPTION_STACKTRACE))
						.isNotBlank();
					assertThat(KafkaTopics.header(record, KafkaHeaders.DLT_ORIGINAL_TOPIC))
						.isEqualTo(TOPIC);
					assertThat(record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION)).isNotNull();
					assertThat(record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)).isNotNull();
					assertThat(record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP)).isNotNull();
					// Deserialization failures are not retried.
					assertThat(record.headers().lastHeader("springDeserializerExceptionValue")).isNull();
				}
				assertThat(perGroup).containsEntry("poison-record", garbage.size())
					.containsEntry("poison-batch", garbage.size());
				KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
				assertThat(registry.getListenerContainer("poison-record").isRunning()).isTrue();
				assertThat(registry.getListenerContainer("poison-batch").isRunning()).isTrue();
				assertThat(listeners.attempts.get()).isEqualTo(2L * (RECORDS - garbage.size()));
				System.out.printf("FAULT poison-pills: sent=%d garbage=%d processed(record)=%d processed(batch)=%d "
						+ "dead-lettered=%d duplicates=0 containers-running=true%n", RECORDS, garbage.size(),
						listeners.byRecord.size(), listeners.byBatch.size(), dead.size());
			});
	}

	private static Map<String, byte[]> produce(String servers) throws Exception {
		Map<String, byte[]> garbage = new HashMap<>();
		Random random = new Random(42);
		IntegerSerializer integers = new IntegerSerializer();
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ProducerConfig.LINGER_MS_CONFIG, 10),
				new ByteArraySerializer(), new ByteArraySerializer())) {
			for (int i = 0; i < RECORDS; i++) {
				String key = "k" + i;
				byte[] value;
				if (i % 100 == 42) {
					// Not 4 bytes: IntegerDeserializer refuses it.
					value = new byte[7];
					random.nextBytes(value);
					garbage.put(key, value);
				}
				else {
					value = integers.serialize(TOPIC, i);
				}
				producer.send(new ProducerRecord<>(TOPIC, key.getBytes(StandardCharsets.UTF_8), value));
			}
			producer.flush();
		}
		assertThat(garbage).hasSize(RECORDS / 100);
		assertThat(garbage.values()).allSatisfy((bytes) -> assertThat(Arrays.toString(bytes)).isNotEmpty());
		return garbage;
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final Set<Integer> byRecord = ConcurrentHashMap.newKeySet();

		final Set<Integer> byBatch = ConcurrentHashMap.newKeySet();

		final AtomicLong attempts = new AtomicLong();

		@KafkaListener(id = "poison-record", topics = TOPIC, groupId = "poison-record")
		void onRecord(Integer value) {
			this.attempts.incrementAndGet();
			assertThat(value).isNotNull();
			this.byRecord.add(value);
		}

		@KafkaListener(id = "poison-batch", topics = TOPIC, groupId = "poison-batch", batch = "true")
		void onBatch(List<ConsumerRecord<String, Integer>> records) {
			for (ConsumerRecord<String, Integer> record : records) {
				this.attempts.incrementAndGet();
				assertThat(record.value()).isNotNull();
				this.byBatch.add(record.value());
			}
		}

	}

}
