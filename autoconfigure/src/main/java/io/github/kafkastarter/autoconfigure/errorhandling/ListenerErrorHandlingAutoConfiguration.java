package io.github.kafkastarter.autoconfigure.errorhandling;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.consumer.ConsumerReliabilityProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Listener error handling for every client, default and named: retries and dead letters
 * from properties on every listener container, and the {@link ListenerErrorHandlers} bean
 * that other ways of consuming take them from.
 */
@AutoConfiguration(afterName = "io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration")
@ConditionalOnClass({ KafkaTemplate.class, KafkaProperties.class })
@ConditionalOnBean(KafkaProperties.class)
@EnableConfigurationProperties(ConsumerReliabilityProperties.class)
final class ListenerErrorHandlingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ListenerErrorHandlers kafkaStarterListenerErrorHandlers(Environment environment) {
		return new ListenerErrorHandlers(Binder.get(environment));
	}

	// A fallback: a KafkaClientCustomizer of the application is the one a lookup by type
	// finds; all of them are applied.
	@Bean
	@Fallback
	@ConditionalOnMissingBean(name = "kafkaStarterListenerReliability")
	KafkaClientCustomizer kafkaStarterListenerReliability(ListenerErrorHandlers errorHandlers) {
		return new ListenerErrorHandlingCustomizer(errorHandlers);
	}

}
