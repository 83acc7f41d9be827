package io.github.kafkastarter.autoconfigure.reliability;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

/**
 * Safe consumer defaults for every client's consumer factories: deserializers wrapped in
 * {@code ErrorHandlingDeserializer} (poison-pill safety), the cooperative-sticky assignor
 * on the classic group protocol, and the group protocol chosen in
 * {@code kafka.starter.consumer.group-protocol}. A value the factory already has is the
 * application's choice and stays.
 */
final class ConsumerDefaultsCustomizer implements KafkaClientCustomizer {

	private final @Nullable ClassLoader classLoader;

	ConsumerDefaultsCustomizer(@Nullable ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	public void customizeConsumerFactory(KafkaClient client, DefaultKafkaConsumerFactory<?, ?> factory) {
		ConsumerReliabilityProperties settings = client.settings("consumer", ConsumerReliabilityProperties.class);
		Map<String, Object> configs = factory.getConfigurationProperties();
		Map<String, Object> updates = new HashMap<>();
		if (settings.isPoisonPillSafety()) {
			PoisonPillSafety.wrap(factory, configs, updates, this.classLoader,
					client.isDefault() ? "the default client" : "client '" + client.name() + "'",
					(client.isDefault() ? "kafka.starter" : KafkaClientNames.prefix(client.name()))
							+ ".consumer.poison-pill-safety");
		}
		Object protocol = configs.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
		if (protocol == null && settings.getGroupProtocol() != null) {
			protocol = settings.getGroupProtocol().name().toLowerCase(Locale.ROOT);
			updates.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
		}
		boolean classic = protocol == null || "classic".equalsIgnoreCase(protocol.toString().trim());
		// The consumer protocol assigns on the broker: Kafka rejects an assignor there.
		if (classic && settings.isCooperativeRebalancing()
				&& !configs.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
			updates.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
					List.of(CooperativeStickyAssignor.class.getName()));
		}
		if (!updates.isEmpty()) {
			factory.updateConfigs(updates);
		}
	}

}
