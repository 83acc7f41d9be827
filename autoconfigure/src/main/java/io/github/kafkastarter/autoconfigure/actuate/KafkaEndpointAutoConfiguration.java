package io.github.kafkastarter.autoconfigure.actuate;

import java.time.Clock;

import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.groupactivity.GroupActivity;
import io.github.kafkastarter.autoconfigure.health.ListenerContainerStates;
import io.github.kafkastarter.autoconfigure.lag.LagMonitorRegistry;
import io.github.kafkastarter.autoconfigure.parallel.ParallelListeners;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ListenerContainerRegistry;

/**
 * The {@code kafka} actuator endpoint, when the application exposes it (like Spring Boot's
 * own endpoints, it is not exposed over HTTP unless
 * {@code management.endpoints.web.exposure.include} names it). Read-only unless
 * {@code management.endpoint.kafka.access=unrestricted}.
 */
@AutoConfiguration(after = EndpointAutoConfiguration.class,
		afterName = { "io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.lag.ConsumerLagAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.health.KafkaHealthAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.parallel.ParallelListenerAutoConfiguration" })
@ConditionalOnClass({ Endpoint.class, KafkaTemplate.class })
@ConditionalOnBean(KafkaClients.class)
@ConditionalOnAvailableEndpoint(KafkaEndpoint.class)
@EnableConfigurationProperties({ KafkaEndpointProperties.class, KafkaConsoleProperties.class })
final class KafkaEndpointAutoConfiguration {

	static final String DEV_BROKER_BEAN = "kafkaStarterDevBroker";

	// Also declared by the health auto-configuration; the endpoint needs it without health.
	@Bean
	@ConditionalOnMissingBean
	ListenerContainerStates kafkaListenerContainerStates(KafkaClients clients, KafkaClientContainers containers,
			ObjectProvider<ListenerContainerRegistry> registries) {
		return new ListenerContainerStates(clients, containers, registries, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	KafkaEndpoint kafkaEndpoint(KafkaClients clients, ListenerContainerStates states,
			ObjectProvider<LagMonitorRegistry> lagMonitors, ObjectProvider<SanitizingFunction> sanitizingFunctions,
			KafkaEndpointProperties properties, KafkaConsoleProperties console,
			ObjectProvider<EndpointAccessResolver> accessResolver, ListableBeanFactory beanFactory,
			ObjectProvider<GroupActivity> groupActivity, ObjectProvider<ParallelListeners> parallelListeners) {
		return new KafkaEndpoint(clients, states, lagMonitors,
				new KafkaConfigurationSanitizer(sanitizingFunctions.orderedStream().toList()), properties.getTimeout(),
				consoleSettings(console, accessResolver.getIfAvailable(), beanFactory), groupActivity::getIfAvailable, parallelListeners::getIfAvailable);
	}

	/**
	 * Whether the write operations are allowed (as Spring Boot decides from
	 * {@code management.endpoint.kafka.access} and
	 * {@code management.endpoints.access.*}), and whether records are on: as set, or when
	 * the dev broker runs (its bean, looked up by name, so that this package does not
	 * depend on the dev broker's).
	 */
	static KafkaEndpoint.ConsoleSettings consoleSettings(KafkaConsoleProperties console,
			@Nullable EndpointAccessResolver accessResolver, ListableBeanFactory beanFactory) {
		Access access = (accessResolver != null) ? accessResolver.accessFor(EndpointId.of("kafka"), Access.READ_ONLY)
				: Access.READ_ONLY;
		Boolean records = console.getRecords();
		return KafkaEndpoint.ConsoleSettings.of(access == Access.UNRESTRICTED,
				(records != null) ? records : beanFactory.containsBean(DEV_BROKER_BEAN));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(KafkaEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	KafkaEndpointWebExtension kafkaEndpointWebExtension(KafkaEndpoint endpoint) {
		return new KafkaEndpointWebExtension(endpoint);
	}

}
