package io.github.kafkastarter.autoconfigure.health;

import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.lag.LagMonitorRegistry;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.ImportAutoConfigs;
import io.github.kafkastarter.autoconfigure.support.RecordingTaskScheduler;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which Kafka health contributors exist, how they are switched off, and how they join
 * Spring Boot's probe groups. No broker: the broker checks run against a closed port.
 */
class KafkaHealthAutoConfigurationTests {

	static final AutoConfigurations HEALTH = AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class,
			EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
			HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
			AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				KafkaHealthAutoConfiguration.class))
		.withConfiguration(HEALTH)
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9", "kafka.starter.clients.audit.client-id=audit");

	@Test
	void brokerAndListenerHealthForEveryClientButNoLagHealthWithoutALagMonitor() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(names(context.getBean("kafkaHealthContributor", CompositeHealthContributor.class)))
				.containsExactly("default", "audit");
			assertThat(context).hasBean("kafkaListenersHealthContributor").doesNotHaveBean("kafkaLagHealthContributor");
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			assertThat(registry.getContributor("kafka")).isNotNull();
			assertThat(registry.getContributor("kafkaListeners")).isNotNull();
		});
	}

	@Test
	void lagHealthForEveryMonitorWhenThereIsALagMonitor() {
		this.runner.withUserConfiguration(LagMonitors.class).run((context) -> {
			assertThat(names(context.getBean("kafkaLagHealthContributor", CompositeHealthContributor.class)))
				.containsExactly("default", "audit");
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("kafkaLag")).isNotNull();
		});
	}

	@Test
	void eachIndicatorSwitchesOffWithItsOwnKey() {
		this.runner.withUserConfiguration(LagMonitors.class)
			.withPropertyValues("management.health.kafka-brokers.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("kafkaHealthContributor")
				.doesNotHaveBean(BrokerHealthMonitor.class)
				.hasBean("kafkaListenersHealthContributor")
				.hasBean("kafkaLagHealthContributor"));
		this.runner.withUserConfiguration(LagMonitors.class)
			.withPropertyValues("management.health.kafka-listeners.enabled=false")
			.run((context) -> assertThat(context).hasBean("kafkaHealthContributor")
				.doesNotHaveBean("kafkaListenersHealthContributor")
				.hasBean("kafkaLagHealthContributor"));
		this.runner.withUserConfiguration(LagMonitors.class)
			.withPropertyValues("management.health.kafka-lag.enabled=false")
			.run((context) -> assertThat(context).hasBean("kafkaHealthContributor")
				.hasBean("kafkaListenersHealthContributor")
				.doesNotHaveBean("kafkaLagHealthContributor"));
	}

	@Test
	void oneKeySwitchesAllKafkaIndicatorsOffAndAnIndicatorsOwnKeyWins() {
		this.runner.withUserConfiguration(LagMonitors.class)
			.withPropertyValues("management.health.kafka.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("kafkaHealthContributor")
				.doesNotHaveBean("kafkaListenersHealthContributor")
				.doesNotHaveBean("kafkaLagHealthContributor"));
		this.runner.withUserConfiguration(LagMonitors.class)
			.withPropertyValues("management.health.defaults.enabled=false",
					"management.health.kafka-listeners.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean("kafkaHealthContributor")
				.hasBean("kafkaListenersHealthContributor")
				.doesNotHaveBean("kafkaLagHealthContributor"));
	}

	@Test
	void theApplicationsOwnContributorsReplaceTheStartersByName() {
		this.runner.withUserConfiguration(OwnContributors.class).run((context) -> {
			assertThat(context.getBean("kafkaHealthContributor")).isSameAs(OwnContributors.BROKERS);
			assertThat(context.getBean("kafkaListenersHealthContributor")).isSameAs(OwnContributors.LISTENERS);
			assertThat(context.getBean(ListenerContainerStates.class)).isSameAs(OwnContributors.STATES);
		});
	}

	@Test
	void nothingWithoutSpringBootHealth() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthContributor.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(KafkaHealthAutoConfiguration.class)
				.doesNotHaveBean("kafkaHealthContributor"));
	}

	@Test
	void listenerHealthJoinsLivenessAndBrokerAndLagHealthJoinReadiness() {
		this.runner.withUserConfiguration(LagMonitors.class).run((context) -> {
			HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
			HealthEndpointGroup liveness = groups.get("liveness");
			HealthEndpointGroup readiness = groups.get("readiness");
			assertThat(liveness.isMember("livenessState")).isTrue();
			assertThat(liveness.isMember("kafkaListeners/default")).isTrue();
			assertThat(liveness.isMember("kafka/default")).isFalse();
			assertThat(liveness.isMember("kafkaLag/default")).isFalse();
			assertThat(readiness.isMember("readinessState")).isTrue();
			assertThat(readiness.isMember("kafka/default")).isTrue();
			assertThat(readiness.isMember("kafka/audit")).isTrue();
			assertThat(readiness.isMember("kafkaLag/audit")).isTrue();
			assertThat(readiness.isMember("kafkaListeners/default")).isFalse();
			// Nothing else changes in Boot's probe groups.
			assertThat(liveness.isMember("diskSpace")).isFalse();
			assertThat(groups.getPrimary().isMember("kafka/default")).isTrue();
		});
	}

	@Test
	void bootsAdditionalProbePathsStay() {
		this.runner.withPropertyValues("management.endpoint.health.probes.add-additional-paths=true").run((context) -> {
			HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
			assertThat(groups.get("liveness").isMember("kafkaListeners/default")).isTrue();
			assertThat(groups.get("liveness").getAdditionalPath()).hasToString("server:/livez");
			assertThat(groups).isInstanceOf(AdditionalPathsMapper.class);
			assertThat(((AdditionalPathsMapper) groups).getAdditionalPaths(HealthEndpoint.ID, WebServerNamespace.SERVER))
				.containsExactlyInAnyOrder("/livez", "/readyz");
		});
	}

	@Test
	void aSwitchedOffIndicatorJoinsNoGroup() {
		this.runner.withPropertyValues("management.health.kafka-brokers.enabled=false").run((context) -> {
			KafkaProbeGroupsPostProcessor postProcessor = context.getBean(KafkaProbeGroupsPostProcessor.class);
			assertThat(postProcessor.additions()).containsExactly(
					Map.entry(KafkaProbeGroupsPostProcessor.LIVENESS, java.util.Set.of("kafkaListeners")));
		});
	}

	@Test
	void aProbeGroupWhoseMembersTheUserConfiguredIsLeftAsConfigured() {
		this.runner.withPropertyValues("management.endpoint.health.group.liveness.include=livenessState")
			.run((context) -> {
				HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
				assertThat(groups.get("liveness").isMember("kafkaListeners/default")).isFalse();
				assertThat(groups.get("readiness").isMember("kafka/default")).isTrue();
			});
		this.runner.withPropertyValues("management.endpoint.health.group.readiness.exclude=kafka")
			.run((context) -> assertThat(
					context.getBean(HealthEndpointGroups.class).get("readiness").isMember("kafka/default"))
				.isFalse());
	}

	@Test
	void noProbeGroupsWhenProbesAreOff() {
		this.runner.withPropertyValues("management.endpoint.health.probes.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(KafkaProbeGroupsPostProcessor.class);
			assertThat(context.getBean(HealthEndpointGroups.class).get("liveness")).isNull();
		});
	}

	@Test
	void theProbeGroupIsBootsOwnWhenThisPostProcessorRunsFirst() {
		// Boot has not created its probe groups yet: this one creates them as Boot would.
		HealthEndpointGroups none = HealthEndpointGroups.of(new Primary(), Map.of());
		HealthEndpointGroups groups = new KafkaProbeGroupsPostProcessor(
				Map.of(KafkaProbeGroupsPostProcessor.LIVENESS, java.util.Set.of("kafkaListeners")))
			.postProcessHealthEndpointGroups(none);
		assertThat(groups.getNames()).containsExactly("liveness");
		assertThat(groups.get("liveness").isMember("livenessState")).isTrue();
		assertThat(groups.get("liveness").isMember("kafkaListeners/default")).isTrue();
		assertThat(groups.get("liveness").isMember("diskSpace")).isFalse();
	}

	private static List<String> names(HealthContributors contributors) {
		return contributors.stream().map(HealthContributors.Entry::name).toList();
	}

	static class Primary implements HealthEndpointGroup {

		@Override
		public boolean isMember(String name) {
			return true;
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return true;
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return true;
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return StatusAggregator.getDefault();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return HttpCodeStatusMapper.getDefault();
		}

		@Override
		public AdditionalHealthEndpointPath getAdditionalPath() {
			return null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LagMonitors {

		@Bean
		LagMonitorRegistry consumerLagMonitors() {
			return new LagMonitorRegistry(List.of(new StubLagMonitor("default"), new StubLagMonitor("audit")));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnContributors {

		static final HealthIndicator BROKERS = () -> Health.up().build();

		static final HealthIndicator LISTENERS = () -> Health.up().build();

		static final ListenerContainerStates STATES = new ListenerContainerStates(null, null, null, null);

		@Bean
		HealthIndicator kafkaHealthContributor() {
			return BROKERS;
		}

		@Bean
		HealthIndicator kafkaListenersHealthContributor() {
			return LISTENERS;
		}

		@Bean
		ListenerContainerStates myListenerContainerStates() {
			return STATES;
		}

	}

	@Test
	void anApplicationSchedulesTheBrokerChecksOnceStartedNotDuringStartUp() {
		// Nothing is handed to the scheduler during start-up, everything before the runners.
		try (RecordingTaskScheduler.Started started = RecordingTaskScheduler.run(Checked.class,
				"spring.kafka.bootstrap-servers=localhost:9", "kafka.starter.clients.audit.client-id=audit")) {
			ConfigurableApplicationContext context = started.context();
			assertThat(started.whileStarting()).as("handed to the scheduler while starting").isEmpty();
			assertThat(started.whenRunnersRun()).as("handed to the scheduler before the runners")
				.containsExactly("fixed-delay", "fixed-delay");
			// One check per client.
			assertThat(RecordingTaskScheduler.of(context).handed()).containsExactly("fixed-delay", "fixed-delay");
		}
	}

	@Test
	void aContextWithoutSpringApplicationSchedulesTheBrokerChecksWhenStarted() {
		this.runner.withUserConfiguration(RecordingTaskScheduler.Registration.class)
			.run((context) -> assertThat(RecordingTaskScheduler.of(context).handed()).containsExactly("fixed-delay", "fixed-delay"));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfigs({ "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration", "client.KafkaClientsAutoConfiguration",
			"org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration",
			"org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration",
			"org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration",
			"org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration",
			"org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration",
			"org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration",
			"health.KafkaHealthAutoConfiguration" })
	static class Checked extends RecordingTaskScheduler.Registration {

	}

}
