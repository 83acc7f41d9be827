package io.github.kafkastarter.autoconfigure.producer;

import java.util.function.BiFunction;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import org.apache.kafka.common.config.types.Password;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Fallback;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.TaskScheduler;

/**
 * Producer reliability for every client, default and named: producer profiles (durable by
 * default) and the start-up durability check.
 */
@AutoConfiguration(afterName = "io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration")
@ConditionalOnClass({ KafkaTemplate.class, KafkaProperties.class })
@ConditionalOnBean(KafkaProperties.class)
@EnableConfigurationProperties(ProducerReliabilityProperties.class)
final class ProducerReliabilityAutoConfiguration {

	// The starter's customizers are fallbacks: a KafkaClientCustomizer of the
	// application is the one a lookup by type finds; all of them are applied.
	@Bean
	@Fallback
	@ConditionalOnMissingBean(name = "kafkaStarterProducerProfiles")
	KafkaClientCustomizer kafkaStarterProducerProfiles(ObjectProvider<LogSanitizer> sanitizer) {
		return new ProducerProfileCustomizer(sanitizer.getIfAvailable(() -> LogSanitizer.KAFKA_ONLY));
	}

	@Bean
	@ConditionalOnMissingBean(name = "kafkaStarterDurabilityVerifier")
	DurabilityVerifier kafkaStarterDurabilityVerifier(KafkaClients clients, ListableBeanFactory beanFactory,
			Environment environment,
			@Qualifier(KafkaClients.TASK_SCHEDULER) TaskScheduler scheduler) {
		return new DurabilityVerifier(clients, beanFactory, environment, scheduler);
	}

	/**
	 * With Actuator present, the effective settings are logged through Spring Boot's
	 * sanitizing, with the application's {@code SanitizingFunction} beans.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.Sanitizer")
	static class ActuatorSanitizing {

		@Bean
		@ConditionalOnMissingBean
		LogSanitizer kafkaStarterLogSanitizer(ObjectProvider<SanitizingFunction> functions) {
			Sanitizer sanitizer = new Sanitizer(functions.orderedStream().toList());
			return (key, value) -> {
				Object masked = LogSanitizer.KAFKA_ONLY.apply(key, value);
				return sanitizer.sanitize(new SanitizableData(null, key, masked), true);
			};
		}

	}

	/**
	 * Masks values before they are logged.
	 */
	@FunctionalInterface
	interface LogSanitizer extends BiFunction<String, Object, Object> {

		/**
		 * Masks what Kafka itself keeps secret (password-typed configuration).
		 */
		LogSanitizer KAFKA_ONLY = (key, value) -> (value instanceof Password) ? Password.HIDDEN : value;

	}

}
