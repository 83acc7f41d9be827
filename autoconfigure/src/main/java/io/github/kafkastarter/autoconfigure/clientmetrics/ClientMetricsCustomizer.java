package io.github.kafkastarter.autoconfigure.clientmetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

import io.github.kafkastarter.autoconfigure.client.InterceptorClasses;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Binds Kafka's own client metrics for the producers and consumers of every client, tagged
 * {@code client}. Spring Boot binds them for its default factories only, without that tag;
 * with named clients beside them the meters of one name would carry different tag keys,
 * which Prometheus rejects and which makes Micrometer's Kafka binder drop the meters with
 * fewer tags. So the plain listeners Spring Boot adds are replaced by tagged ones (a
 * subclass of them that the application added itself is left alone).
 * <p>
 * The same producer listener tells {@link ProducerBackPressure} which producers each
 * client has, for the back-pressure gauges and health; and a
 * {@link ProducerRecordMetricsInterceptor} is added to each client's
 * {@code interceptor.classes}, after the classes already listed, for record sizes and
 * partition skew.
 */
final class ClientMetricsCustomizer implements KafkaClientCustomizer {

	static final String BUFFER_AVAILABLE = "kafka.starter.producer.buffer.available.bytes";

	static final String BUFFER_TOTAL = "kafka.starter.producer.buffer.total.bytes";

	static final String BUFFER_WAIT_RATIO = "kafka.starter.producer.buffer.wait.ratio";

	static final String BUFFER_WAIT = "kafka.starter.producer.buffer.wait";

	static final String BUFFER_EXHAUSTED = "kafka.starter.producer.buffer.exhausted";

	static final String RECORD_ERRORS = "kafka.starter.producer.record.errors";

	static final String RECORD_RETRIES = "kafka.starter.producer.record.retries";

	private final MeterRegistry registry;

	private final ProducerBackPressure backPressure;

	private final ProducerSkewWindows skewWindows;

	private final Set<String> gauged = ConcurrentHashMap.newKeySet();

	private final Map<String, ProducerRecordMeters> recordMeters = new ConcurrentHashMap<>();

	ClientMetricsCustomizer(MeterRegistry registry, ProducerBackPressure backPressure,
			ProducerSkewWindows skewWindows) {
		this.registry = registry;
		this.backPressure = backPressure;
		this.skewWindows = skewWindows;
	}

	@Override
	public void customizeProducerFactory(KafkaClient client, DefaultKafkaProducerFactory<?, ?> factory) {
		if (!enabled(client)) {
			return;
		}
		removePlain(factory, MicrometerProducerListener.class);
		if (factory.getListeners().stream().noneMatch(ClientProducerMetrics.class::isInstance)) {
			factory.addListener(
					new ClientProducerMetrics<>(this.registry, clientTag(client), client.name(), this.backPressure));
		}
		this.backPressure.watch(client.name());
		if (this.gauged.add(client.name())) {
			bindBackPressure(client.name());
		}
		addRecordMetrics(client, factory);
	}

	private void bindBackPressure(String client) {
		ProducerBackPressure pressure = this.backPressure;
		gauge(BUFFER_AVAILABLE, client, "bytes",
				"Buffer memory (buffer.memory) the client's open producers have free for records waiting to be sent",
				() -> read(pressure, client).bufferAvailableBytes());
		gauge(BUFFER_TOTAL, client, "bytes", "Buffer memory (buffer.memory) of the client's open producers",
				() -> read(pressure, client).bufferTotalBytes());
		gauge(BUFFER_WAIT_RATIO, client, null,
				"Largest fraction of time a producer's sends waited for buffer memory (Kafka's bufferpool-wait-ratio)",
				() -> read(pressure, client).bufferWaitRatio());
		FunctionCounter.builder(BUFFER_WAIT, pressure, (p) -> read(p, client).bufferWaitNanos() / 1e9)
			.description("Time sends waited for buffer memory: the producer blocked in send() because "
					+ "buffer.memory was full")
			.baseUnit("seconds")
			.tags("client", client)
			.register(this.registry);
		counter(BUFFER_EXHAUSTED, client, "Sends that failed because no buffer memory freed up within max.block.ms",
				(p) -> read(p, client).bufferExhausted());
		counter(RECORD_ERRORS, client, "Records whose send failed", (p) -> read(p, client).recordErrors());
		counter(RECORD_RETRIES, client, "Sends retried", (p) -> read(p, client).recordRetries());
	}

	private static ProducerBackPressure.Pressure read(ProducerBackPressure pressure, String client) {
		ProducerBackPressure.Pressure read = pressure.pressure(client);
		return (read != null) ? read : new ProducerBackPressure.Pressure(0, 0, 0, 0, 0, 0, 0, 0, null, null);
	}

	private void gauge(String name, String client, @Nullable String unit, String description,
			DoubleSupplier value) {
		Gauge.builder(name, value, DoubleSupplier::getAsDouble)
			.description(description)
			.baseUnit(unit)
			.tags("client", client)
			.strongReference(true)
			.register(this.registry);
	}

	private void counter(String name, String client, String description,
			ToDoubleFunction<ProducerBackPressure> value) {
		FunctionCounter.builder(name, this.backPressure, value)
			.description(description)
			.tags("client", client)
			.register(this.registry);
	}

	private void addRecordMetrics(KafkaClient client, DefaultKafkaProducerFactory<?, ?> factory) {
		ClientMetricsProperties settings = client.settings("client-metrics", ClientMetricsProperties.class);
		ProducerRecordMeters meters = this.recordMeters.computeIfAbsent(client.name(), (name) -> {
			ProducerRecordMeters created = new ProducerRecordMeters(this.registry, name, settings.isRecordSizes(),
					settings.isPartitionSkew(), (topic) -> partitionCount(name, topic));
			if (settings.isPartitionSkew()) {
				this.skewWindows.add(created);
			}
			return created;
		});
		Map<String, Object> configs = factory.getConfigurationProperties();
		List<Object> classes = new ArrayList<>();
		for (Object configured : InterceptorClasses.of(configs.get(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG))) {
			if (!InterceptorClasses.is(configured, ProducerRecordMetricsInterceptor.class)) {
				classes.add(configured);
			}
		}
		classes.add(ProducerRecordMetricsInterceptor.class);
		factory.updateConfigs(Map.of(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, classes,
				ProducerRecordMetricsInterceptor.METERS_CONFIG, meters));
	}

	// From an open producer's metadata cache: the topic was just sent to, so it is there.
	private @Nullable Integer partitionCount(String client, String topic) {
		Producer<?, ?> producer = this.backPressure.anyProducer(client);
		if (producer == null) {
			return null;
		}
		try {
			return producer.partitionsFor(topic).size();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	@Override
	public void customizeConsumerFactory(KafkaClient client, DefaultKafkaConsumerFactory<?, ?> factory) {
		if (!enabled(client)) {
			return;
		}
		removePlain(factory, MicrometerConsumerListener.class);
		if (factory.getListeners().stream().noneMatch(ClientConsumerMetrics.class::isInstance)) {
			factory.addListener(new ClientConsumerMetrics<>(this.registry, clientTag(client)));
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void removePlain(DefaultKafkaProducerFactory<?, ?> factory, Class<?> plain) {
		for (ProducerFactory.Listener listener : List.copyOf(factory.getListeners())) {
			if (listener.getClass() == plain) {
				((DefaultKafkaProducerFactory) factory).removeListener(listener);
			}
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void removePlain(DefaultKafkaConsumerFactory<?, ?> factory, Class<?> plain) {
		for (ConsumerFactory.Listener listener : List.copyOf(factory.getListeners())) {
			if (listener.getClass() == plain) {
				((DefaultKafkaConsumerFactory) factory).removeListener(listener);
			}
		}
	}

	private static boolean enabled(KafkaClient client) {
		return client.settings("client-metrics", ClientMetricsProperties.class).isEnabled();
	}

	private static List<Tag> clientTag(KafkaClient client) {
		return List.of(Tag.of("client", client.name()));
	}

	static final class ClientProducerMetrics<K, V> extends MicrometerProducerListener<K, V> {

		private final String client;

		private final ProducerBackPressure backPressure;

		ClientProducerMetrics(MeterRegistry registry, List<Tag> tags, String client,
				ProducerBackPressure backPressure) {
			super(registry, tags);
			this.client = client;
			this.backPressure = backPressure;
		}

		@Override
		public synchronized void producerAdded(String id, Producer<K, V> producer) {
			super.producerAdded(id, producer);
			this.backPressure.producerAdded(this.client, id, producer);
		}

		@Override
		public synchronized void producerRemoved(String id, Producer<K, V> producer) {
			this.backPressure.producerRemoved(this.client, id);
			super.producerRemoved(id, producer);
		}

	}

	static final class ClientConsumerMetrics<K, V> extends MicrometerConsumerListener<K, V> {

		ClientConsumerMetrics(MeterRegistry registry, List<Tag> tags) {
			super(registry, tags);
		}

	}

}
