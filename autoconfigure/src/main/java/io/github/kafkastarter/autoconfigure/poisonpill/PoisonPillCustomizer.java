package io.github.kafkastarter.autoconfigure.poisonpill;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import io.github.kafkastarter.autoconfigure.consumer.ConsumerReliabilityProperties;
import io.github.kafkastarter.autoconfigure.consumer.ListenerReliabilitySettings;
import io.github.kafkastarter.autoconfigure.errorhandling.ListenerErrorHandlers;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * Poison-pill safety for every client: deserializers wrapped in
 * {@code ErrorHandlingDeserializer} on every consumer factory and on listeners that set
 * their own, and, for batch listeners that get the starter's error handling, a batch
 * interceptor that hands records that could not be deserialized to the dead-letter
 * recoverer.
 */
final class PoisonPillCustomizer implements KafkaClientCustomizer, Ordered {

	// Just before the error handling customizer: a container without an error handler yet
	// is one that customizer gives the starter's, whose recoverer takes the poison pills.
	static final int ORDER = Ordered.LOWEST_PRECEDENCE - 101;

	private final ObjectProvider<ListenerErrorHandlers> errorHandlers;

	private final Binder binder;

	private final @Nullable ClassLoader classLoader;

	PoisonPillCustomizer(ObjectProvider<ListenerErrorHandlers> errorHandlers, Binder binder,
			@Nullable ClassLoader classLoader) {
		this.errorHandlers = errorHandlers;
		this.binder = binder;
		this.classLoader = classLoader;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void customizeConsumerFactory(KafkaClient client, DefaultKafkaConsumerFactory<?, ?> factory) {
		if (!client.settings("consumer", ConsumerReliabilityProperties.class).isPoisonPillSafety()) {
			return;
		}
		Map<String, Object> updates = new HashMap<>();
		PoisonPillSafety.wrap(factory, factory.getConfigurationProperties(), updates, this.classLoader,
				client.isDefault() ? "the default client" : "client '" + client.name() + "'",
				(client.isDefault() ? "kafka.starter" : KafkaClientNames.prefix(client.name()))
						+ ".consumer.poison-pill-safety");
		if (!updates.isEmpty()) {
			factory.updateConfigs(updates);
		}
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public void customizeContainer(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
		String listenerId = container.getListenerId();
		ListenerErrorHandlers handlers = this.errorHandlers.getIfAvailable();
		ListenerReliabilitySettings settings = (handlers != null) ? handlers.settings(client, listenerId)
				: ListenerReliabilitySettings.resolve(client, listenerId, this.binder);
		if (!settings.poisonPillSafety()) {
			return;
		}
		ContainerProperties properties = container.getContainerProperties();
		if (handlers != null && container.getCommonErrorHandler() == null && settings.errorHandling()
				&& properties.getMessageListener() instanceof BatchMessageListener<?, ?>) {
			BatchInterceptor existing = container.getBatchInterceptor();
			BatchInterceptor poisonPills = new PoisonPillBatchInterceptor<>(handlers.recoverer(client, listenerId),
					true, true);
			((ConcurrentMessageListenerContainer) container).setBatchInterceptor(
					(existing != null) ? new CompositeBatchInterceptor(poisonPills, existing) : poisonPills);
		}
		Properties wrapped = PoisonPillSafety.wrapConfigured(properties.getKafkaConsumerProperties(), this.classLoader);
		if (wrapped != null) {
			properties.setKafkaConsumerProperties(wrapped);
		}
	}

}
