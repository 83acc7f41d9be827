package io.github.kafkastarter.autoconfigure.health;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.client.Acks;
import io.github.kafkastarter.autoconfigure.client.AfterStartup;
import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.client.KafkaSecrets;
import io.github.kafkastarter.autoconfigure.clientmetrics.ProducerBackPressure;
import io.github.kafkastarter.autoconfigure.groupactivity.GroupActivity;
import io.github.kafkastarter.autoconfigure.lag.ClientLagMonitor;
import io.github.kafkastarter.autoconfigure.lag.LagMonitorRegistry;
import io.github.kafkastarter.autoconfigure.share.ShareGroupSupport;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Fallback;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ListenerContainerRegistry;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.function.SingletonSupplier;

/**
 * Kafka health for every client, default and named:
 * <ul>
 * <li>{@code kafka}: each client's brokers, checked in the background
 * ({@code management.health.kafka-brokers.enabled});</li>
 * <li>{@code kafkaListeners}: each client's listener containers, from Spring Kafka's
 * container events ({@code management.health.kafka-listeners.enabled});</li>
 * <li>{@code kafkaLag}: each client's consumer lag, from the lag monitor's snapshot, when
 * there is a lag monitor ({@code management.health.kafka-lag.enabled});</li>
 * <li>{@code kafkaProducers}: each client's producer back-pressure (blocked on the buffer
 * pool, failed records), when the client metrics are bound
 * ({@code management.health.kafka-producers.enabled}); UP with a warning unless configured
 * otherwise.</li>
 * </ul>
 * {@code management.health.kafka.enabled=false} switches all three off. With probes on
 * (Spring Boot's default), {@code kafkaListeners} joins {@code liveness} and {@code kafka}
 * {@code kafkaLag} and {@code kafkaProducers} join {@code readiness}.
 */
@AutoConfiguration(after = { HealthContributorAutoConfiguration.class,
				HealthEndpointAutoConfiguration.class,
				AvailabilityProbesAutoConfiguration.class },
		afterName = { "io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.lag.ConsumerLagAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.clientmetrics.ClientMetricsAutoConfiguration" })
@ConditionalOnClass({ HealthContributor.class, KafkaTemplate.class })
@ConditionalOnBean(KafkaClients.class)
@EnableConfigurationProperties(KafkaHealthProperties.class)
final class KafkaHealthAutoConfiguration {

	static final String BROKERS_CONTRIBUTOR = "kafkaHealthContributor";

	static final String LISTENERS_CONTRIBUTOR = "kafkaListenersHealthContributor";

	static final String LAG_CONTRIBUTOR = "kafkaLagHealthContributor";

	static final String PRODUCERS_CONTRIBUTOR = "kafkaProducersHealthContributor";

	@Bean
	@ConditionalOnMissingBean
	ListenerContainerStates kafkaListenerContainerStates(KafkaClients clients, KafkaClientContainers containers,
			ObjectProvider<ListenerContainerRegistry> registries) {
		return new ListenerContainerStates(clients, containers, registries, Clock.systemUTC());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledKafkaHealth("brokers")
	static class BrokerHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BrokerHealthMonitor kafkaBrokerHealthMonitor(KafkaClients clients,
				@Qualifier(KafkaClients.TASK_SCHEDULER) TaskScheduler scheduler,
				ListableBeanFactory beanFactory) {
			List<BrokerCheck> checks = new ArrayList<>();
			for (KafkaClient client : clients) {
				KafkaHealthProperties.Broker settings = client.settings("health.broker",
						KafkaHealthProperties.Broker.class);
				// The admin and producer beans are looked up at the first check, not now:
				// they may not exist yet.
				checks.add(new BrokerCheck(client.name(), settings, client::sharedAdmin,
						() -> KafkaSecrets.values(client.adminConfig()), () -> acksAll(client), Clock.systemUTC()));
			}
			return new BrokerHealthMonitor(checks, scheduler, new AfterStartup(beanFactory));
		}

		// The contributors are fallbacks: Boot's health registry is the HealthContributors
		// bean a lookup by type finds (Boot collects contributors into a map, which
		// includes fallbacks).
		@Bean(BROKERS_CONTRIBUTOR)
		@Fallback
		@ConditionalOnMissingBean(name = BROKERS_CONTRIBUTOR)
		CompositeHealthContributor kafkaHealthContributor(BrokerHealthMonitor monitor,
				ObjectProvider<ShareGroupSupport> shareGroupSupport) {
			Map<String, BrokerHealthIndicator> indicators = new LinkedHashMap<>();
			monitor.checks()
				.forEach((check) -> indicators.put(check.client(), new BrokerHealthIndicator(check, Clock.systemUTC(),
						() -> shareGroups(shareGroupSupport, check.client()))));
			return CompositeHealthContributor.fromMap(indicators);
		}

		private static @Nullable String shareGroups(ObjectProvider<ShareGroupSupport> support, String client) {
			ShareGroupSupport shareGroupSupport = support.getIfAvailable();
			return (shareGroupSupport != null)
					? shareGroupSupport.verdict(client).map(ShareGroupSupport.Verdict::describe).orElse(null) : null;
		}

		/**
		 * Whether the client's producer waits for all in-sync replicas: its effective
		 * {@code acks}, or Kafka's default ({@code all} since Kafka 3.0).
		 */
		static boolean acksAll(KafkaClient client) {
			Object acks;
			try {
				acks = client.producerFactory().getConfigurationProperties().get(ProducerConfig.ACKS_CONFIG);
			}
			catch (RuntimeException ex) {
				acks = client.properties().getProducer().getAcks();
			}
			return Acks.isAll(acks);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledKafkaHealth("listeners")
	static class ListenerHealthConfiguration {

		@Bean(LISTENERS_CONTRIBUTOR)
		@Fallback
		@ConditionalOnMissingBean(name = LISTENERS_CONTRIBUTOR)
		CompositeHealthContributor kafkaListenersHealthContributor(ListenerContainerStates states,
				ObjectProvider<GroupActivity> groupActivity) {
			return new ListenerContainersHealthContributor(states, groupActivity::getIfAvailable);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledKafkaHealth("lag")
	@ConditionalOnBean(LagMonitorRegistry.class)
	static class LagHealthConfiguration {

		@Bean(LAG_CONTRIBUTOR)
		@Fallback
		@ConditionalOnMissingBean(name = LAG_CONTRIBUTOR)
		CompositeHealthContributor kafkaLagHealthContributor(LagMonitorRegistry monitors, KafkaClients clients) {
			Map<String, LagHealthIndicator> indicators = new LinkedHashMap<>();
			for (ClientLagMonitor monitor : monitors.all()) {
				KafkaClient client = clients.contains(monitor.client()) ? clients.get(monitor.client())
						: clients.getDefault();
				KafkaHealthProperties.Lag settings = client.settings("health.lag", KafkaHealthProperties.Lag.class);
				Supplier<List<String>> secrets = SingletonSupplier.of(() -> KafkaSecrets.values(client.adminConfig()));
				indicators.put(monitor.client(), new LagHealthIndicator(monitor, settings, secrets, Clock.systemUTC()));
			}
			return CompositeHealthContributor.fromMap(indicators);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledKafkaHealth("producers")
	@ConditionalOnBean(ProducerBackPressure.class)
	static class ProducerHealthConfiguration {

		@Bean(PRODUCERS_CONTRIBUTOR)
		@Fallback
		@ConditionalOnMissingBean(name = PRODUCERS_CONTRIBUTOR)
		CompositeHealthContributor kafkaProducersHealthContributor(ProducerBackPressure backPressure,
				KafkaClients clients) {
			return new ProducersHealthContributor(backPressure,
					(client) -> (clients.contains(client) ? clients.get(client) : clients.getDefault())
						.settings("health.producers", KafkaHealthProperties.Producers.class),
					Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	@ConditionalOnBooleanProperty(name = "management.endpoint.health.probes.enabled", matchIfMissing = true)
	static class ProbeGroupsConfiguration {

		// A fallback: Boot applies every post-processor; a lookup by type finds Boot's.
		@Bean
		@Fallback
		@ConditionalOnMissingBean
		KafkaProbeGroupsPostProcessor kafkaProbeGroupsPostProcessor(Environment environment,
				ListableBeanFactory beanFactory) {
			Binder binder = Binder.get(environment);
			Map<String, Set<String>> additions = new LinkedHashMap<>();
			additions.put(KafkaProbeGroupsPostProcessor.LIVENESS,
					members(beanFactory, binder, KafkaProbeGroupsPostProcessor.LIVENESS, LISTENERS_CONTRIBUTOR));
			additions.put(KafkaProbeGroupsPostProcessor.READINESS, members(beanFactory, binder,
					KafkaProbeGroupsPostProcessor.READINESS, BROKERS_CONTRIBUTOR, LAG_CONTRIBUTOR,
					PRODUCERS_CONTRIBUTOR));
			return new KafkaProbeGroupsPostProcessor(additions);
		}

		private static Set<String> members(ListableBeanFactory beanFactory, Binder binder, String group,
				String... contributorBeans) {
			String prefix = "management.endpoint.health.group." + group;
			if (binder.bind(prefix + ".include", Bindable.setOf(String.class)).isBound()
					|| binder.bind(prefix + ".exclude", Bindable.setOf(String.class)).isBound()) {
				// The user chose this group's members; adding ours would override that choice.
				return Set.of();
			}
			Set<String> members = new LinkedHashSet<>();
			for (String bean : contributorBeans) {
				if (beanFactory.containsBean(bean)) {
					// Spring Boot names a contributor after its bean, minus the suffix.
					members.add(bean.substring(0, bean.length() - "HealthContributor".length()));
				}
			}
			return members;
		}

	}

}
