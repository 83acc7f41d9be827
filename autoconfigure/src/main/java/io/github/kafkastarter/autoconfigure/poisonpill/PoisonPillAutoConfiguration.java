package io.github.kafkastarter.autoconfigure.poisonpill;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.consumer.ConsumerReliabilityProperties;
import io.github.kafkastarter.autoconfigure.errorhandling.ListenerErrorHandlers;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
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
 * Poison-pill safety for every client, default and named: a record that cannot be
 * deserialized goes to the dead-letter topic instead of stopping its container.
 */
@AutoConfiguration(afterName = { "io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.errorhandling.ListenerErrorHandlingAutoConfiguration" })
@ConditionalOnClass({ KafkaTemplate.class, KafkaProperties.class })
@ConditionalOnBean(KafkaProperties.class)
@EnableConfigurationProperties(ConsumerReliabilityProperties.class)
final class PoisonPillAutoConfiguration {

	// A fallback: a KafkaClientCustomizer of the application is the one a lookup by type
	// finds; all of them are applied.
	@Bean
	@Fallback
	@ConditionalOnMissingBean(name = "kafkaStarterPoisonPills")
	KafkaClientCustomizer kafkaStarterPoisonPills(ObjectProvider<ListenerErrorHandlers> errorHandlers,
			Environment environment, ListableBeanFactory beanFactory) {
		ClassLoader classLoader = (beanFactory instanceof ConfigurableBeanFactory configurable
				&& configurable.getBeanClassLoader() != null) ? configurable.getBeanClassLoader()
						: PoisonPillAutoConfiguration.class.getClassLoader();
		return new PoisonPillCustomizer(errorHandlers, Binder.get(environment), classLoader);
	}

}
