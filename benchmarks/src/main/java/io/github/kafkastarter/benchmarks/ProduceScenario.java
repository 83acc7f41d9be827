package io.github.kafkastarter.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * {@code produce}: records of 100 bytes through three senders with the same producer
 * settings and the same interceptor, interleaved: a raw {@code KafkaProducer}, Spring Boot's
 * own {@code KafkaTemplate} with every auto-configuration of the starter excluded, and the
 * starter's default {@code KafkaTemplate} (its interceptor chain, metrics and profile, as an
 * application gets them). Starter ÷ Boot is what the starter itself costs; starter ÷ raw
 * adds what Spring Kafka's template costs.
 * <p>
 * Besides the rates it counts, per record, the CPU time and the bytes allocated by the
 * sending thread and the producer's I/O thread of each side: figures that a busy machine
 * moves far less than it moves throughput.
 */
final class ProduceScenario implements Scenario {

	private static final String TOPIC = "bench-produce";

	private static final int SLICES = 10;

	@Override
	public String name() {
		return "produce";
	}

	@Override
	@SuppressWarnings("unchecked")
	public List<String> run(BenchmarkContext context) throws Exception {
		long records = context.options().recordsOr(1_000_000);
		context.createTopic(TOPIC, 4);
		byte[] payload = new byte[100];
		String[] serializers = { "spring.kafka.producer.key-serializer=" + ByteArraySerializer.class.getName(),
				"spring.kafka.producer.value-serializer=" + ByteArraySerializer.class.getName() };
		try (ConfigurableApplicationContext app = StarterApplication.start(context.bootstrapServers(), serializers)) {
			KafkaTemplate<byte[], byte[]> template = app.getBean(KafkaTemplate.class);
			Map<String, Object> settings = settings(
					((DefaultKafkaProducerFactory<?, ?>) template.getProducerFactory()).getConfigurationProperties());
			Map<String, Object> rawConfigs = new TreeMap<>(settings);
			// The same interceptor, the way Kafka alone applies one.
			rawConfigs.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, CountingInterceptor.class.getName());
			try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(rawConfigs, new ByteArraySerializer(),
					new ByteArraySerializer());
					ConfigurableApplicationContext bootOnly = StarterApplication.startWithoutStarter(
							context.bootstrapServers(), bootProperties(settings, serializers))) {
				KafkaTemplate<byte[], byte[]> bootTemplate = bootOnly.getBean(KafkaTemplate.class);
				Map<String, Object> bootSettings = settings(
						((DefaultKafkaProducerFactory<?, ?>) bootTemplate.getProducerFactory())
							.getConfigurationProperties());
				if (!describe(bootSettings).equals(describe(settings))) {
					throw new IllegalStateException("Spring Boot's producer differs from the starter's: "
							+ describe(bootSettings) + " against " + describe(settings));
				}
				System.out.printf("producer settings (all three): %s%n", describe(settings));
				Side rawSide = new Side("raw", (n) -> sendRaw(raw, n, payload), clientId(raw.metrics()));
				Side bootSide = new Side("boot", (n) -> sendTemplate(bootTemplate, n, payload),
						clientId(bootTemplate.execute((producer) -> producer.metrics())));
				Side starterSide = new Side("starter", (n) -> sendTemplate(template, n, payload),
						clientId(template.execute((producer) -> producer.metrics())));
				List<Side> sides = List.of(rawSide, bootSide, starterSide);
				// Warm-up, two full rounds each, not counted.
				for (int warmUp = 0; warmUp < 2; warmUp++) {
					round(sides, records);
				}
				sides.forEach(Side::reset);
				for (int round = 1; round <= context.options().rounds(); round++) {
					round(sides, records);
					System.out.printf(Locale.ROOT,
							"  round %d: raw=%s boot=%s starter=%s starter/boot=%.3f; CPU µs/record raw=%.2f "
									+ "boot=%.2f starter=%.2f%n",
							round, Benchmarks.format(rawSide.last(rawSide.rates)),
							Benchmarks.format(bootSide.last(bootSide.rates)),
							Benchmarks.format(starterSide.last(starterSide.rates)),
							starterSide.last(starterSide.rates) / bootSide.last(bootSide.rates),
							rawSide.last(rawSide.cpuMicros), bootSide.last(bootSide.cpuMicros),
							starterSide.last(starterSide.cpuMicros));
				}
				if (CountingInterceptor.SENT.sum() == 0) {
					throw new IllegalStateException("The interceptor saw no record");
				}
				return List.of(Benchmarks.result(name(), rawSide.rates, starterSide.rates),
						String.format(Locale.ROOT, "RESULT produce-vs-boot boot=%s starter=%s ratio=%s",
								Benchmarks.format(Benchmarks.median(bootSide.rates)),
								Benchmarks.format(Benchmarks.median(starterSide.rates)),
								Benchmarks.Estimate.of(Benchmarks.ratios(starterSide.rates, bootSide.rates))),
						String.format(Locale.ROOT, "INFO produce: boot/raw=%s",
								Benchmarks.Estimate.of(Benchmarks.ratios(bootSide.rates, rawSide.rates))),
						String.format(Locale.ROOT,
								"INFO produce: CPU µs per record (sending + I/O thread) raw=%.2f boot=%.2f "
										+ "starter=%.2f, starter/boot=%s",
								Benchmarks.median(rawSide.cpuMicros), Benchmarks.median(bootSide.cpuMicros),
								Benchmarks.median(starterSide.cpuMicros),
								Benchmarks.Estimate.of(Benchmarks.ratios(starterSide.cpuMicros, bootSide.cpuMicros))),
						String.format(Locale.ROOT,
								"INFO produce: bytes allocated per record (sending + I/O thread) raw=%.0f boot=%.0f "
										+ "starter=%.0f",
								Benchmarks.median(rawSide.bytes), Benchmarks.median(bootSide.bytes),
								Benchmarks.median(starterSide.bytes)));
			}
		}
	}

	/**
	 * One round: each side sends {@code records} in ten slices, interleaved and rotating who
	 * goes first, so that every side meets the same moments of a busy machine; a side's rate
	 * is its records over the time its own slices took.
	 */
	private static void round(List<Side> sides, long records) throws InterruptedException {
		long slice = Math.max(1, records / SLICES);
		sides.forEach(Side::startRound);
		for (int part = 0; part < SLICES; part++) {
			for (int i = 0; i < sides.size(); i++) {
				sides.get((part + i) % sides.size()).slice(slice);
			}
		}
		sides.forEach(Side::endRound);
	}

	// What the factory gives Kafka, without the starter's own keys.
	private static Map<String, Object> settings(Map<String, Object> configs) {
		Map<String, Object> settings = new TreeMap<>(configs);
		settings.keySet()
			.removeIf((key) -> key.startsWith("kafka.starter.") || key.equals(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG));
		return settings;
	}

	private static String describe(Map<String, Object> settings) {
		return settings.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG))
			.map((entry) -> entry.getKey() + "=" + entry.getValue())
			.toList()
			.toString();
	}

	// Spring Boot alone gets the settings the starter's profile added as plain properties.
	private static String[] bootProperties(Map<String, Object> settings, String[] serializers) {
		List<String> properties = new ArrayList<>(List.of(serializers));
		settings.forEach((key, value) -> {
			if (!key.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) && !key.endsWith(".serializer")) {
				properties.add("spring.kafka.producer.properties." + key + "=" + value);
			}
		});
		properties.add("spring.kafka.producer.properties." + ProducerConfig.INTERCEPTOR_CLASSES_CONFIG + "="
				+ CountingInterceptor.class.getName());
		return properties.toArray(String[]::new);
	}

	private static String clientId(Map<MetricName, ? extends Metric> metrics) {
		return metrics.keySet()
			.stream()
			.map((name) -> name.tags().get("client-id"))
			.filter(Objects::nonNull)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("A producer without a client id"));
	}

	private static double sendRaw(KafkaProducer<byte[], byte[]> producer, long records, byte[] payload)
			throws InterruptedException {
		AtomicLong acknowledged = new AtomicLong();
		AtomicReference<Exception> failure = new AtomicReference<>();
		long start = System.nanoTime();
		for (long i = 0; i < records; i++) {
			producer.send(new ProducerRecord<>(TOPIC, payload), (metadata, exception) -> {
				if (exception != null) {
					failure.set(exception);
				}
				acknowledged.incrementAndGet();
			});
		}
		producer.flush();
		awaitAll(acknowledged, records, failure);
		return seconds(start);
	}

	private static double sendTemplate(KafkaTemplate<byte[], byte[]> template, long records, byte[] payload)
			throws InterruptedException {
		AtomicLong acknowledged = new AtomicLong();
		AtomicReference<Exception> failure = new AtomicReference<>();
		long start = System.nanoTime();
		for (long i = 0; i < records; i++) {
			template.send(TOPIC, payload).whenComplete((result, exception) -> {
				if (exception != null) {
					failure.set((Exception) exception);
				}
				acknowledged.incrementAndGet();
			});
		}
		template.flush();
		awaitAll(acknowledged, records, failure);
		return seconds(start);
	}

	private static void awaitAll(AtomicLong acknowledged, long records, AtomicReference<Exception> failure)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
		while (acknowledged.get() < records && System.nanoTime() < deadline) {
			Thread.sleep(1);
		}
		if (failure.get() != null) {
			throw new IllegalStateException("A send failed", failure.get());
		}
		if (acknowledged.get() < records) {
			throw new IllegalStateException("Only " + acknowledged.get() + " of " + records + " acknowledged");
		}
	}

	static double seconds(long startNanos) {
		return (System.nanoTime() - startNanos) / 1e9;
	}

	@FunctionalInterface
	private interface Sender {

		/** Sends and waits for every acknowledgement; returns the seconds it took. */
		double send(long records) throws InterruptedException;

	}

	/**
	 * One sender and what its rounds measured: records per second, and CPU microseconds and
	 * bytes allocated per record on the sending thread and the producer's I/O thread.
	 */
	private static final class Side {

		private final String name;

		private final Sender sender;

		private final ThreadCost ioThread;

		final List<Double> rates = new ArrayList<>();

		final List<Double> cpuMicros = new ArrayList<>();

		final List<Double> bytes = new ArrayList<>();

		private double seconds;

		private long records;

		private long cpuNanos;

		private long allocated;

		Side(String name, Sender sender, String clientId) {
			this.name = name;
			this.sender = sender;
			this.ioThread = ThreadCost.ofThreadNamed("kafka-producer-network-thread | " + clientId);
		}

		void startRound() {
			this.seconds = 0;
			this.records = 0;
			this.cpuNanos = 0;
			this.allocated = 0;
		}

		void slice(long count) throws InterruptedException {
			ThreadCost caller = ThreadCost.ofCurrentThread();
			long cpuBefore = caller.cpuNanos() + this.ioThread.cpuNanos();
			long bytesBefore = caller.allocatedBytes() + this.ioThread.allocatedBytes();
			this.seconds += this.sender.send(count);
			this.cpuNanos += caller.cpuNanos() + this.ioThread.cpuNanos() - cpuBefore;
			this.allocated += caller.allocatedBytes() + this.ioThread.allocatedBytes() - bytesBefore;
			this.records += count;
		}

		void endRound() {
			this.rates.add(this.records / this.seconds);
			this.cpuMicros.add(this.cpuNanos / 1e3 / this.records);
			this.bytes.add((double) this.allocated / this.records);
		}

		void reset() {
			this.rates.clear();
			this.cpuMicros.clear();
			this.bytes.clear();
		}

		double last(List<Double> values) {
			return values.get(values.size() - 1);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
