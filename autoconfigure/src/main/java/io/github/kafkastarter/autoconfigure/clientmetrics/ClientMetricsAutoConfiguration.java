package io.github.kafkastarter.autoconfigure.clientmetrics;

import java.time.Clock;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Fallback;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.TaskScheduler;

/**
 * Micrometer on every client, the default one and every named one: Kafka's own client
 * metrics tagged {@code client}, producer back-pressure and record meters. Each is a
 * {@link KafkaClientCustomizer}, replaceable by declaring a bean of the same name.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration" })
@ConditionalOnClass(KafkaTemplate.class)
@EnableConfigurationProperties(ClientMetricsProperties.class)
final class ClientMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ MeterRegistry.class, KafkaClientMetrics.class })
	@ConditionalOnBean(MeterRegistry.class)
	static class MeterRegistryConfiguration {

		@Bean
		@Fallback
		@ConditionalOnBooleanProperty(name = "kafka.starter.client-metrics.enabled", matchIfMissing = true)
		@ConditionalOnMissingBean(name = "kafkaStarterClientMetricsCustomizer")
		KafkaClientCustomizer kafkaStarterClientMetricsCustomizer(MeterRegistry registry,
				ProducerBackPressure backPressure, ProducerSkewWindows skewWindows) {
			return new ClientMetricsCustomizer(registry, backPressure, skewWindows);
		}

		@Bean
		@ConditionalOnBooleanProperty(name = "kafka.starter.client-metrics.enabled", matchIfMissing = true)
		@ConditionalOnMissingBean
		ProducerBackPressure kafkaStarterProducerBackPressure() {
			return new ProducerBackPressure(Clock.systemUTC());
		}

		@Bean
		@ConditionalOnBooleanProperty(name = "kafka.starter.client-metrics.enabled", matchIfMissing = true)
		@ConditionalOnMissingBean
		ProducerSkewWindows kafkaStarterProducerSkewWindows(ListableBeanFactory beanFactory,
				ClientMetricsProperties properties) {
			// Looked up when the windows start: the customizer that feeds them runs while
			// Kafka beans are created. Without the starter's clients there is nothing to roll.
			return new ProducerSkewWindows(() -> beanFactory.containsBean(KafkaClients.TASK_SCHEDULER)
					? beanFactory.getBean(KafkaClients.TASK_SCHEDULER, TaskScheduler.class) : null,
					properties.getSkewWindow());
		}

	}

}
