package io.github.kafkastarter.autoconfigure.groupactivity;

import java.time.Clock;

import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.util.function.SingletonSupplier;

/**
 * Watches the consumer groups of every client's listener containers: rebalances and
 * rebalance storms, offset commit failures, consumers without partitions
 * ({@link GroupActivity}). On unless {@code kafka.starter.group-activity.enabled=false};
 * meters only when there is a {@link MeterRegistry}.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration" })
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBooleanProperty(name = "kafka.starter.group-activity.enabled", matchIfMissing = true)
@EnableConfigurationProperties(GroupActivityProperties.class)
final class GroupActivityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GroupActivity kafkaGroupActivity(GroupActivityProperties properties, ObjectProvider<MeterRegistry> registry,
			ObjectProvider<KafkaClientContainers> containers) {
		return new GroupActivity(properties, SingletonSupplier.ofNullable(registry::getIfUnique), Clock.systemUTC(),
				SingletonSupplier.ofNullable(containers::getIfAvailable));
	}

	// A fallback: a KafkaClientCustomizer of the application is the one a lookup by type
	// finds; all of them are applied.
	@Bean
	@Fallback
	@ConditionalOnMissingBean(name = "kafkaStarterGroupActivityCustomizer")
	KafkaClientCustomizer kafkaStarterGroupActivityCustomizer(GroupActivity activity) {
		return new GroupActivityCustomizer(activity);
	}

}
