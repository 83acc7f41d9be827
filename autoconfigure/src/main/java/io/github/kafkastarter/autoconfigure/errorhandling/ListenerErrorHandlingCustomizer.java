package io.github.kafkastarter.autoconfigure.errorhandling;

import java.util.regex.Pattern;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.consumer.ConsumerReliabilityProperties;
import io.github.kafkastarter.autoconfigure.consumer.ListenerReliabilitySettings;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.util.StringUtils;

/**
 * Gives every listener container, as it is created, retries and dead letters from
 * properties, unless the application gave it an error handler of its own.
 */
final class ListenerErrorHandlingCustomizer implements KafkaClientCustomizer, Ordered {

	// Before the parallel and priority listener customizers: they wrap the error handler
	// this one sets, whatever order the auto-configurations were registered in.
	static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private static final Logger logger = LoggerFactory.getLogger(ListenerErrorHandlingCustomizer.class);

	private final ListenerErrorHandlers errorHandlers;

	ListenerErrorHandlingCustomizer(ListenerErrorHandlers errorHandlers) {
		this.errorHandlers = errorHandlers;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
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
		}
		else if (container.getCommonErrorHandler() != null) {
			logger.debug("Listener {} keeps the error handler the application gave it", listenerId);
		}
		else {
			logger.debug("Listener {} keeps Spring Kafka's default error handling ({} is false)", listenerId,
					settings.propertyFor("error-handling"));
		}
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

}
