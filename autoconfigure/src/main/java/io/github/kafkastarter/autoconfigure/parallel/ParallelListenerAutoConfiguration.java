package io.github.kafkastarter.autoconfigure.parallel;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Fallback;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Key-ordered parallel listeners: see {@link ParallelListener}.
 */
@AutoConfiguration(afterName = "io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration")
@ConditionalOnClass(KafkaTemplate.class)
@EnableConfigurationProperties(ParallelProperties.class)
final class ParallelListenerAutoConfiguration {

	@Bean
	static ParallelListenerAnnotations kafkaStarterParallelListenerAnnotations() {
		return new ParallelListenerAnnotations();
	}

	@Bean
	@ConditionalOnMissingBean
	ParallelListeners parallelListeners() {
		return new ParallelListeners();
	}

	// A fallback, like every customizer of the starter: a lookup by type finds the
	// application's own; all of them are applied.
	@Bean
	@Fallback
	KafkaClientCustomizer kafkaStarterParallelListenerCustomizer(Environment environment,
			ParallelListenerAnnotations annotations, ParallelListeners listeners, ParallelProperties properties) {
		return new ParallelListenerCustomizer(Binder.get(environment), annotations, listeners,
				properties.isVirtualThreads());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class ParallelListenerMetricsConfiguration {

		ParallelListenerMetricsConfiguration(ParallelListeners listeners, ObjectProvider<MeterRegistry> registries) {
			// Gauges read the live counters. Micrometer holds a gauge's object weakly and
			// Stats is a view made for the gauge: hold it strongly, or it reads NaN after a GC.
			listeners.onRegister((stats) -> registries.forEach((registry) -> {
				Gauge.builder("kafka.listener.parallel.in.flight", stats, ParallelListeners.Stats::inFlight)
					.tag("listener", stats.listenerId())
					.description("Records taken by a parallel listener and not finished")
					.strongReference(true)
					.register(registry);
				Gauge.builder("kafka.listener.parallel.held", stats, ParallelListeners.Stats::held)
					.tag("listener", stats.listenerId())
					.description("Records a parallel listener holds in memory until they can be committed")
					.strongReference(true)
					.register(registry);
				Gauge.builder("kafka.listener.parallel.running", stats, ParallelListeners.Stats::running)
					.tag("listener", stats.listenerId())
					.description("Records running in a parallel listener")
					.strongReference(true)
					.register(registry);
			}));
		}

	}

}
