package io.github.kafkastarter.autoconfigure.priority;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.TaskScheduler;

/**
 * Priority topics: a listener that reads several topics ranks them with
 * {@code kafka.starter.priority.listeners.<id>.topics}.
 */
@AutoConfiguration(afterName = "io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration")
@ConditionalOnClass(KafkaTemplate.class)
@EnableConfigurationProperties(PriorityProperties.class)
final class PriorityTopicsAutoConfiguration {

	// The starter's customizers are fallbacks: a KafkaClientCustomizer of the
	// application is the one a lookup by type finds; all of them are applied.
	@Bean
	@Fallback
	@ConditionalOnMissingBean(name = "kafkaStarterPriorityListenerCustomizer")
	KafkaClientCustomizer kafkaStarterPriorityListenerCustomizer(Environment environment, BeanFactory beanFactory) {
		return new PriorityListenerCustomizer(Binder.get(environment),
				() -> beanFactory.getBean(KafkaClients.TASK_SCHEDULER, TaskScheduler.class));
	}

}
