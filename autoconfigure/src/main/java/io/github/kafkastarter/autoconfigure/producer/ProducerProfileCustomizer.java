package io.github.kafkastarter.autoconfigure.producer;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * Applies each client's producer profile ({@code kafka.starter.producer.profile}) to its
 * producer factories, leaving every key the factory already has as it is, and logs the
 * effective settings once per client.
 */
final class ProducerProfileCustomizer implements KafkaClientCustomizer {

	private static final Logger logger = LoggerFactory.getLogger(ProducerProfileCustomizer.class);

	private final BiFunction<String, Object, Object> sanitizer;

	private final Set<String> logged = ConcurrentHashMap.newKeySet();

	ProducerProfileCustomizer(BiFunction<String, Object, Object> sanitizer) {
		this.sanitizer = sanitizer;
	}

	@Override
	public void customizeProducerFactory(KafkaClient client, DefaultKafkaProducerFactory<?, ?> factory) {
		ProducerReliabilityProperties settings = client.settings("producer", ProducerReliabilityProperties.class);
		Map<String, Object> configs = factory.getConfigurationProperties();
		boolean transactional = factory.getTransactionIdPrefix() != null
				|| configs.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		EffectiveProducerSettings effective = EffectiveProducerSettings.resolve(settings.getProfile(), configs,
				transactional);
		if (!effective.additions().isEmpty()) {
			factory.updateConfigs(effective.additions());
		}
		if (this.logged.add(client.name())) {
			logger.info("Kafka client '{}' producer: {}", client.name(), effective.describe(this.sanitizer));
		}
	}

}
