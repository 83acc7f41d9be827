package io.github.kafkastarter.autoconfigure.latency;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The end-to-end latency timer {@code kafka.consumer.e2e.latency} on every consumer of
 * every client, the default one and every named one, when there is a {@link MeterRegistry}.
 * Replaceable by declaring a bean named {@code kafkaStarterEndToEndLatencyCustomizer}.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration" })
@ConditionalOnClass({ KafkaTemplate.class, MeterRegistry.class })
@ConditionalOnBean(MeterRegistry.class)
@EnableConfigurationProperties(EndToEndLatencyProperties.class)
final class EndToEndLatencyAutoConfiguration {

	// A fallback: a KafkaClientCustomizer of the application is the one a lookup by type
	// finds; all of them are applied.
	@Bean
	@Fallback
	@ConditionalOnBooleanProperty(name = "kafka.starter.e2e.enabled", matchIfMissing = true)
	@ConditionalOnMissingBean(name = "kafkaStarterEndToEndLatencyCustomizer")
	KafkaClientCustomizer kafkaStarterEndToEndLatencyCustomizer(MeterRegistry registry,
			EndToEndLatencyProperties properties) {
		return new EndToEndLatencyCustomizer(registry, properties);
	}

}
