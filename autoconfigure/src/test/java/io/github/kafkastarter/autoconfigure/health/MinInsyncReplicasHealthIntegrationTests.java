package io.github.kafkastarter.autoconfigure.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.TestClusters;
import io.github.kafkastarter.autoconfigure.support.TestKafka;
import kafka.server.BrokerServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.kafkastarter.autoconfigure.health.LagHealthTests.indicated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a three-broker cluster with {@code min.insync.replicas=2}, a client whose producer
 * uses {@code acks=all} (Kafka's default) is {@code UP} with three and with two brokers
 * alive and {@code DOWN} with one, while the cluster still answers: the rule, not
 * reachability, takes it down. A client with {@code acks=1} on the same cluster stays
 * {@code UP}.
 * <p>
 * The cluster has one dedicated KRaft controller and three brokers. A combined-mode
 * cluster (each node broker and controller, as {@code TestBrokers.start} builds
 * it) loses its controller quorum with two nodes down, and then nobody fences the stopped
 * brokers: {@code describeCluster} would go on reporting them alive. (On Kafka 4.2.1 the
 * follower controllers of a combined three-node test cluster also stop on an
 * UpdateVoter error soon after start-up.) With a controller of its own, the cluster
 * reports exactly the brokers that are alive.
 */
class MinInsyncReplicasHealthIntegrationTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	@Test
	void anAcksAllClientIsDownWhenFewerBrokersThanMinInsyncReplicasAreAlive() {
		TestKafka cluster = TestClusters.start(3, Map.of("min.insync.replicas", "2"));
		try {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
						AutoConfigs.CLIENTS, KafkaHealthAutoConfiguration.class))
				.withConfiguration(KafkaHealthAutoConfigurationTests.HEALTH)
				.withPropertyValues("spring.kafka.bootstrap-servers=" + cluster.getBrokersAsString(),
						"kafka.starter.clients.relaxed.producer.acks=1", "kafka.starter.health.broker.interval=1s",
						"kafka.starter.health.broker.timeout=1s")
				.run((context) -> {
					await().atMost(PATIENCE).untilAsserted(() -> assertThat(brokers(context, "default"))
						.satisfies(up(3)).satisfies((health) -> assertThat(health.getDetails())
							.containsEntry("acks", "all").containsEntry("minInsyncReplicas", 2)));
					List<BrokerServer> brokers = new ArrayList<>(cluster.getCluster().brokers().values());

					stop(brokers.get(0));
					await().atMost(PATIENCE).untilAsserted(() -> assertThat(brokers(context, "default")).satisfies(up(2)));

					stop(brokers.get(1));
					await().atMost(PATIENCE).untilAsserted(() -> {
						IndicatedHealthDescriptor health = brokers(context, "default");
						assertThat(health.getStatus()).isEqualTo(Status.DOWN);
						// Reachable: the cluster answered, with one broker.
						assertThat(health.getDetails()).containsEntry("nodes", 1)
							.doesNotContainKey("error")
							.containsEntry("reason", "Only 1 broker(s) alive, fewer than min.insync.replicas (2): "
									+ "sends with acks=all fail");
					});
					// Each client checks on its own schedule: the relaxed one may see it a moment later.
					await().atMost(PATIENCE)
						.untilAsserted(() -> assertThat(brokers(context, "relaxed")).satisfies(up(1)));
					assertThat(brokers(context, "relaxed").getDetails()).doesNotContainKeys("acks", "minInsyncReplicas");

					brokers.get(0).startup();
					await().atMost(PATIENCE).untilAsserted(() -> assertThat(brokers(context, "default")).satisfies(up(2)));
				});
		}
		finally {
			cluster.destroy();
		}
	}

	private static java.util.function.Consumer<IndicatedHealthDescriptor> up(int nodes) {
		return (health) -> {
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("nodes", nodes);
		};
	}

	private static void stop(BrokerServer broker) {
		broker.shutdown();
		broker.awaitShutdown();
	}

	private static IndicatedHealthDescriptor brokers(AssertableApplicationContext context, String client) {
		return indicated(context, "kafka", client);
	}

}
