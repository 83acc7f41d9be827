package io.github.kafkastarter.autoconfigure.clientmetrics;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;

import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Switches Micrometer observation on for the templates and listener containers of every
 * client whose {@code observation.enabled} setting is true. Runs after Spring Boot (and the
 * named clients) applied their own observation properties, so it only ever switches on.
 */
final class ObservationCustomizer implements KafkaClientCustomizer {

	@Override
	public void customizeTemplate(KafkaClient client, KafkaTemplate<?, ?> template) {
		if (enabled(client)) {
			template.setObservationEnabled(true);
		}
	}

	@Override
	public void customizeListenerContainerFactory(KafkaClient client,
			ConcurrentKafkaListenerContainerFactory<?, ?> factory) {
		if (enabled(client)) {
			factory.getContainerProperties().setObservationEnabled(true);
		}
	}

	private static boolean enabled(KafkaClient client) {
		return client.settings("observation", ObservationProperties.class).isEnabled();
	}

}
