package io.github.kafkastarter.autoconfigure.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.github.kafkastarter.autoconfigure.support.TestKafka;
import kafka.server.BrokerServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.kafkastarter.autoconfigure.health.LagHealthTests.indicated;
import static io.github.kafkastarter.autoconfigure.health.LagHealthTests.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Broker health against a broker that goes away and comes back: it follows within two
 * check intervals, and reading it costs the same whether the broker is there or not.
 */
class BrokerHealthIntegrationTests {

	private static final Duration INTERVAL = Duration.ofSeconds(3);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				KafkaHealthAutoConfiguration.class))
		.withConfiguration(KafkaHealthAutoConfigurationTests.HEALTH)
		.withPropertyValues("kafka.starter.health.broker.interval=" + INTERVAL.toSeconds() + "s",
				"kafka.starter.health.broker.timeout=1s");

	@Test
	void followsTheBrokerDownAndUpAndAnswersAsFastWithTheBrokerGone() {
		TestKafka kafka = TestBrokers.start(1, Map.of());
		try {
			this.runner.withPropertyValues("spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString())
				.run((context) -> {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> brokers(context).getStatus().equals(Status.UP));
					assertThat(brokers(context).getDetails()).containsKeys("clusterId", "controller", "lastCheckAge")
						.containsEntry("nodes", 1)
						.containsEntry("mode", "cluster");
					assertThat(status(context, "readiness")).isEqualTo(Status.UP);
					double upMicros = microsPerHealthCall(context);

					BrokerServer broker = kafka.getCluster().brokers().values().iterator().next();
					broker.shutdown();
					broker.awaitShutdown();
					long stopped = System.nanoTime();
					// A check is due every interval and fails after the timeout: two intervals
					// are enough.
					await().atMost(INTERVAL.multipliedBy(2))
						.pollInterval(Duration.ofMillis(100))
						.until(() -> brokers(context).getStatus().equals(Status.DOWN));
					System.out.printf("Broker health: DOWN %d ms after the broker stopped (interval %d ms)%n",
							(System.nanoTime() - stopped) / 1_000_000, INTERVAL.toMillis());
					assertThat(brokers(context).getDetails()).containsKeys("error", "unreachableSince");
					assertThat(status(context, "readiness")).isEqualTo(Status.DOWN);
					// Listener containers are liveness's business, the brokers are not.
					assertThat(status(context, "liveness")).isEqualTo(Status.UP);
					double downMicros = microsPerHealthCall(context);
					System.out.printf("Health call (/actuator/health/kafka): broker up %.2f us, broker down %.2f us "
							+ "(ratio %.2f)%n", upMicros, downMicros, downMicros / upMicros);
					// Answered from memory either way: at most twice the call with the broker up,
					// or, on a machine too busy to time microseconds, well under a millisecond
					// (a call that waited for the broker would take seconds).
					assertThat(downMicros).isLessThanOrEqualTo(Math.max(2 * upMicros, 500));

					broker.startup();
					await().atMost(Duration.ofSeconds(60))
						.until(() -> brokers(context).getStatus().equals(Status.UP));
					assertThat(status(context, "readiness")).isEqualTo(Status.UP);
				});
		}
		finally {
			kafka.destroy();
		}
	}

	@Test
	void connectivityModeOnlyChecksThatABrokerAnswersAndCanBeSetPerClient() {
		this.runner
			.withPropertyValues(TestBrokers.sharedServersProperty(),
					"kafka.starter.clients.restricted.health.broker.mode=connectivity",
					"kafka.starter.clients.gone.bootstrap-servers=localhost:1",
					"kafka.starter.clients.gone.health.broker.mode=connectivity")
			.run((context) -> {
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					assertThat(indicated(context, "kafka", "default").getStatus()).isEqualTo(Status.UP);
					assertThat(indicated(context, "kafka", "restricted").getStatus()).isEqualTo(Status.UP);
					assertThat(indicated(context, "kafka", "gone").getStatus()).isEqualTo(Status.DOWN);
				});
				assertThat(indicated(context, "kafka", "default").getDetails()).containsEntry("mode", "cluster")
					.containsKey("clusterId");
				assertThat(indicated(context, "kafka", "restricted").getDetails()).containsEntry("mode", "connectivity")
					.doesNotContainKeys("clusterId", "nodes", "controller");
			});
	}

	@Test
	void checksResumeWhenTheContextIsStoppedAndStartedAgain() {
		this.runner.withPropertyValues(TestBrokers.sharedServersProperty(), "kafka.starter.health.broker.interval=1s")
			.run((context) -> {
				await().atMost(Duration.ofSeconds(30))
					.until(() -> brokers(context).getStatus().equals(Status.UP));
				context.stop();
				Object lastCheckWhileStopped = brokers(context).getDetails().get("lastCheck");
				context.start();
				// A check is due every second again: a newer one completes, and it is UP.
				await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
					IndicatedHealthDescriptor health = brokers(context);
					assertThat(health.getDetails().get("lastCheck")).isNotEqualTo(lastCheckWhileStopped);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
				});
			});
	}

	private static IndicatedHealthDescriptor brokers(AssertableApplicationContext context) {
		return indicated(context, "kafka", "default");
	}

	/**
	 * The time of one health call through Spring Boot's health endpoint: the average over
	 * a round of calls, in the best of several rounds, after a warm-up. Single calls take
	 * microseconds, so only many of them measure anything, and on a shared machine the
	 * best round is the one least disturbed by others.
	 */
	private static double microsPerHealthCall(AssertableApplicationContext context) {
		HealthEndpoint health = context.getBean(HealthEndpoint.class);
		int calls = 2_000;
		for (int i = 0; i < calls; i++) {
			health.healthForPath("kafka");
		}
		List<Double> rounds = new ArrayList<>();
		for (int round = 0; round < 7; round++) {
			long start = System.nanoTime();
			for (int i = 0; i < calls; i++) {
				health.healthForPath("kafka");
			}
			rounds.add((System.nanoTime() - start) / 1_000.0 / calls);
		}
		return Collections.min(rounds);
	}

}
