package io.github.kafkastarter.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * {@code poison-pills}: the time a {@code @KafkaListener} record listener of the starter
 * takes to read N valid JSON records (default 10,000, one partition) with 100 records among
 * them that the JSON deserializer rejects, each sent to the dead-letter topic, against the
 * same N valid records alone. The raw client has no dead-letter handling to compare with:
 * the line is {@code RESULT poison-pills clean=<ms> poisoned=<ms> per100=<ms>}, per100 being
 * what 100 poison pills add (the median of the rounds).
 */
final class PoisonPillsScenario implements Scenario {

	static final String POISONED = "bench-poison";

	static final String CLEAN = "bench-poison-clean";

	static final int POISON = 100;

	private static final String JSON = "value.deserializer=org.springframework.kafka.support.serializer.JacksonJsonDeserializer";

	private static final String TYPE = "spring.json.value.default.type=io.github.kafkastarter.benchmarks.PoisonPillsScenario$Reading";

	@Override
	public String name() {
		return "poison-pills";
	}

	@Override
	public List<String> run(BenchmarkContext context) throws Exception {
		int records = (int) context.options().recordsOr(10_000);
		context.createTopic(POISONED, 1);
		context.createTopic(CLEAN, 1);
		produce(context, POISONED, records, true);
		produce(context, CLEAN, records, false);
		try (ConfigurableApplicationContext app = StarterApplication.start(context.bootstrapServers(),
				"spring.kafka.consumer.auto-offset-reset=earliest", "kafka.starter.producer.verify-durability=off",
				// One line per dead letter would time the console.
				"logging.level.io.github.kafkastarter.autoconfigure.errorhandling.DeadLetterRecoverer=error")) {
			Listeners listeners = app.getBean(Listeners.class);
			KafkaListenerEndpointRegistry registry = app.getBean(KafkaListenerEndpointRegistry.class);
			MessageListenerContainer poisoned = registry.getListenerContainer("bench-poison");
			MessageListenerContainer clean = registry.getListenerContainer("bench-poison-clean");
			// Warm-up, a full round each, not counted.
			consume(listeners, clean, records);
			consume(listeners, poisoned, records);
			List<Double> cleanMillis = new ArrayList<>();
			List<Double> poisonedMillis = new ArrayList<>();
			for (int round = 1; round <= context.options().rounds(); round++) {
				cleanMillis.add(consume(listeners, clean, records));
				poisonedMillis.add(consume(listeners, poisoned, records));
				System.out.printf(Locale.ROOT, "  round %d: clean=%.0f ms poisoned=%.0f ms%n", round,
						cleanMillis.get(round - 1), poisonedMillis.get(round - 1));
			}
			double cleanMedian = Benchmarks.median(cleanMillis);
			double poisonedMedian = Benchmarks.median(poisonedMillis);
			return List.of(String.format(Locale.ROOT, "RESULT poison-pills clean=%.0f poisoned=%.0f per100=%.0f",
					cleanMedian, poisonedMedian, (poisonedMedian - cleanMedian) * 100 / POISON));
		}
	}

	private static void produce(BenchmarkContext context, String topic, int records, boolean poison) {
		Map<String, Object> configs = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, context.bootstrapServers(),
				ProducerConfig.LINGER_MS_CONFIG, 20);
		int every = records / POISON;
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(configs, new ByteArraySerializer(),
				new ByteArraySerializer())) {
			for (int i = 0; i < records; i++) {
				producer.send(new ProducerRecord<>(topic,
						("{\"id\":" + i + ",\"item\":\"coffee beans\",\"quantity\":2}").getBytes(StandardCharsets.UTF_8)));
				if (poison && i % every == every / 2) {
					producer.send(new ProducerRecord<>(topic, ("not json " + i).getBytes(StandardCharsets.UTF_8)));
				}
			}
			producer.flush();
		}
	}

	// Timed from the first valid record to the last, so joining the group does not count.
	private static double consume(Listeners listeners, MessageListenerContainer container, int records)
			throws InterruptedException {
		CountDownLatch done = listeners.expect(records);
		container.start();
		if (!done.await(5, TimeUnit.MINUTES)) {
			throw new IllegalStateException("The listener did not receive " + records + " valid records");
		}
		container.stop();
		return (listeners.end - listeners.start) / 1e6;
	}

	/**
	 * A valid record.
	 *
	 * @param id its number
	 * @param item what
	 * @param quantity how many
	 */
	public record Reading(int id, String item, int quantity) {
	}

	/**
	 * The starter's listeners: started per round, they read their topic from the
	 * beginning.
	 */
	@Component
	static class Listeners implements ConsumerSeekAware {

		private final AtomicLong remaining = new AtomicLong();

		private volatile CountDownLatch done = new CountDownLatch(0);

		volatile long start;

		volatile long end;

		CountDownLatch expect(long records) {
			this.start = 0;
			this.remaining.set(records);
			this.done = new CountDownLatch(1);
			return this.done;
		}

		@Override
		public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
			callback.seekToBeginning(assignments.keySet());
		}

		@KafkaListener(id = "bench-poison", topics = POISONED, groupId = "bench-poison", autoStartup = "false",
				properties = { JSON, TYPE })
		void onPoisoned(Reading reading) {
			received();
		}

		@KafkaListener(id = "bench-poison-clean", topics = CLEAN, groupId = "bench-poison-clean",
				autoStartup = "false", properties = { JSON, TYPE })
		void onClean(Reading reading) {
			received();
		}

		private void received() {
			if (this.start == 0) {
				this.start = System.nanoTime();
			}
			if (this.remaining.decrementAndGet() == 0) {
				this.end = System.nanoTime();
				this.done.countDown();
			}
		}

	}

}
