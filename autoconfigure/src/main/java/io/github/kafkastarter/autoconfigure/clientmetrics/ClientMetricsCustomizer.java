package io.github.kafkastarter.autoconfigure.clientmetrics;

import java.util.List;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

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
 */
final class ClientMetricsCustomizer implements KafkaClientCustomizer {

	private final MeterRegistry registry;

	ClientMetricsCustomizer(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void customizeProducerFactory(KafkaClient client, DefaultKafkaProducerFactory<?, ?> factory) {
		if (!enabled(client)) {
			return;
		}
		removePlain(factory, MicrometerProducerListener.class);
		if (factory.getListeners().stream().noneMatch(ClientProducerMetrics.class::isInstance)) {
			factory.addListener(new ClientProducerMetrics<>(this.registry, clientTag(client)));
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

		ClientProducerMetrics(MeterRegistry registry, List<Tag> tags) {
			super(registry, tags);
		}

	}

	static final class ClientConsumerMetrics<K, V> extends MicrometerConsumerListener<K, V> {

		ClientConsumerMetrics(MeterRegistry registry, List<Tag> tags) {
			super(registry, tags);
		}

	}

}
