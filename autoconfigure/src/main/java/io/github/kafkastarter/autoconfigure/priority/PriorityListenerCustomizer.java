package io.github.kafkastarter.autoconfigure.priority;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import io.github.kafkastarter.autoconfigure.priority.PriorityProperties.PriorityListenerSettings;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.kafka.event.ConsumerStartingEvent;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.scheduling.TaskScheduler;

/**
 * Gives the listener containers of ranked listeners
 * ({@code kafka.starter.priority.listeners.<id>.topics}) a {@link PriorityGovernor}, checked
 * on a short timer, and tells it when one of their consumers starts.
 */
final class PriorityListenerCustomizer
		implements KafkaClientCustomizer, Ordered, DisposableBean, ApplicationListener<ConsumerStartingEvent> {

	private static final Logger logger = LoggerFactory.getLogger(PriorityListenerCustomizer.class);

	private static final String PREFIX = "kafka.starter.priority.listeners";

	// Spring Kafka's default operation timeout.
	private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(30);

	private final Binder binder;

	private final Supplier<TaskScheduler> scheduler;

	private final Map<MessageListenerContainer, PriorityGovernor> governors = new ConcurrentHashMap<>();

	private final List<ScheduledFuture<?>> checks = new CopyOnWriteArrayList<>();

	/**
	 * Create an instance.
	 * @param binder the binder over the environment
	 * @param scheduler the starter's scheduler, looked up when the first ranked listener's
	 * container is made (a customizer must not need beans while Kafka's are created)
	 */
	PriorityListenerCustomizer(Binder binder, Supplier<TaskScheduler> scheduler) {
		this.binder = binder;
		this.scheduler = scheduler;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 10;
	}

	@Override
	public void customizeContainer(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
		String listenerId = container.getListenerId();
		PriorityListenerSettings settings = (listenerId != null) ? settings(listenerId) : null;
		if (settings == null) {
			return;
		}
		check(listenerId, settings, container.getContainerProperties());
		PriorityGovernor governor = new PriorityGovernor(container, settings,
				(topics) -> partitionCounts(client, topics));
		this.governors.put(container, governor);
		ContainerProperties properties = container.getContainerProperties();
		properties.setConsumerRebalanceListener(
				new PriorityRebalanceListener(properties.getConsumerRebalanceListener(), governor));
		Duration interval = Duration.ofMillis(Math.max(1, settings.getCheckInterval().toMillis()));
		this.checks.add(this.scheduler.get().scheduleWithFixedDelay(() -> {
			try {
				governor.check();
			}
			catch (RuntimeException ex) {
				logger.warn("Priority check of listener {} failed", listenerId, ex);
			}
		}, Instant.now().plus(interval), interval));
		logger.info("Listener '{}' of client '{}' reads its topics by priority: {}", listenerId, client.name(),
				settings.getTopics());
	}

	/**
	 * A consumer of a ranked listener is about to poll for the first time: its governor
	 * holds the lower-ranked partitions from the start.
	 * @param event the event, on the consumer's thread
	 */
	@Override
	public void onApplicationEvent(ConsumerStartingEvent event) {
		PriorityGovernor governor = this.governors.get(event.getContainer(MessageListenerContainer.class));
		if (governor != null) {
			governor.consumerStarting(event.getSource(MessageListenerContainer.class));
		}
	}

	private static Map<String, Integer> partitionCounts(KafkaClient client, List<String> topics) {
		try {
			Map<String, Integer> counts = new HashMap<>();
			client.sharedAdmin()
				.describeTopics(topics, new DescribeTopicsOptions().timeoutMs((int) DESCRIBE_TIMEOUT.toMillis()))
				.allTopicNames()
				.get(DESCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.forEach((topic, description) -> counts.put(topic, description.partitions().size()));
			return counts;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Map.of();
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			// A topic that does not exist yet, say: its partitions are paused on assignment,
			// from the poll after the one that assigns them.
			logger.debug("Could not read the partitions of {} of client '{}'", topics, client.name(), ex);
			return Map.of();
		}
	}

	private @Nullable PriorityListenerSettings settings(String listenerId) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(PREFIX)
			.append(ConfigurationPropertyName.adapt(listenerId, '.'));
		return this.binder.bind(name, Bindable.of(PriorityListenerSettings.class)).orElse(null);
	}

	private static void check(String listenerId, PriorityListenerSettings settings, ContainerProperties properties) {
		String property = PREFIX + "." + listenerId + ".topics";
		if (settings.getTopics().size() < 2) {
			throw new KafkaStarterConfigurationException(property, settings.getTopics(),
					"Ranking needs at least two topics.",
					"List the listener's topics, highest priority first, for example " + property
							+ "=orders-urgent,orders,orders-bulk.");
		}
		String[] topics = properties.getTopics();
		if (topics != null) {
			List<String> read = Arrays.asList(topics);
			for (String topic : settings.getTopics()) {
				if (!read.contains(topic)) {
					throw new KafkaStarterConfigurationException(property, settings.getTopics(),
							"Listener '" + listenerId + "' does not read topic '" + topic + "'; it reads " + read + ".",
							"Rank only the topics the listener reads, or add '" + topic + "' to its topics.");
				}
			}
		}
		if (settings.getMaxPause().isZero() || settings.getMaxPause().isNegative()) {
			throw new KafkaStarterConfigurationException(PREFIX + "." + listenerId + ".max-pause",
					settings.getMaxPause(), "A lower-ranked topic could never run.",
					"Set a positive duration, for example 30s.");
		}
	}

	@Override
	public void destroy() {
		this.checks.forEach((check) -> check.cancel(false));
	}

}
