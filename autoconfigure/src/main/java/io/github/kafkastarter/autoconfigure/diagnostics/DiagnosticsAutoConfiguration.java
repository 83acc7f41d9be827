package io.github.kafkastarter.autoconfigure.diagnostics;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Start-up checks of the Kafka configuration; see {@link ConfigurationChecks}.
 */
@AutoConfiguration
@ConditionalOnClass({ KafkaTemplate.class, KafkaProperties.class })
final class DiagnosticsAutoConfiguration {

	// A fallback, like every bean of the starter that shares a type with Boot's: a lookup
	// of BeanDefinitionRegistryPostProcessor by type keeps finding Spring's own.
	@Bean
	@Fallback
	static ConfigurationChecks kafkaStarterConfigurationChecks() {
		return new ConfigurationChecks();
	}

}
