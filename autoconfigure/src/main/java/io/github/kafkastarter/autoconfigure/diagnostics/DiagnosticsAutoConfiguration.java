package io.github.kafkastarter.autoconfigure.diagnostics;

import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Start-up checks of the Kafka configuration; see {@link ConfigurationChecks}; and the check
 * that the topics the application names exist ({@link MissingTopicsCheck}).
 */
@AutoConfiguration
@ConditionalOnClass({ KafkaTemplate.class, KafkaProperties.class })
@EnableConfigurationProperties(MissingTopicsProperties.class)
final class DiagnosticsAutoConfiguration {

	// A fallback, like every bean of the starter that shares a type with Boot's: a lookup
	// of BeanDefinitionRegistryPostProcessor by type keeps finding Spring's own.
	@Bean
	@Fallback
	static ConfigurationChecks kafkaStarterConfigurationChecks() {
		return new ConfigurationChecks();
	}

	@Bean
	@ConditionalOnMissingBean(name = "kafkaStarterMissingTopicsCheck")
	MissingTopicsCheck kafkaStarterMissingTopicsCheck(ObjectProvider<KafkaClients> clients,
			ObjectProvider<KafkaClientContainers> containers, ListableBeanFactory beanFactory) {
		return new MissingTopicsCheck(clients, containers, beanFactory);
	}

}
