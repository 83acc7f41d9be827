package io.github.kafkastarter.autoconfigure.dedup;

import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.client.InterceptorClasses;
import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import io.github.kafkastarter.autoconfigure.reliability.ListenerReliabilitySettings;
import io.github.kafkastarter.autoconfigure.reliability.ProducerProfile;
import io.github.kafkastarter.autoconfigure.reliability.ProducerReliabilityProperties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DelegatingMessageListener;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.adapter.AsyncRepliesAware;
import org.springframework.util.StringUtils;

/**
 * Stamps record ids on the producers of every client that needs them
 * ({@code kafka.starter.producer.record-ids}) and wraps the message listener of each
 * deduplicated listener container.
 */
final class DeduplicationCustomizer implements KafkaClientCustomizer {

	private static final Logger logger = LoggerFactory.getLogger(DeduplicationCustomizer.class);

	// Looked up when a container is customized, not when the customizer is created: the
	// customizer runs while producer factories are created, and the store behind
	// deduplication may need a transaction manager that needs a producer factory.
	private final ObjectProvider<Deduplication> deduplication;

	private final String header;

	private final Binder binder;

	DeduplicationCustomizer(ObjectProvider<Deduplication> deduplication, String header, Binder binder) {
		this.deduplication = deduplication;
		this.header = header;
		this.binder = binder;
	}

	@Override
	public void customizeProducerFactory(KafkaClient client, DefaultKafkaProducerFactory<?, ?> factory) {
		RecordIdProperties.RecordIds mode = client.settings("producer", RecordIdProperties.class).getRecordIds();
		Map<String, Object> configs = factory.getConfigurationProperties();
		if (mode == RecordIdProperties.RecordIds.NEVER || (mode == RecordIdProperties.RecordIds.AUTO
				&& isIdempotent(client, factory, configs))) {
			// An idempotent producer never writes a retried record twice, and a redelivered
			// record is known by its offset: a header on every record (which costs about a
			// third of the throughput of 100-byte records) would buy little.
			return;
		}
		List<Object> classes = InterceptorClasses.of(configs.get(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG));
		if (classes.stream().anyMatch((configured) -> InterceptorClasses.is(configured, RecordIdInterceptor.class))) {
			return;
		}
		// Last, so an interceptor of the application may set its own id first.
		classes.add(RecordIdInterceptor.class);
		factory.updateConfigs(Map.of(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, classes,
				RecordIdInterceptor.HEADER_CONFIG, this.header));
	}

	private static boolean isIdempotent(KafkaClient client, DefaultKafkaProducerFactory<?, ?> factory,
			Map<String, Object> configs) {
		ProducerProfile profile = client.settings("producer", ProducerReliabilityProperties.class).getProfile();
		boolean transactional = factory.getTransactionIdPrefix() != null
				|| configs.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		return profile.isIdempotent(configs, transactional);
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public void customizeContainer(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
		Object listener = container.getContainerProperties().getMessageListener();
		String listenerId = container.getListenerId();
		ListenerReliabilitySettings settings = ListenerReliabilitySettings.resolve(client, listenerId, this.binder);
		if (listener == null || !(settings.deduplicate() || ListenerMethods.isDeduplicated(listener))) {
			return;
		}
		String name = (listenerId != null) ? listenerId : String.valueOf(container.getBeanName());
		String group = container.getGroupId();
		String property = settings.deduplicate() ? settings.propertyFor("deduplicate")
				: "@Deduplicated (listener '" + name + "')";
		if (!StringUtils.hasText(group)) {
			throw new KafkaStarterConfigurationException(property, settings.deduplicate() ? true : null,
					"Listener '" + name + "' is deduplicated, but it has no consumer group: processed records are "
							+ "remembered per group.",
					"Give the listener a group (@KafkaListener(groupId = ...) or spring.kafka.consumer.group-id).");
		}
		if (isAsync(listener)) {
			throw new KafkaStarterConfigurationException(property, settings.deduplicate() ? true : null,
					"Listener '" + name + "' is deduplicated, but it returns before its work is done (an async "
							+ "return type), so a record would be recorded as processed too early.",
					"Return void (or a plain value) from the listener method, or do not deduplicate it.");
		}
		RecordDeduplicator deduplicator = this.deduplication.getObject().register(name, group);
		if (listener instanceof BatchMessageListener batch) {
			if (batch.wantsPollResult()) {
				throw new KafkaStarterConfigurationException(property, settings.deduplicate() ? true : null,
						"Listener '" + name + "' is deduplicated, but it takes the whole ConsumerRecords, which "
								+ "cannot leave out the records processed already.",
						"Take a List<ConsumerRecord<K, V>> (or a List of payloads) instead.");
			}
			container.getContainerProperties()
				.setMessageListener(new DeduplicatingBatchMessageListener(batch, deduplicator));
		}
		else if (listener instanceof MessageListener record) {
			container.getContainerProperties()
				.setMessageListener(new DeduplicatingMessageListener(record, deduplicator));
		}
		else {
			return;
		}
		logger.debug("Listener {} of group {} skips records it has processed", name, group);
	}

	private static boolean isAsync(Object listener) {
		Object target = listener;
		while (true) {
			if (target instanceof AsyncRepliesAware aware && aware.isAsyncReplies()) {
				return true;
			}
			if (target instanceof DelegatingMessageListener<?> delegating) {
				target = delegating.getDelegate();
			}
			else {
				return false;
			}
		}
	}

}
