package io.github.kafkastarter.autoconfigure.poisonpill;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 100 records the JSON deserializer rejects, among 2,000 valid ones: each is dead-lettered
 * on its first delivery without sending the consumer back to the broker for the records
 * behind it (every record is fetched once), so together they cost about what their dead
 * letters take to send, not up to half a second each (the consumer waiting out
 * {@code fetch.max.wait.ms} after every seek: 17 to 50 s in all before).
 */
class PoisonPillStallTests {

	private static final int VALID = 2_000;

	private static final int POISON = 100;

	@Test
	void hundredPoisonPillsDelayTheValidRecordsBehindThemByMillisecondsNotSeconds() throws Exception {
		String servers = TestBrokers.shared().getBrokersAsString();
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String poisoned = "poison-stall-" + suffix;
		String clean = "poison-stall-clean-" + suffix;
		// One partition: a seek there leaves the consumer nothing else to fetch while it waits.
		KafkaTopics.create(servers, poisoned, 1, 1, Map.of());
		KafkaTopics.create(servers, clean, 1, 1, Map.of());
		produce(servers, poisoned, true);
		produce(servers, clean, false);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, AutoConfigs.PRODUCER,
						AutoConfigs.ERROR_HANDLING, AutoConfigs.MEMBERSHIP,
						AutoConfigs.POISON_PILLS))
			.withUserConfiguration(Listeners.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "test.poisoned=" + poisoned,
					"test.clean=" + clean, "test.suffix=" + suffix,
					"spring.kafka.consumer.auto-offset-reset=earliest",
					"spring.kafka.consumer.value-deserializer=" + JacksonJsonDeserializer.class.getName(),
					"spring.kafka.consumer.properties.spring.json.value.default.type=" + Reading.class.getName(),
					"spring.kafka.consumer.properties.spring.json.trusted.packages=*",
					"kafka.starter.producer.verify-durability=off")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Listeners listeners = context.getBean(Listeners.class);
				await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
					assertThat(listeners.byRecord.seen).hasSize(VALID);
					assertThat(listeners.byBatch.seen).hasSize(VALID);
					assertThat(listeners.clean.seen).hasSize(VALID);
				});
				List<ConsumerRecord<byte[], byte[]>> dead = KafkaTopics.awaitRecords(servers, poisoned + ".DLT",
						2 * POISON);
				Map<String, Set<String>> perGroup = new HashMap<>();
				for (ConsumerRecord<byte[], byte[]> record : dead) {
					String group = KafkaTopics.header(record, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP);
					String origin = ByteBuffer.wrap(record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION).value())
						.getInt() + "@"
							+ ByteBuffer.wrap(record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET).value())
								.getLong();
					assertThat(perGroup.computeIfAbsent(group, (g) -> new HashSet<>()).add(origin))
						.as("%s dead-lettered once by %s", origin, group)
						.isTrue();
					assertThat(new String(record.value(), StandardCharsets.UTF_8)).startsWith("not json");
				}
				assertThat(dead).hasSize(2 * POISON);
				assertThat(perGroup.get("poison-stall-record-" + suffix)).hasSize(POISON);
				assertThat(perGroup.get("poison-stall-batch-" + suffix)).hasSize(POISON);
				// Every record was fetched once: none was fetched again after a seek.
				KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
				assertThat(recordsFetched(registry, "poison-stall-record")).isEqualTo((double) (VALID + POISON));
				assertThat(recordsFetched(registry, "poison-stall-batch")).isEqualTo((double) (VALID + POISON));
				double record = listeners.byRecord.seconds();
				double batch = listeners.byBatch.seconds();
				double baseline = listeners.clean.seconds();
				System.out.printf("poison-pills: %d valid records with %d poison pills among them: record listener "
						+ "%.2f s, batch listener %.2f s; without poison pills %.2f s: %.2f s per 100 poison pills "
						+ "(record listener)%n", VALID, POISON, record, batch, baseline,
						(record - baseline) * 100 / POISON);
				// What is left is one dead letter sent and acknowledged per poison pill: well under
				// a second on an idle machine, up to 10 s on a loaded 2-core one. Before, the
				// record listener took 17 s (loaded) to 50 s (idle) more.
				assertThat(record - baseline).isLessThan(15);
				assertThat(batch - baseline).isLessThan(15);
			});
	}

	private static double recordsFetched(KafkaListenerEndpointRegistry registry, String listenerId) {
		double fetched = 0;
		for (Map<MetricName, ? extends Metric> metrics : registry.getListenerContainer(listenerId).metrics().values()) {
			for (Map.Entry<MetricName, ? extends Metric> metric : metrics.entrySet()) {
				MetricName name = metric.getKey();
				if (name.group().equals("consumer-fetch-manager-metrics") && name.name().equals("records-consumed-total")
						&& !name.tags().containsKey("topic")) {
					fetched += (Double) metric.getValue().metricValue();
				}
			}
		}
		return fetched;
	}

	private static void produce(String servers, String topic, boolean poison) {
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ProducerConfig.LINGER_MS_CONFIG, 5),
				new ByteArraySerializer(), new ByteArraySerializer())) {
			int every = VALID / POISON;
			for (int i = 0; i < VALID; i++) {
				byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
				producer.send(new ProducerRecord<>(topic, key,
						("{\"id\":\"r" + i + "\",\"value\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
				if (poison && i % every == every / 2) {
					producer.send(new ProducerRecord<>(topic, key, ("not json " + i).getBytes(StandardCharsets.UTF_8)));
				}
			}
			producer.flush();
		}
	}

	record Reading(String id, int value) {

	}

	/**
	 * What one listener received: distinct valid records, and when the first and the last
	 * of them arrived (the time the group took to join is not counted).
	 */
	static final class Progress {

		final Set<String> seen = ConcurrentHashMap.newKeySet();

		private final AtomicLong first = new AtomicLong();

		private volatile long last;

		void add(Reading reading) {
			this.first.compareAndSet(0, System.nanoTime());
			if (this.seen.add(reading.id()) && this.seen.size() == VALID) {
				this.last = System.nanoTime();
			}
		}

		double seconds() {
			return (this.last - this.first.get()) / 1e9;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final Progress byRecord = new Progress();

		final Progress byBatch = new Progress();

		final Progress clean = new Progress();

		@KafkaListener(id = "poison-stall-record", topics = "${test.poisoned}",
				groupId = "poison-stall-record-${test.suffix}")
		void onRecord(Reading reading) {
			this.byRecord.add(reading);
		}

		@KafkaListener(id = "poison-stall-batch", topics = "${test.poisoned}",
				groupId = "poison-stall-batch-${test.suffix}", batch = "true")
		void onBatch(List<Reading> readings) {
			readings.forEach(this.byBatch::add);
		}

		@KafkaListener(id = "poison-stall-clean", topics = "${test.clean}", groupId = "poison-stall-clean-${test.suffix}")
		void onClean(Reading reading) {
			this.clean.add(reading);
		}

	}

}
