package io.github.kafkastarter.autoconfigure.share;

import java.time.Clock;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;
import org.springframework.kafka.config.ShareKafkaListenerContainerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;

/**
 * Share groups (KIP-932) from properties: for the default client a
 * {@code shareConsumerFactory} and a {@code shareKafkaListenerContainerFactory}, for each
 * named client {@code <name>ShareConsumerFactory} and
 * {@code <name>ShareKafkaListenerContainerFactory}. A share-group listener then needs no
 * Java configuration:
 * <pre class="code">
 * &#64;KafkaListener(topics = "jobs", groupId = "workers",
 *         containerFactory = "shareKafkaListenerContainerFactory")
 * void work(Job job) { ... }
 * </pre>
 */
@AutoConfiguration(afterName = "io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration")
@ConditionalOnClass(ShareKafkaListenerContainerFactory.class)
@ConditionalOnBean(KafkaClients.class)
@EnableConfigurationProperties(ShareProperties.class)
final class ShareGroupAutoConfiguration {

	@Bean
	@Fallback
	static NamedShareFactoryRegistrar kafkaStarterNamedShareFactoryRegistrar() {
		return new NamedShareFactoryRegistrar();
	}

	@Bean
	@ConditionalOnMissingBean
	ShareGroupSupport kafkaStarterShareGroupSupport() {
		return new ShareGroupSupport(KafkaClient::sharedAdmin, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean(name = "shareConsumerFactory")
	@ConditionalOnBooleanProperty(name = "kafka.starter.share.enabled", matchIfMissing = true)
	ShareConsumerFactory<Object, Object> shareConsumerFactory(KafkaClients clients) {
		return ShareFactories.consumerFactory(clients.getDefault());
	}

	// A fallback: getBean(KafkaListenerContainerFactory.class) and unqualified injection
	// keep finding Boot's kafkaListenerContainerFactory, and the share factory, the only
	// one of its own type, can still be injected by that type. (A non-default candidate
	// could not: Spring leaves it out of unqualified injection even when it is alone.)
	@Bean
	@Fallback
	@ConditionalOnMissingBean(name = "shareKafkaListenerContainerFactory")
	@ConditionalOnBooleanProperty(name = "kafka.starter.share.enabled", matchIfMissing = true)
	ShareKafkaListenerContainerFactory<Object, Object> shareKafkaListenerContainerFactory(KafkaClients clients,
			@Qualifier("shareConsumerFactory") ShareConsumerFactory<Object, Object> shareConsumerFactory,
			ObjectProvider<KafkaClientContainers> containers, ShareGroupSupport support) {
		return ShareFactories.containerFactory(clients.getDefault(), shareConsumerFactory, containers.getIfAvailable(),
				support);
	}

}
