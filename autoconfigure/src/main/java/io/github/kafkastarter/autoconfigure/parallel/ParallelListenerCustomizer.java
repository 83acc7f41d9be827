package io.github.kafkastarter.autoconfigure.parallel;

import java.util.ArrayList;
import java.util.List;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import io.github.kafkastarter.autoconfigure.parallel.ParallelListener.Ordering;
import io.github.kafkastarter.autoconfigure.parallel.ParallelProperties.ParallelListenerSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.Ordered;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Turns the listener containers of parallel listeners (by annotation or by
 * {@code kafka.starter.parallel.listeners.<id>}) into parallel ones: their listener hands
 * records to a {@link ParallelDispatcher}, which commits the watermarks itself from a hook
 * that runs before each poll; their rebalance listener drains revoked partitions first. Runs after every
 * other client customizer, so it wraps the error handler and rebalance listener they set.
 */
final class ParallelListenerCustomizer implements KafkaClientCustomizer, Ordered, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ParallelListenerCustomizer.class);

	private static final String PREFIX = "kafka.starter.parallel.listeners";

	private final Binder binder;

	private final ParallelListenerAnnotations annotations;

	private final ParallelListeners listeners;

	private final boolean virtualThreads;

	private final List<ParallelDispatcher> dispatchers = new ArrayList<>();

	ParallelListenerCustomizer(Binder binder, ParallelListenerAnnotations annotations, ParallelListeners listeners,
			boolean virtualThreads) {
		this.binder = binder;
		this.annotations = annotations;
		this.listeners = listeners;
		this.virtualThreads = virtualThreads && WorkerThreads.virtualThreadsAvailable();
		if (virtualThreads && !this.virtualThreads) {
			logger.info("Parallel listeners run on platform threads: virtual threads need Java 21 or later (this is "
					+ "Java {})", Runtime.version().feature());
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public void customizeContainer(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
		String listenerId = container.getListenerId();
		if (listenerId == null) {
			return;
		}
		ParallelListenerSettings settings = settings(listenerId);
		if (settings == null || settings.getOrdering() == Ordering.PARTITION) {
			return;
		}
		ContainerProperties properties = container.getContainerProperties();
		Object listener = properties.getMessageListener();
		check(listenerId, settings, listener, properties);
		CommonErrorHandler errorHandler = container.getCommonErrorHandler();
		if (errorHandler == null) {
			errorHandler = new DefaultErrorHandler();
		}
		ParallelDispatcher dispatcher = new ParallelDispatcher(listenerId, settings,
				new RecordInvoker(listener, container, errorHandler), WorkerThreads.pool(listenerId + "-worker-",
						settings.getConcurrency(), this.virtualThreads, container.getGroupId()));
		container.setupMessageListener(new ParallelRecordListener(listener, dispatcher));
		container.setCommonErrorHandler(new ParallelErrorHandler(errorHandler, dispatcher));
		((ConcurrentMessageListenerContainer) container).setRecordInterceptor(
				new ParallelPollHook((RecordInterceptor) container.getRecordInterceptor(), dispatcher));
		// The dispatcher commits what is finished itself; the container must not commit.
		properties.setAckMode(AckMode.MANUAL);
		properties.setAsyncAcks(false);
		properties.setPollTimeout(Math.min(properties.getPollTimeout(), settings.getPollTimeout().toMillis()));
		properties.setConsumerRebalanceListener(new ParallelRebalanceListener(
				properties.getConsumerRebalanceListener(), dispatcher, settings.getDrainTimeout()));
		int consumers = Math.max(1, container.getConcurrency());
		int maxPollRecords = dispatcher.maxPollRecords(consumers, maxPollRecords(client, container));
		properties.getKafkaConsumerProperties()
			.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
		dispatcher.bind(container, consumers, maxPollRecords);
		synchronized (this.dispatchers) {
			this.dispatchers.add(dispatcher);
		}
		this.listeners.register(dispatcher);
		logger.info("Listener '{}' of client '{}' runs in parallel: ordering {}, concurrency {} on {} threads, "
				+ "max in flight {}", listenerId, client.name(), settings.getOrdering(), settings.getConcurrency(),
				this.virtualThreads ? "virtual" : "platform", settings.effectiveMaxInFlight());
	}

	private @Nullable ParallelListenerSettings settings(String listenerId) {
		ParallelListener annotation = this.annotations.forListener(listenerId);
		ConfigurationPropertyName name = ConfigurationPropertyName.of(PREFIX).append(
				ConfigurationPropertyName.adapt(listenerId, '.'));
		ParallelListenerSettings settings = new ParallelListenerSettings();
		if (annotation != null) {
			settings.setOrdering(annotation.ordering());
			settings.setConcurrency(annotation.concurrency());
			settings.setMaxInFlight((annotation.maxInFlight() > 0) ? annotation.maxInFlight() : null);
		}
		boolean configured = this.binder.bind(name, Bindable.ofInstance(settings)).isBound();
		return (annotation != null || configured) ? settings : null;
	}

	private static void check(String listenerId, ParallelListenerSettings settings, Object listener,
			ContainerProperties properties) {
		String property = PREFIX + "." + listenerId;
		if (listener instanceof BatchMessageListener<?, ?>) {
			throw new KafkaStarterConfigurationException(property, null,
					"Listener '" + listenerId + "' is a batch listener; parallel listeners process records one by one.",
					"Make it a record listener, or remove its parallel settings (and @ParallelListener).");
		}
		if (properties.getKafkaAwareTransactionManager() != null || properties.getTransactionManager() != null) {
			throw new KafkaStarterConfigurationException(property, null,
					"Listener '" + listenerId + "' runs in Kafka transactions, which commit offsets on the consumer "
							+ "thread in record order; a parallel listener finishes records out of order.",
					"Remove the transaction manager from its container factory, or its parallel settings.");
		}
		if (settings.getConcurrency() < 1) {
			throw new KafkaStarterConfigurationException(property + ".concurrency", settings.getConcurrency(),
					"A parallel listener needs at least one worker.", "Set it to 1 or more, for example 64.");
		}
		if (settings.effectiveMaxInFlight() < settings.getConcurrency()) {
			throw new KafkaStarterConfigurationException(property + ".max-in-flight", settings.getMaxInFlight(),
					"max-in-flight (" + settings.effectiveMaxInFlight() + ") is below the concurrency ("
							+ settings.getConcurrency() + "): workers would sit idle.",
					"Set max-in-flight to at least the concurrency; 16 times it is a good start.");
		}
	}

	private static int maxPollRecords(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
		Object configured = container.getContainerProperties()
			.getKafkaConsumerProperties()
			.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
		if (configured == null) {
			// The container's own factory may be another one of the client's; they share
			// the client's consumer settings.
			configured = client.consumerFactory().getConfigurationProperties().get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
		}
		if (configured == null) {
			return ConsumerConfig.DEFAULT_MAX_POLL_RECORDS;
		}
		return (configured instanceof Number number) ? number.intValue()
				: Integer.parseInt(configured.toString().trim());
	}

	@Override
	public void destroy() {
		synchronized (this.dispatchers) {
			this.dispatchers.forEach(ParallelDispatcher::shutdown);
		}
	}

}
