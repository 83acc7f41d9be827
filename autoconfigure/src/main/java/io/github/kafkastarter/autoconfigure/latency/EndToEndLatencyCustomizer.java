package io.github.kafkastarter.autoconfigure.latency;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.client.InterceptorClasses;
import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

/**
 * Adds {@link EndToEndLatencyInterceptor} to the {@code interceptor.classes} of every
 * client's consumer factory, after the classes already listed, so every consumer the factory
 * creates (those of listener containers, record and batch alike) times what it receives.
 * Done through Kafka's own interceptor mechanism rather than a {@code RecordInterceptor} or
 * {@code ContainerCustomizer} bean, which Spring Boot applies only when there is exactly one.
 */
final class EndToEndLatencyCustomizer implements KafkaClientCustomizer {

	private final MeterRegistry registry;

	private final EndToEndLatencyProperties distribution;

	EndToEndLatencyCustomizer(MeterRegistry registry, EndToEndLatencyProperties distribution) {
		this.registry = registry;
		this.distribution = distribution;
	}

	@Override
	public void customizeConsumerFactory(KafkaClient client, DefaultKafkaConsumerFactory<?, ?> factory) {
		if (!client.settings("e2e", EndToEndLatencyProperties.class).isEnabled()) {
			return;
		}
		Map<String, Object> configs = factory.getConfigurationProperties();
		List<Object> classes = new ArrayList<>();
		for (Object configured : InterceptorClasses.of(configs.get(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG))) {
			if (!InterceptorClasses.is(configured, EndToEndLatencyInterceptor.class)) {
				classes.add(configured);
			}
		}
		classes.add(EndToEndLatencyInterceptor.class);
		factory.updateConfigs(Map.of(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, classes,
				EndToEndLatencyInterceptor.METERS_CONFIG,
				new EndToEndLatencyMeters(this.registry, client.name(), this.distribution)));
	}

}
