package io.github.kafkastarter.autoconfigure.devbroker;

import java.util.Arrays;
import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * A real in-process Kafka broker when Kafka's test kit ({@code kafka-test-common-runtime},
 * which spring-kafka-test brings) is on the classpath and no cluster is configured: the
 * default client, and every named client without servers of its own, connect to it
 * through a {@link KafkaConnectionDetails} bean, the way a Testcontainers service
 * connection would. An {@code @EmbeddedKafka} broker of the application wins.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@ConditionalOnClass(name = { "org.apache.kafka.common.test.KafkaClusterTestKit",
		"org.apache.kafka.common.test.TestKitNodes", "kafka.server.BrokerServer" })
@ConditionalOnBooleanProperty(name = "kafka.starter.dev-broker.enabled", matchIfMissing = true)
@Conditional(OnNoConfiguredServersCondition.class)
@ConditionalOnMissingBean(value = KafkaConnectionDetails.class,
		type = "org.springframework.kafka.test.EmbeddedKafkaBroker")
@EnableConfigurationProperties(DevBrokerProperties.class)
final class DevBrokerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DevKafkaBroker kafkaStarterDevBroker(DevBrokerProperties properties) {
		return new DevKafkaBroker(properties);
	}

	@Bean
	KafkaConnectionDetails kafkaStarterDevBrokerConnectionDetails(DevKafkaBroker broker) {
		List<String> servers = Arrays.asList(broker.getBootstrapServers().split(","));
		return () -> servers;
	}

}
