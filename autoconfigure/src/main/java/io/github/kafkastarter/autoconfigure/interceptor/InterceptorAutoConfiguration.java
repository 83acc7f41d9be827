package io.github.kafkastarter.autoconfigure.interceptor;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Interceptors as Spring beans: every {@code ProducerInterceptor},
 * {@code ConsumerInterceptor}, {@code RecordInterceptor} and {@code BatchInterceptor} bean
 * applies to every Kafka client, in {@code @Order}, unless limited with
 * {@link io.github.kafkastarter.autoconfigure.client.ForClients @ForClients}.
 */
@AutoConfiguration(afterName = "io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration")
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBooleanProperty(name = "kafka.starter.interceptors.enabled", matchIfMissing = true)
@EnableConfigurationProperties(InterceptorProperties.class)
final class InterceptorAutoConfiguration {

	// The starter's customizers are fallbacks: a KafkaClientCustomizer of the
	// application is the one a lookup by type finds; all of them are applied.
	@Bean
	@Fallback
	KafkaClientCustomizer kafkaStarterInterceptorCustomizer(ListableBeanFactory beanFactory) {
		return new InterceptorClientCustomizer(beanFactory);
	}

}
