package io.github.kafkastarter.autoconfigure.groupactivity;

import java.util.Collection;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.KafkaSecrets;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * Puts the watchers of {@link GroupActivity} on every client: a rebalance listener on each
 * listener container (wrapping whatever listener it already has) and a commit observer on
 * each consumer factory.
 */
final class GroupActivityCustomizer implements KafkaClientCustomizer {

	private final GroupActivity activity;

	GroupActivityCustomizer(GroupActivity activity) {
		this.activity = activity;
	}

	@Override
	public void customizeConsumerFactory(KafkaClient client, DefaultKafkaConsumerFactory<?, ?> factory) {
		if (factory.getPostProcessors().stream().anyMatch(CommitObserver.class::isInstance)) {
			return;
		}
		Collection<String> secrets = KafkaSecrets.values(factory.getConfigurationProperties());
		factory.addPostProcessor(new CommitObserver<>(this.activity, client.name(), secrets));
	}

	@Override
	public void customizeContainer(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
		ContainerProperties properties = container.getContainerProperties();
		if (properties.getConsumerRebalanceListener() instanceof ObservingRebalanceListener) {
			return;
		}
		properties.setConsumerRebalanceListener(new ObservingRebalanceListener(
				properties.getConsumerRebalanceListener(), this.activity, client.name()));
	}

}
