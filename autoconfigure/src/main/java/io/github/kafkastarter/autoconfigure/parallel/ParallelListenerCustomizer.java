package io.github.kafkastarter.autoconfigure.parallel;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.Ordered;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.ReflectionUtils;

/**
 * Turns the listener containers of parallel listeners (by annotation or by
 * {@code kafka.starter.parallel.listeners.<id>}) into parallel ones: their listener hands
 * records to a {@link ParallelDispatcher}, their acknowledgments become the dispatcher's
 * watermarks, their rebalance listener drains revoked partitions first. Runs after every
 * other client customizer, so it wraps the error handler and rebalance listener they set.
 */
final class ParallelListenerCustomizer implements KafkaClientCustomizer, Ordered, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ParallelListenerCustomizer.class);

	private static final String PREFIX = "kafka.starter.parallel.listeners";

	// The container keeps its consumer factory in a protected field, without a getter.
	private static final Field CONSUMER_FACTORY = consumerFactoryField();

	private final Binder binder;

	private final ParallelListenerAnnotations annotations;

	private final ParallelListeners listeners;

	private final boolean virtualThreads;

	private final ScheduledExecutorService committer;

	private final List<ParallelDispatcher> dispatchers = new ArrayList<>();

	ParallelListenerCustomizer(Binder binder, ParallelListenerAnnotations annotations, ParallelListeners listeners,
			boolean virtualThreads) {
		this.binder = binder;
		this.annotations = annotations;
		this.listeners = listeners;
		this.virtualThreads = virtualThreads;
		this.committer = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "kafka-parallel-committer");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
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
				new RecordInvoker(listener, container, errorHandler), this.virtualThreads);
		container.setupMessageListener(new ParallelRecordListener(listener, dispatcher));
		container.setCommonErrorHandler(new ParallelErrorHandler(errorHandler, dispatcher));
		properties.setAckMode(AckMode.MANUAL);
		properties.setAsyncAcks(false);
		properties.setPollTimeout(Math.min(properties.getPollTimeout(), settings.getPollTimeout().toMillis()));
		properties.setConsumerRebalanceListener(new ParallelRebalanceListener(
				properties.getConsumerRebalanceListener(), dispatcher, settings.getDrainTimeout()));
		int consumers = Math.max(1, container.getConcurrency());
		int maxPollRecords = dispatcher.maxPollRecords(consumers, maxPollRecords(container));
		properties.getKafkaConsumerProperties()
			.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
		dispatcher.bind(container, consumers, maxPollRecords);
		long interval = Math.max(1, settings.getCommitInterval().toMillis());
		this.committer.scheduleWithFixedDelay(dispatcher::acknowledgeWatermarks, interval, interval,
				TimeUnit.MILLISECONDS);
		synchronized (this.dispatchers) {
			this.dispatchers.add(dispatcher);
		}
		this.listeners.register(dispatcher);
		logger.info("Listener '{}' of client '{}' runs in parallel: ordering {}, concurrency {}, max in flight {}",
				listenerId, client.name(), settings.getOrdering(), settings.getConcurrency(),
				settings.effectiveMaxInFlight());
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

	private static int maxPollRecords(ConcurrentMessageListenerContainer<?, ?> container) {
		Object configured = container.getContainerProperties()
			.getKafkaConsumerProperties()
			.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
		if (configured == null && ReflectionUtils.getField(CONSUMER_FACTORY,
				container) instanceof ConsumerFactory<?, ?> factory) {
			Map<String, Object> configs = factory.getConfigurationProperties();
			configured = configs.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
		}
		if (configured == null) {
			return ConsumerConfig.DEFAULT_MAX_POLL_RECORDS;
		}
		return (configured instanceof Number number) ? number.intValue()
				: Integer.parseInt(configured.toString().trim());
	}

	private static Field consumerFactoryField() {
		Field field = ReflectionUtils.findField(AbstractMessageListenerContainer.class, "consumerFactory");
		if (field == null) {
			throw new IllegalStateException("AbstractMessageListenerContainer.consumerFactory not found");
		}
		ReflectionUtils.makeAccessible(field);
		return field;
	}

	@Override
	public void destroy() {
		this.committer.shutdownNow();
		synchronized (this.dispatchers) {
			this.dispatchers.forEach(ParallelDispatcher::shutdown);
		}
	}

}
