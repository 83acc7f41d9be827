package io.github.kafkastarter.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * {@code produce}: records of 100 bytes through the starter's default {@code KafkaTemplate}
 * (with the starter's interceptor chain and metrics, as an application gets them) against a
 * raw {@code KafkaProducer} with the same producer settings.
 */
final class ProduceScenario implements Scenario {

	private static final String TOPIC = "bench-produce";

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
		try (ConfigurableApplicationContext app = StarterApplication.start(context.bootstrapServers(),
				"spring.kafka.producer.key-serializer=" + ByteArraySerializer.class.getName(),
				"spring.kafka.producer.value-serializer=" + ByteArraySerializer.class.getName())) {
			KafkaTemplate<byte[], byte[]> template = app.getBean(KafkaTemplate.class);
			DefaultKafkaProducerFactory<?, ?> factory = (DefaultKafkaProducerFactory<?, ?>) template
				.getProducerFactory();
			Map<String, Object> rawConfigs = new HashMap<>(factory.getConfigurationProperties());
			// The same settings, without the starter's own machinery.
			rawConfigs.keySet().removeIf((key) -> key.startsWith("kafka.starter."));
			// The same interceptor, the way Kafka alone applies one.
			rawConfigs.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, CountingInterceptor.class.getName());
			System.out.printf("producer settings (both sides): %s%n", rawConfigs.keySet()
				.stream()
				.sorted()
				.filter((key) -> !key.contains("serializer") && !key.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG))
				.map((key) -> key + "=" + rawConfigs.get(key))
				.toList());
			try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(rawConfigs, new ByteArraySerializer(),
					new ByteArraySerializer())) {
				try (ConfigurableApplicationContext bootOnly = StarterApplication.startWithoutStarter(
						context.bootstrapServers(),
						"spring.kafka.producer.key-serializer=" + ByteArraySerializer.class.getName(),
						"spring.kafka.producer.value-serializer=" + ByteArraySerializer.class.getName(),
						"spring.kafka.producer.properties.interceptor.classes=" + CountingInterceptor.class.getName())) {
					KafkaTemplate<byte[], byte[]> bootTemplate = bootOnly.getBean(KafkaTemplate.class);
					// Warm-up, two full rounds each, not counted.
					for (int warmUp = 0; warmUp < 2; warmUp++) {
						sendRaw(raw, records, payload);
						sendStarter(template, records, payload);
						sendStarter(bootTemplate, records, payload);
					}
					List<Double> rawRates = new ArrayList<>();
					List<Double> starterRates = new ArrayList<>();
					List<Double> bootRates = new ArrayList<>();
					for (int round = 1; round <= context.options().rounds(); round++) {
						// Interleaved in ten slices, rotating who goes first, so that every side
						// meets the same moments of a busy machine; a side's rate is its records
						// over the time its own slices took.
						long slice = Math.max(1, records / 10);
						double[] seconds = new double[3];
						for (int part = 0; part < 10; part++) {
							for (int i = 0; i < 3; i++) {
								switch ((part + i) % 3) {
									case 0 -> seconds[0] += slice / sendRaw(raw, slice, payload);
									case 1 -> seconds[1] += slice / sendStarter(template, slice, payload);
									default -> seconds[2] += slice / sendStarter(bootTemplate, slice, payload);
								}
							}
						}
						rawRates.add(slice * 10 / seconds[0]);
						starterRates.add(slice * 10 / seconds[1]);
						bootRates.add(slice * 10 / seconds[2]);
						System.out.printf("  round %d: raw=%s starter=%s boot-template=%s%n", round,
								Benchmarks.format(rawRates.get(round - 1)), Benchmarks.format(starterRates.get(round - 1)),
								Benchmarks.format(bootRates.get(round - 1)));
					}
					return List.of(Benchmarks.result(name(), rawRates, starterRates),
							String.format(java.util.Locale.ROOT,
									"INFO produce: Spring Boot's KafkaTemplate without the starter=%s (starter/boot=%.3f, "
											+ "boot/raw=%.3f)",
									Benchmarks.format(Benchmarks.median(bootRates)),
									Benchmarks.median(starterRates) / Benchmarks.median(bootRates),
									Benchmarks.median(bootRates) / Benchmarks.median(rawRates)));
				}
			}
		}
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
		return records / seconds(start);
	}

	private static double sendStarter(KafkaTemplate<byte[], byte[]> template, long records, byte[] payload)
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
		return records / seconds(start);
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

}
