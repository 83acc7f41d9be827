package io.github.kafkastarter.autoconfigure.dedup;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.client.InterceptorClasses;
import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.ListenerEndpoints;
import io.github.kafkastarter.autoconfigure.consumer.ListenerReliabilitySettings;
import io.github.kafkastarter.autoconfigure.dedup.Deduplication.RecordDeduplicator;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import io.github.kafkastarter.autoconfigure.producer.ProducerReliabilityProperties.ProducerProfile;
import io.github.kafkastarter.autoconfigure.producer.ProducerReliabilityProperties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DelegatingMessageListener;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.adapter.AsyncRepliesAware;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.util.StringUtils;

/**
 * Stamps record ids on the producers of every client that needs them
 * ({@code kafka.starter.producer.record-ids}) and wraps the message listener of each
 * deduplicated listener container.
 */
final class DeduplicationCustomizer implements KafkaClientCustomizer, Ordered {

	// Before the parallel and priority listener customizers: they wrap the listener this
	// one wraps, whatever order the auto-configurations were registered in.
	static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private static final Logger logger = LoggerFactory.getLogger(DeduplicationCustomizer.class);

	private final Supplier<Deduplication> deduplication;

	private final Supplier<@Nullable ListenerEndpoints> endpoints;

	private final String header;

	private final Binder binder;

	DeduplicationCustomizer(Supplier<Deduplication> deduplication, Supplier<@Nullable ListenerEndpoints> endpoints,
			String header, Binder binder) {
		this.deduplication = deduplication;
		this.endpoints = endpoints;
		this.header = header;
		this.binder = binder;
	}

	@Override
	public int getOrder() {
		return ORDER;
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
		if (listener == null || !(settings.deduplicate() || isAnnotated(container))) {
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
		synchronizeTransactions(container, name);
		RecordDeduplicator deduplicator = this.deduplication.get().register(name, group);
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

	private boolean isAnnotated(ConcurrentMessageListenerContainer<?, ?> container) {
		ListenerEndpoints endpoints = this.endpoints.get();
		return endpoints != null && endpoints.isAnnotated(container, Deduplicated.class);
	}

	/**
	 * A record counts as processed when the container's transaction commits, which only a
	 * transaction synchronization hears of; Spring Kafka's transaction manager has none by
	 * default (a database one may drive them), so the deduplicated listener's gets them
	 * for its actual transactions, which is what a database transaction manager does too.
	 */
	private static void synchronizeTransactions(ConcurrentMessageListenerContainer<?, ?> container, String name) {
		KafkaAwareTransactionManager<?, ?> transactions = container.getContainerProperties()
			.getKafkaAwareTransactionManager();
		if (transactions instanceof AbstractPlatformTransactionManager manager) {
			if (manager.getTransactionSynchronization() == AbstractPlatformTransactionManager.SYNCHRONIZATION_NEVER) {
				manager.setTransactionSynchronization(
						AbstractPlatformTransactionManager.SYNCHRONIZATION_ON_ACTUAL_TRANSACTION);
				logger.info("Transactions of {} now have transaction synchronizations, so that deduplicated "
						+ "listener {} records a record as processed when its transaction commits", manager, name);
			}
		}
		else if (transactions != null) {
			logger.warn("Deduplicated listener {} runs in transactions of {}, which cannot say when they commit: "
					+ "its records are recorded as processed before the transaction commits, and one that then "
					+ "fails to commit is not processed again", name, transactions);
		}
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
