package io.github.kafkastarter.autoconfigure.membership;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.consumer.ConsumerReliabilityProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Consumer group membership for every client, default and named: the group protocol,
 * cooperative rebalancing on the classic protocol and static membership.
 */
@AutoConfiguration(afterName = "io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration")
@ConditionalOnClass({ KafkaTemplate.class, KafkaProperties.class })
@ConditionalOnBean(KafkaProperties.class)
@EnableConfigurationProperties(ConsumerReliabilityProperties.class)
final class GroupMembershipAutoConfiguration {

	// A fallback: a KafkaClientCustomizer of the application is the one a lookup by type
	// finds; all of them are applied.
	@Bean
	@Fallback
	@ConditionalOnMissingBean(name = "kafkaStarterConsumerDefaults")
	KafkaClientCustomizer kafkaStarterConsumerDefaults(Environment environment) {
		return new GroupMembershipCustomizer(environment);
	}

}
