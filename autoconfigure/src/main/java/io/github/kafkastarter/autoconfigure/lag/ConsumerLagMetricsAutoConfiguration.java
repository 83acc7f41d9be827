package io.github.kafkastarter.autoconfigure.lag;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Consumer lag as Micrometer gauges, read from the lag monitors' snapshots only; when the
 * application has a {@link MeterRegistry}.
 */
@AutoConfiguration(after = ConsumerLagAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, LagRefreshScheduler.class })
final class ConsumerLagMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConsumerLagMeters kafkaStarterConsumerLagMeters(MeterRegistry registry, LagRefreshScheduler monitoring) {
		return new ConsumerLagMeters(registry, monitoring);
	}

}
