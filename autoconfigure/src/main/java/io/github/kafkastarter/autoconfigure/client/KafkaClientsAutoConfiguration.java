package io.github.kafkastarter.autoconfigure.client;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Named Kafka clients ({@code kafka.starter.clients.<name>}) beside Spring Boot's default
 * client, the {@link KafkaClients} lookup, the hook that lets every
 * {@link KafkaClientCustomizer} shape every client, and the scheduler of the starter's
 * background work.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnClass({ KafkaTemplate.class, KafkaProperties.class })
@ConditionalOnBean(KafkaProperties.class)
@EnableConfigurationProperties(KafkaClientsProperties.class)
final class KafkaClientsAutoConfiguration {

	static final String TASK_SCHEDULER = KafkaClients.TASK_SCHEDULER;

	// Stopped after every feature that schedules on it (broker health, at phase 0, is the
	// lowest), and started before them.
	static final int TASK_SCHEDULER_PHASE = -1000;

	// Fallbacks: the starter's beans that share a type with Spring's or Boot's never take a
	// lookup by that type away from them.
	@Bean
	@Fallback
	static NamedClientRegistrar kafkaStarterNamedClientRegistrar() {
		return new NamedClientRegistrar();
	}

	@Bean
	static KafkaClientsPostProcessor kafkaStarterClientsPostProcessor() {
		return new KafkaClientsPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	KafkaClients kafkaClients(Environment environment, KafkaProperties properties,
			ObjectProvider<KafkaConnectionDetails> connectionDetails, ObjectProvider<SslBundles> sslBundles,
			ListableBeanFactory beanFactory) {
		Binder binder = Binder.get(environment);
		List<KafkaClient> clients = new ArrayList<>();
		clients.add(new KafkaClient(KafkaClients.DEFAULT_CLIENT, properties, connectionDetails::getObject,
				beanFactory, binder));
		for (String name : KafkaClientNames.declared(binder)) {
			if (!KafkaClientNames.isValid(name)) {
				throw KafkaClientNames.invalidName(name);
			}
			KafkaProperties effective = KafkaClientNames.bindEffective(binder, name);
			NamedClientConnectionDetails.OwnServers ownServers = new NamedClientConnectionDetails.OwnServers(
					KafkaClientNames.ownList(binder, name, "bootstrap-servers"),
					KafkaClientNames.ownList(binder, name, "producer.bootstrap-servers"),
					KafkaClientNames.ownList(binder, name, "consumer.bootstrap-servers"));
			clients.add(new KafkaClient(name, effective, () -> new NamedClientConnectionDetails(name, effective,
					ownServers, connectionDetails::getObject, sslBundles::getIfAvailable), beanFactory, binder));
		}
		return new KafkaClients(clients);
	}

	/**
	 * The starter's scheduler: daemon threads named {@code kafka-starter-}, shut down with
	 * the context. Its tasks are short (broker checks only start the admin's asynchronous
	 * calls), except a lag refresh, which waits on the cluster up to its timeout: one at a
	 * time per client, so two threads more than clients (at most 8) leave the others on
	 * time.
	 */
	@Bean(name = TASK_SCHEDULER, defaultCandidate = false)
	@ConditionalOnMissingBean(name = TASK_SCHEDULER)
	ThreadPoolTaskScheduler kafkaStarterTaskScheduler(KafkaClients clients) {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(Math.min(clients.names().size() + 2, 8));
		scheduler.setThreadNamePrefix("kafka-starter-");
		// A forgotten context never keeps the JVM alive.
		scheduler.setDaemon(true);
		scheduler.setRemoveOnCancelPolicy(true);
		scheduler.setPhase(TASK_SCHEDULER_PHASE);
		// A task interrupted at close ends at once; none should take longer than this.
		scheduler.setAwaitTerminationSeconds(5);
		return scheduler;
	}

	// The starter's customizers are fallbacks: a KafkaClientCustomizer of the
	// application is the one a lookup by type finds; all of them are applied.
	@Bean
	@Fallback
	@ConditionalOnMissingBean
	KafkaClientContainers kafkaClientContainers() {
		return new KafkaClientContainers();
	}

	@Bean
	@ConditionalOnMissingBean
	ListenerEndpoints kafkaStarterListenerEndpoints() {
		return new ListenerEndpoints();
	}

	@Bean
	@Fallback
	@Conditional(OnNamedClientsCondition.class)
	KafkaClientCustomizer kafkaStarterTopicScopingCustomizer(ListableBeanFactory beanFactory) {
		return new TopicScopingCustomizer(beanFactory);
	}

}
