package io.github.kafkastarter.autoconfigure.lag;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.SslConfigs;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.SslBundleSslEngineFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.util.StringUtils;

/**
 * Consumer lag of every client's groups, watched in the background: one
 * {@link ConsumerLagMonitor} per client (the default one and every named one), looked up
 * through {@link ConsumerLagMonitors}.
 */
@AutoConfiguration(after = KafkaClientsAutoConfiguration.class)
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBean(KafkaClients.class)
@ConditionalOnBooleanProperty(name = "kafka.starter.lag.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LagProperties.class)
public final class ConsumerLagAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ConsumerLagMonitors.class)
	ConsumerLagMonitoring kafkaStarterConsumerLagMonitoring(KafkaClients clients, KafkaClientContainers containers,
			Environment environment) {
		Binder binder = Binder.get(environment);
		List<AdminConsumerLagMonitor> monitors = new ArrayList<>();
		for (KafkaClient client : clients) {
			LagProperties settings = settings(client, binder);
			if (settings.isEnabled()) {
				monitors.add(new AdminConsumerLagMonitor(client.name(), settings,
						new ContainerGroups(client.name(), containers, settings.getGroups()),
						() -> adminConfigs(client), Admin::create, clientIdBase(client, environment),
						() -> isolationLevel(client)));
			}
		}
		return new ConsumerLagMonitoring(monitors);
	}

	@Bean
	@ConditionalOnMissingBean
	ConsumerLagMonitors consumerLagMonitors(ConsumerLagMonitoring monitoring) {
		return new ConsumerLagMonitors(monitoring.monitors());
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
	 * The admin configuration of a client, as its {@code KafkaAdmin} has it, or built like
	 * Spring Boot builds it when the application has replaced the admin.
	 */
	private static Map<String, Object> adminConfigs(KafkaClient client) {
		try {
			return client.admin().getConfigurationProperties();
		}
		catch (IllegalStateException ex) {
			Map<String, Object> configs = client.properties().buildAdminProperties();
			KafkaConnectionDetails.Configuration connection = client.connectionDetails().getAdmin();
			configs.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getBootstrapServers());
			if (StringUtils.hasLength(connection.getSecurityProtocol())) {
				configs.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, connection.getSecurityProtocol());
			}
			SslBundle bundle = connection.getSslBundle();
			if (bundle != null) {
				configs.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, SslBundleSslEngineFactory.class);
				configs.put(SslBundle.class.getName(), bundle);
			}
			return new HashMap<>(configs);
		}
	}

	/**
	 * The start of the lag admin's client id, so broker logs and quotas can tell it apart:
	 * the client's {@code client-id}, else the application name, then {@code -lag} and, where
	 * the name does not say so already, the client name.
	 */
	static String clientIdBase(KafkaClient client, Environment environment) {
		String base = client.properties().getClientId();
		if (!StringUtils.hasText(base)) {
			base = environment.getProperty("spring.application.name");
		}
		if (!StringUtils.hasText(base)) {
			base = "kafka-starter";
		}
		return base.equals(client.name()) ? base + "-lag" : base + "-lag-" + client.name();
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
