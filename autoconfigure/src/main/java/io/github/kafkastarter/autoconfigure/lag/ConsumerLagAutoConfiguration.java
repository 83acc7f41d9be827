package io.github.kafkastarter.autoconfigure.lag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.client.AfterStartup;
import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.TaskScheduler;

/**
 * Consumer lag of every client's groups, watched in the background: one
 * {@link ClientLagMonitor} per client (the default one and every named one), looked up
 * through {@link LagMonitorRegistry}.
 */
@AutoConfiguration(afterName = "io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration")
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBean(KafkaClients.class)
@ConditionalOnBooleanProperty(name = "kafka.starter.lag.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LagProperties.class)
final class ConsumerLagAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(LagMonitorRegistry.class)
	LagRefreshScheduler kafkaStarterConsumerLagMonitoring(KafkaClients clients, KafkaClientContainers containers,
			Environment environment, @Qualifier(KafkaClients.TASK_SCHEDULER) TaskScheduler scheduler,
			ListableBeanFactory beanFactory) {
		Binder binder = Binder.get(environment);
		List<AdminLagMonitor> monitors = new ArrayList<>();
		for (KafkaClient client : clients) {
			LagProperties settings = settings(client, binder);
			if (settings.isEnabled()) {
				monitors.add(new AdminLagMonitor(client.name(), settings,
						new ContainerGroups(client.name(), containers, settings.getGroups()), client::sharedAdmin,
						() -> readerConfigs(client), () -> isolationLevel(client)));
			}
		}
		return new LagRefreshScheduler(monitors, scheduler, new AfterStartup(beanFactory));
	}

	@Bean
	@ConditionalOnMissingBean
	LagMonitorRegistry consumerLagMonitors(LagRefreshScheduler monitoring) {
		return new LagMonitorRegistry(monitoring.monitors());
	}

	/**
	 * A client's lag settings: {@code kafka.starter.lag}, then the client's own
	 * {@code kafka.starter.clients.<name>.lag} on top; except the groups, which name groups
	 * of one cluster: a named client watches only the groups listed under its own key.
	 * @param client the client
	 * @param binder the binder over the environment
	 * @return the settings
	 */
	static LagProperties settings(KafkaClient client, Binder binder) {
		LagProperties settings = client.settings("lag", LagProperties.class);
		if (!client.isDefault()) {
			settings.setGroups(binder
				.bind(ConfigurationPropertyName.adapt(KafkaClientNames.prefix(client.name()) + ".lag.groups", '.'),
						Bindable.listOf(String.class))
				.orElseGet(ArrayList::new));
		}
		return settings;
	}

	/**
	 * The configuration of the consumer that reads the ends of partitions: the client's
	 * connection, with a client id that ends in {@code -tail}.
	 */
	static Map<String, Object> readerConfigs(KafkaClient client) {
		Map<String, Object> configs = client.adminConfig();
		configs.put(ConsumerConfig.CLIENT_ID_CONFIG, client.clientId("lag") + "-tail");
		return configs;
	}

	/**
	 * The isolation level of the client's consumers: a read_committed consumer cannot read
	 * past the last stable offset, so that is where its lag ends.
	 */
	private static IsolationLevel isolationLevel(KafkaClient client) {
		Object level;
		try {
			ConsumerFactory<?, ?> factory = client.consumerFactory();
			level = factory.getConfigurationProperties().get(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
		}
		catch (IllegalStateException ex) {
			level = client.properties().buildConsumerProperties().get(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
		}
		if (level instanceof IsolationLevel isolationLevel) {
			return isolationLevel;
		}
		return (level != null && "read_committed".equals(level.toString().toLowerCase(Locale.ROOT)))
				? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED;
	}

}
