package io.github.kafkastarter.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * {@code consume} and {@code consume-batch}: the same records read by a
 * {@code @KafkaListener} of the starter (record or batch), by the same listener with Spring
 * Boot's Kafka support alone (the same interceptor, as a class name), and by a raw
 * {@code KafkaConsumer} poll loop with the same consumer settings that, like the
 * container, commits after each poll; interleaved. Starter ÷ Boot is what the starter
 * itself costs a listener; starter ÷ raw is what the application gets against the bare
 * client.
 */
final class ConsumeScenario implements Scenario {

	static final String TOPIC = "bench-consume";

	// The listener container's default poll timeout, so both sides poll alike.
	private static final Duration POLL_TIMEOUT = Duration.ofMillis(ContainerProperties.DEFAULT_POLL_TIMEOUT);

	private static boolean produced;

	private final boolean batch;

	private long blackhole;

	private long processedAt;

	ConsumeScenario(boolean batch) {
		this.batch = batch;
	}

	@Override
	public String name() {
		return this.batch ? "consume-batch" : "consume";
	}

	@Override
	public List<String> run(BenchmarkContext context) throws Exception {
		long records = context.options().recordsOr(1_000_000);
		produceOnce(context, records);
		String[] consumer = { "spring.kafka.consumer.key-deserializer=" + ByteArrayDeserializer.class.getName(),
				"spring.kafka.consumer.value-deserializer=" + ByteArrayDeserializer.class.getName(),
				"spring.kafka.consumer.auto-offset-reset=earliest" };
		String[] bootConsumer = Arrays.copyOf(consumer, consumer.length + 1);
		// Boot applies no interceptor bean to its consumers: the same one by class name.
		bootConsumer[consumer.length] = "spring.kafka.consumer.properties.interceptor.classes="
				+ CountingInterceptor.class.getName();
		try (ConfigurableApplicationContext app = StarterApplication.start(context.bootstrapServers(), consumer);
				ConfigurableApplicationContext bootOnly = StarterApplication
					.startWithoutStarter(context.bootstrapServers(), bootConsumer)) {
			String id = this.batch ? "bench-batch" : "bench-record";
			Listeners listeners = app.getBean(Listeners.class);
			MessageListenerContainer container = app.getBean(KafkaListenerEndpointRegistry.class)
				.getListenerContainer(id);
			Listeners bootListeners = bootOnly.getBean(Listeners.class);
			MessageListenerContainer bootContainer = bootOnly.getBean(KafkaListenerEndpointRegistry.class)
				.getListenerContainer(id);
			Map<String, Object> rawConfigs = new HashMap<>(
					app.getBean(DefaultKafkaConsumerFactory.class).getConfigurationProperties());
			rawConfigs.keySet().removeIf((key) -> key.startsWith("kafka.starter."));
			// The same interceptor, the way Kafka alone applies one.
			rawConfigs.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, CountingInterceptor.class.getName());
			rawConfigs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
			rawConfigs.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-raw");
			// Warm-up, a full round each, not counted.
			consumeRaw(rawConfigs, records);
			consumeStarter(bootListeners, bootContainer, records);
			consumeStarter(listeners, container, records);
			List<Double> rawRates = new ArrayList<>();
			List<Double> bootRates = new ArrayList<>();
			List<Double> starterRates = new ArrayList<>();
			for (int round = 1; round <= context.options().rounds(); round++) {
				// Each side goes first, second and last equally often.
				for (int turn = 0; turn < 3; turn++) {
					switch ((round + turn) % 3) {
						case 0 -> rawRates.add(consumeRaw(rawConfigs, records));
						case 1 -> bootRates.add(consumeStarter(bootListeners, bootContainer, records));
						default -> starterRates.add(consumeStarter(listeners, container, records));
					}
				}
				System.out.printf("  round %d: raw=%s boot=%s starter=%s starter/boot=%.3f%n", round,
						Benchmarks.format(rawRates.get(round - 1)), Benchmarks.format(bootRates.get(round - 1)),
						Benchmarks.format(starterRates.get(round - 1)),
						starterRates.get(round - 1) / bootRates.get(round - 1));
			}
			checkLatencyTimed(app);
			return List.of(Benchmarks.result(name(), rawRates, starterRates),
					String.format(Locale.ROOT, "RESULT %s-vs-boot boot=%s starter=%s ratio=%s", name(),
							Benchmarks.format(Benchmarks.median(bootRates)),
							Benchmarks.format(Benchmarks.median(starterRates)),
							Benchmarks.Estimate.of(Benchmarks.ratios(starterRates, bootRates))),
					String.format(Locale.ROOT, "INFO %s: boot/raw=%s", name(),
							Benchmarks.Estimate.of(Benchmarks.ratios(bootRates, rawRates))));
		}
	}

	// The starter's side is measured as applications get it: every record timed.
	private void checkLatencyTimed(ConfigurableApplicationContext app) {
		Timer latency = app.getBean(MeterRegistry.class)
			.find("kafka.consumer.e2e.latency")
			.tag("group", this.batch ? "bench-starter-batch" : "bench-starter-record")
			.timer();
		if (latency == null || latency.count() == 0) {
			throw new IllegalStateException("The starter's records were not timed by kafka.consumer.e2e.latency");
		}
		System.out.printf("  kafka.consumer.e2e.latency timed %d records of the starter's listener%n", latency.count());
	}

	private static synchronized void produceOnce(BenchmarkContext context, long records) throws Exception {
		if (produced) {
			return;
		}
		context.createTopic(TOPIC, 4);
		byte[] payload = new byte[100];
		Map<String, Object> configs = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, context.bootstrapServers(),
				ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262144);
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(configs, new ByteArraySerializer(),
				new ByteArraySerializer())) {
			for (long i = 0; i < records; i++) {
				producer.send(new ProducerRecord<>(TOPIC, payload));
			}
			producer.flush();
		}
		produced = true;
	}

	// Both sides are timed from their first record to their last, so that neither joining
	// the group nor leaving it (the same protocol for both) blurs the throughput: the
	// container is stopped after its clock stops, and closing the consumer here (about half
	// a second, which the raw side used to be timed with) is not timed either.
	private double consumeRaw(Map<String, Object> configs, long records) {
		long start = 0;
		long end;
		long count = 0;
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(configs, new ByteArrayDeserializer(),
				new ByteArrayDeserializer())) {
			consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {

				@Override
				public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
				}

				@Override
				public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
					consumer.seekToBeginning(partitions);
				}

			});
			while (count < records) {
				ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL_TIMEOUT);
				if (start == 0 && !polled.isEmpty()) {
					start = System.nanoTime();
				}
				count += process(consumer, polled);
			}
			end = this.processedAt;
		}
		return records / ((end - start) / 1e9);
	}

	// One poll's work in a method of its own, as the container has it, so the JIT compiles
	// it like any hot method rather than as one long-running loop.
	private long process(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> polled) {
		if (polled.isEmpty()) {
			return 0;
		}
		long count = 0;
		for (ConsumerRecord<byte[], byte[]> record : polled) {
			this.blackhole += record.value().length;
			count++;
		}
		// Where the listener's clock stops too: after the last record, before its commit.
		this.processedAt = System.nanoTime();
		// What the container commits after a poll: the partitions it processed.
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		for (TopicPartition partition : polled.partitions()) {
			List<ConsumerRecord<byte[], byte[]>> processed = polled.records(partition);
			offsets.put(partition, new OffsetAndMetadata(processed.get(processed.size() - 1).offset() + 1));
		}
		consumer.commitSync(offsets);
		return count;
	}

	private double consumeStarter(Listeners listeners, MessageListenerContainer container, long records)
			throws InterruptedException {
		CountDownLatch done = listeners.expect(records);
		container.start();
		if (!done.await(5, TimeUnit.MINUTES)) {
			throw new IllegalStateException("The listener did not receive " + records + " records");
		}
		double rate = records / ((listeners.end - listeners.start) / 1e9);
		container.stop();
		return rate;
	}

	/**
	 * The starter's listeners: started per round, they read the topic from the beginning.
	 */
	@Component
	static class Listeners implements ConsumerSeekAware {

		private final AtomicLong remaining = new AtomicLong();

		private volatile CountDownLatch done = new CountDownLatch(0);

		private long blackhole;

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

		@KafkaListener(id = "bench-record", topics = TOPIC, groupId = "bench-starter-record", autoStartup = "false")
		void onRecord(ConsumerRecord<byte[], byte[]> record) {
			if (this.start == 0) {
				this.start = System.nanoTime();
			}
			this.blackhole += record.value().length;
			if (this.remaining.decrementAndGet() == 0) {
				this.end = System.nanoTime();
				this.done.countDown();
			}
		}

		@KafkaListener(id = "bench-batch", topics = TOPIC, groupId = "bench-starter-batch", autoStartup = "false",
				batch = "true")
		void onBatch(List<ConsumerRecord<byte[], byte[]>> records) {
			if (this.start == 0) {
				this.start = System.nanoTime();
			}
			for (ConsumerRecord<byte[], byte[]> record : records) {
				this.blackhole += record.value().length;
			}
			long before = this.remaining.getAndAdd(-records.size());
			if (before > 0 && before - records.size() <= 0) {
				this.end = System.nanoTime();
				this.done.countDown();
			}
		}

	}

}
