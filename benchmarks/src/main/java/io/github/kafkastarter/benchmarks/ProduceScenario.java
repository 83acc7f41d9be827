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
			rawConfigs.remove(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
			System.out.printf("producer settings (both sides): %s%n", rawConfigs.keySet()
				.stream()
				.sorted()
				.filter((key) -> !key.contains("serializer") && !key.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG))
				.map((key) -> key + "=" + rawConfigs.get(key))
				.toList());
			try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(rawConfigs, new ByteArraySerializer(),
					new ByteArraySerializer())) {
				// Warm-up, a full round each, not counted.
				sendRaw(raw, records, payload);
				sendStarter(template, records, payload);
				List<Double> rawRates = new ArrayList<>();
				List<Double> starterRates = new ArrayList<>();
				for (int round = 1; round <= context.options().rounds(); round++) {
					// Alternate who goes first, so neither always meets a fresher broker.
					if (round % 2 == 1) {
						rawRates.add(sendRaw(raw, records, payload));
						starterRates.add(sendStarter(template, records, payload));
					}
					else {
						starterRates.add(sendStarter(template, records, payload));
						rawRates.add(sendRaw(raw, records, payload));
					}
					System.out.printf("  round %d: raw=%s starter=%s%n", round,
							Benchmarks.format(rawRates.get(round - 1)), Benchmarks.format(starterRates.get(round - 1)));
				}
				return List.of(Benchmarks.result(name(), rawRates, starterRates));
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
