package io.github.kafkastarter.autoconfigure.reliability;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.Environment;
import org.springframework.core.Ordered;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.util.StringUtils;

/**
 * Shapes every listener container as it is created: retries and dead letters (unless the
 * application gave it an error handler of its own), poison-pill safety for batch
 * listeners and for deserializers set on the listener itself, and a stable
 * {@code group.instance.id} under static membership.
 */
final class ListenerReliabilityCustomizer implements KafkaClientCustomizer, Ordered {

	// Before the parallel and priority listener customizers: they wrap the error handler
	// this one sets, whatever order the auto-configurations were registered in.
	static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private static final Logger logger = LoggerFactory.getLogger(ListenerReliabilityCustomizer.class);

	private final ListenerErrorHandlers errorHandlers;

	private final Environment environment;

	private final @Nullable ClassLoader classLoader;

	// group + group.instance.id -> listener: one explicit id may serve one consumer only.
	private final Map<String, String> explicitInstanceIds = new ConcurrentHashMap<>();

	ListenerReliabilityCustomizer(ListenerErrorHandlers errorHandlers, Environment environment,
			@Nullable ClassLoader classLoader) {
		this.errorHandlers = errorHandlers;
		this.environment = environment;
		this.classLoader = classLoader;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public void customizeContainer(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
		String listenerId = container.getListenerId();
		ListenerReliabilitySettings settings = this.errorHandlers.settings(client, listenerId);
		ContainerProperties properties = container.getContainerProperties();
		if (container.getCommonErrorHandler() == null && settings.errorHandling()) {
			checkDeadLetterTopic(settings, container);
			DefaultErrorHandler errorHandler = this.errorHandlers.errorHandler(client, settings);
			if (properties.getKafkaAwareTransactionManager() != null || properties.getTransactionManager() != null) {
				// In a transaction the records behind a failed one must be delivered again
				// in a new one: retried in memory, the failed attempt's output would be
				// committed with the retry's.
				errorHandler.setSeekAfterError(true);
			}
			container.setCommonErrorHandler(errorHandler);
			if (settings.poisonPillSafety() && properties.getMessageListener() instanceof BatchMessageListener<?, ?>) {
				BatchInterceptor existing = container.getBatchInterceptor();
				BatchInterceptor poisonPills = new PoisonPillBatchInterceptor<>(
						this.errorHandlers.recoverer(client, listenerId), true, true);
				((ConcurrentMessageListenerContainer) container).setBatchInterceptor((existing != null)
						? new CompositeBatchInterceptor(poisonPills, existing) : poisonPills);
			}
		}
		else if (container.getCommonErrorHandler() != null) {
			logger.debug("Listener {} keeps the error handler the application gave it", listenerId);
		}
		else {
			logger.debug("Listener {} keeps Spring Kafka's default error handling ({} is false)", listenerId,
					settings.propertyFor("error-handling"));
		}
		if (settings.poisonPillSafety()) {
			Properties wrapped = PoisonPillSafety.wrapConfigured(properties.getKafkaConsumerProperties(),
					this.classLoader);
			if (wrapped != null) {
				properties.setKafkaConsumerProperties(wrapped);
			}
		}
		staticMembership(client, container, settings);
	}

	private void checkDeadLetterTopic(ListenerReliabilitySettings settings,
			ConcurrentMessageListenerContainer<?, ?> container) {
		ConsumerReliabilityProperties.DeadLetter deadLetter = settings.deadLetter();
		if (!deadLetter.isEnabled()) {
			return;
		}
		ContainerProperties properties = container.getContainerProperties();
		String[] topics = properties.getTopics();
		if (topics != null) {
			for (String topic : topics) {
				checkDeadLetterTopic(settings, container, topic, deadLetter.topicFor(topic).equals(topic));
			}
		}
		TopicPartitionOffset[] partitions = properties.getTopicPartitions();
		if (partitions != null) {
			for (TopicPartitionOffset partition : partitions) {
				String topic = partition.getTopic();
				checkDeadLetterTopic(settings, container, topic, deadLetter.topicFor(topic).equals(topic));
			}
		}
		Pattern pattern = properties.getTopicPattern();
		String fixed = deadLetter.getTopic();
		if (pattern != null && StringUtils.hasText(fixed) && pattern.matcher(fixed).matches()) {
			checkDeadLetterTopic(settings, container, fixed, true);
		}
	}

	private void checkDeadLetterTopic(ListenerReliabilitySettings settings,
			ConcurrentMessageListenerContainer<?, ?> container, String topic, boolean same) {
		if (!same) {
			return;
		}
		boolean fixed = StringUtils.hasText(settings.deadLetter().getTopic());
		String property = settings.propertyFor(fixed ? "dead-letter.topic" : "dead-letter.topic-suffix");
		throw new KafkaStarterConfigurationException(property,
				fixed ? settings.deadLetter().getTopic() : settings.deadLetter().getTopicSuffix(),
				"Listener '" + container.getListenerId() + "' reads topic '" + topic
						+ "' and would send its failed records to that same topic, where they would fail again, "
						+ "for ever.",
				"Give the dead letters a topic of their own, for example '" + property.replace("topic-suffix", "topic")
						+ "=" + topic + ".DLT', or remove '" + property + "' to use '<topic>.DLT'.");
	}

	private static String listenerName(ConcurrentMessageListenerContainer<?, ?> container) {
		String listenerId = container.getListenerId();
		if (listenerId != null) {
			return listenerId;
		}
		// A container made in code without an id: name it by what it reads.
		String[] topics = container.getContainerProperties().getTopics();
		return (topics != null) ? String.join("_", topics) : "container";
	}

	private void staticMembership(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container,
			ListenerReliabilitySettings settings) {
		ContainerProperties properties = container.getContainerProperties();
		String group = container.getGroupId();
		if (!StringUtils.hasText(group) || properties.getTopicPartitions() != null) {
			// Manually assigned partitions: no group membership to keep.
			return;
		}
		String ownId = properties.getKafkaConsumerProperties().getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		// The client's consumer factory: the one Spring Kafka reads group.instance.id from
		// when the listener does not set it.
		Object factoryId = client.consumerFactory()
			.getConfigurationProperties()
			.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		String explicit = StringUtils.hasText(ownId) ? ownId
				: (factoryId != null && StringUtils.hasText(factoryId.toString())) ? factoryId.toString() : null;
		String listenerId = listenerName(container);
		if (explicit != null) {
			String previous = this.explicitInstanceIds.putIfAbsent(group + '\u0000' + explicit, listenerId);
			if (previous != null && !previous.equals(listenerId)) {
				String property = StringUtils.hasText(ownId) ? "@KafkaListener(id = \"" + listenerId + "\") properties"
						: (client.isDefault() ? "spring.kafka" : KafkaClientNames.prefix(client.name()))
								+ ".consumer.properties[group.instance.id]";
				throw new KafkaStarterConfigurationException(property, explicit,
						"Listeners '" + previous + "' and '" + listenerId + "' both join group '" + group
								+ "' as group.instance.id '" + explicit + "'. Static membership needs one id per "
								+ "consumer: the broker would fence one of them whenever the other joins.",
						"Remove the explicit group.instance.id and set "
								+ "'kafka.starter.consumer.static-membership.enabled=true', which gives every "
								+ "listener and concurrency slot its own stable id, or give each listener its own id.");
			}
			return;
		}
		if (!settings.staticMembership().isEnabled()) {
			return;
		}
		String instance = StaticMembershipIds.instance(settings.staticMembership().getInstanceId(), this.environment);
		if (instance == null) {
			throw StaticMembershipIds.missingInstance("kafka.starter.consumer.static-membership.instance-id");
		}
		String application = this.environment.getProperty("spring.application.name", "application");
		String id = StaticMembershipIds.of(application, instance, listenerId);
		Properties consumerProperties = new Properties();
		consumerProperties.putAll(properties.getKafkaConsumerProperties());
		consumerProperties.setProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id);
		properties.setKafkaConsumerProperties(consumerProperties);
		logger.debug("Listener {} joins group {} as static member {}", listenerId, group, id);
	}

}
