package io.github.kafkastarter.autoconfigure.health;

import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.lag.LagMonitorRegistry;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lag health follows the lag monitor's snapshot (stub monitors here; the real monitor is
 * another feature) into readiness, never into liveness.
 */
class LagHealthTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				KafkaHealthAutoConfiguration.class))
		.withConfiguration(KafkaHealthAutoConfigurationTests.HEALTH)
		.withUserConfiguration(Monitors.class)
		// No broker here: keep broker health out of the readiness verdicts below.
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9", "kafka.starter.clients.audit.client-id=audit",
				"management.health.kafka-brokers.enabled=false");

	@Test
	void aStalledGroupTakesThePodOutOfServiceButKeepsItAlive() {
		this.runner.run((context) -> {
			Monitors monitors = context.getBean(Monitors.class);
			monitors.main.group("orders", LagStatus.OK, 3, 0.5);
			assertThat(status(context, "readiness")).isEqualTo(Status.UP);
			monitors.main.group("orders", LagStatus.STALLED, 120, 42.0);
			assertThat(status(context, "readiness")).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(status(context, "liveness")).isEqualTo(Status.UP);
			IndicatedHealthDescriptor lag = indicated(context, "kafkaLag", "default");
			assertThat(lag.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat((List<?>) lag.getDetails().get("problems")).singleElement()
				.asString()
				.contains("'orders' is STALLED");
			assertThat((List<Map<String, Object>>) lag.getDetails().get("worstPartitions")).singleElement()
				.satisfies((partition) -> assertThat(partition).containsEntry("group", "orders")
					.containsEntry("topic", "orders")
					.containsEntry("offsetLag", 120L)
					.containsEntry("status", "STALLED"));
			// And back once the group moves again.
			monitors.main.group("orders", LagStatus.OK, 0, 0);
			assertThat(status(context, "readiness")).isEqualTo(Status.UP);
		});
	}

	@Test
	void aStoppedGroupIsUnhealthyToo() {
		this.runner.run((context) -> {
			context.getBean(Monitors.class).audit.group("audit-log", LagStatus.STOPPED, 10, 90);
			assertThat(indicated(context, "kafkaLag", "audit").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(indicated(context, "kafkaLag", "default").getStatus()).isEqualTo(Status.UNKNOWN);
			assertThat(status(context, "readiness")).isEqualTo(Status.OUT_OF_SERVICE);
		});
	}

	@Test
	void theUnhealthyStatusCanBeDown() {
		this.runner.withPropertyValues("kafka.starter.health.lag.unhealthy-status=down").run((context) -> {
			context.getBean(Monitors.class).main.group("orders", LagStatus.STALLED, 120, 42.0);
			assertThat(status(context, "readiness")).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void thresholdsApplyPerClient() {
		this.runner
			.withPropertyValues("kafka.starter.health.lag.max-offsets=100",
					"kafka.starter.clients.audit.health.lag.max-offsets=10000",
					"kafka.starter.clients.audit.health.lag.max-seconds=60")
			.run((context) -> {
				Monitors monitors = context.getBean(Monitors.class);
				monitors.main.group("orders", LagStatus.LAGGING, 500, 5);
				monitors.audit.group("audit-log", LagStatus.LAGGING, 500, 5);
				assertThat(indicated(context, "kafkaLag", "default").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
				assertThat((List<?>) indicated(context, "kafkaLag", "default").getDetails().get("problems"))
					.singleElement()
					.asString()
					.contains("500 records behind (max-offsets 100)");
				assertThat(indicated(context, "kafkaLag", "audit").getStatus()).isEqualTo(Status.UP);
				monitors.audit.group("audit-log", LagStatus.LAGGING, 500, 61);
				assertThat(indicated(context, "kafkaLag", "audit").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			});
	}

	@Test
	void unknownUntilTheMonitorHasData() {
		this.runner.run((context) -> {
			assertThat(indicated(context, "kafkaLag", "default").getStatus()).isEqualTo(Status.UNKNOWN);
			assertThat(status(context, "readiness")).isEqualTo(Status.UP);
		});
	}

	static Status status(AssertableApplicationContext context, String... path) {
		// A context runner is no SpringApplication: declare the application live and ready,
		// as Boot does once started, so that only Kafka decides the probes.
		AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
		AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
		HealthDescriptor health = context.getBean(HealthEndpoint.class).healthForPath(path);
		assertThat(health).as("health of %s", String.join("/", path)).isNotNull();
		return health.getStatus();
	}

	static IndicatedHealthDescriptor indicated(AssertableApplicationContext context, String... path) {
		HealthDescriptor health = context.getBean(HealthEndpoint.class).healthForPath(path);
		assertThat(health).isInstanceOf(IndicatedHealthDescriptor.class);
		return (IndicatedHealthDescriptor) health;
	}

	static CompositeHealthDescriptor composite(AssertableApplicationContext context, String... path) {
		return (CompositeHealthDescriptor) context.getBean(HealthEndpoint.class).healthForPath(path);
	}

	@Configuration(proxyBeanMethods = false)
	static class Monitors {

		final StubLagMonitor main = new StubLagMonitor("default");

		final StubLagMonitor audit = new StubLagMonitor("audit");

		@Bean
		LagMonitorRegistry consumerLagMonitors() {
			return new LagMonitorRegistry(List.of(this.main, this.audit));
		}

	}

}
