package io.github.kafkastarter.autoconfigure.poisonpill;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer factory whose supplier makes a new deserializer for every consumer, each
 * wrapped in an {@code ErrorHandlingDeserializer} as the start-up report asks: the starter
 * leaves the supplier as it is, every consumer deserializes with its own instance, and a
 * record that cannot be deserialized goes to the dead-letter topic instead of stopping
 * the container.
 */
class PerConsumerDeserializerTests {

	private static final String TOPIC = "per-consumer-deserializers";

	private static final int RECORDS = 40;

	@Test
	void eachConsumerGetsItsOwnWrappedDeserializerAndPoisonPillsAreDeadLettered() throws Exception {
		String servers = TestBrokers.shared().getBrokersAsString();
		KafkaTopics.create(servers, TOPIC, 2, 1, Map.of());
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, AutoConfigs.PRODUCER, AutoConfigs.ERROR_HANDLING, AutoConfigs.MEMBERSHIP,
					AutoConfigs.POISON_PILLS))
			.withUserConfiguration(Listener.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
					"spring.kafka.listener.concurrency=2", "kafka.starter.producer.verify-durability=off")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DefaultKafkaConsumerFactory<?, ?> factory = context.getBean(DefaultKafkaConsumerFactory.class);
				assertThat(factory.getValueDeserializer()).isInstanceOf(ErrorHandlingDeserializer.class)
					.isNotSameAs(factory.getValueDeserializer());
				// Both consumers hold a partition before the records come: the first to join
				// could otherwise read them all.
				var container = (org.springframework.kafka.listener.ConcurrentMessageListenerContainer<?, ?>) context
					.getBean(KafkaListenerEndpointRegistry.class)
					.getListenerContainer("per-consumer");
				await().atMost(Duration.ofMinutes(1))
					.until(() -> container.getContainers().stream()
						.allMatch((child) -> child.getAssignedPartitions() != null
								&& child.getAssignedPartitions().size() == 1));
				Map<String, byte[]> garbage = produce(servers);
				Listener listener = context.getBean(Listener.class);
				await().atMost(Duration.ofMinutes(1))
					.untilAsserted(() -> assertThat(listener.values).hasSize(RECORDS - garbage.size()));
				List<ConsumerRecord<byte[], byte[]>> dead = KafkaTopics.awaitRecords(servers, TOPIC + ".DLT",
						garbage.size());
				for (ConsumerRecord<byte[], byte[]> record : dead) {
					String key = new String(record.key(), StandardCharsets.UTF_8);
					assertThat(record.value()).as("original bytes of %s", key).isEqualTo(garbage.get(key));
				}
				// Each garbage record was never handed to the listener, so never retried.
				assertThat(listener.calls.get()).isEqualTo(RECORDS - garbage.size());
				assertThat(context.getBean(KafkaListenerEndpointRegistry.class)
					.getListenerContainer("per-consumer")
					.isRunning()).isTrue();
				Map<Deserializer<?>, Set<String>> threads = ThreadRecordingDeserializer.threads;
				assertThat(threads).as("deserializers that read records").hasSizeGreaterThanOrEqualTo(2);
				assertThat(threads.values()).as("threads per deserializer").allSatisfy((names) -> assertThat(names)
					.hasSize(1));
				System.out.printf("FAULT per-consumer-deserializers: sent=%d garbage=%d processed=%d "
						+ "dead-lettered=%d deserializers=%d%n", RECORDS, garbage.size(), listener.values.size(),
						dead.size(), threads.size());
			});
	}

	private static Map<String, byte[]> produce(String servers) throws Exception {
		Map<String, byte[]> garbage = new HashMap<>();
		IntegerSerializer integers = new IntegerSerializer();
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), new ByteArraySerializer(),
				new ByteArraySerializer())) {
			for (int i = 0; i < RECORDS; i++) {
				String key = "k" + i;
				// Not 4 bytes: IntegerDeserializer refuses it.
				byte[] value = (i % 10 == 3) ? new byte[] { 1, 2, 3, 4, 5, 6, (byte) i } : integers.serialize(TOPIC, i);
				if (value.length != 4) {
					garbage.put(key, value);
				}
				producer.send(new ProducerRecord<>(TOPIC, key.getBytes(StandardCharsets.UTF_8), value));
			}
			producer.flush();
		}
		return garbage;
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		final Set<Integer> values = ConcurrentHashMap.newKeySet();

		final AtomicInteger calls = new AtomicInteger();

		@Bean
		@SuppressWarnings({ "unchecked", "rawtypes" })
		DefaultKafkaConsumerFactoryCustomizer newDeserializerForEveryConsumer() {
			return (factory) -> ((DefaultKafkaConsumerFactory<Object, Object>) factory).setValueDeserializerSupplier(
					() -> (Deserializer) new ErrorHandlingDeserializer<>(new ThreadRecordingDeserializer()));
		}

		@KafkaListener(id = "per-consumer", topics = TOPIC, groupId = "per-consumer")
		void onRecord(Integer value) {
			this.calls.incrementAndGet();
			this.values.add(value);
		}

	}

	/**
	 * Records which threads each instance deserializes on: one consumer, one thread.
	 */
	static class ThreadRecordingDeserializer extends IntegerDeserializer {

		static final Map<Deserializer<?>, Set<String>> threads = new ConcurrentHashMap<>();

		@Override
		public Integer deserialize(String topic, byte[] data) {
			threads.computeIfAbsent(this, (key) -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName());
			return super.deserialize(topic, data);
		}

	}

}
