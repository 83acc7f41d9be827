package io.github.kafkastarter.autoconfigure.compat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.kafkastarter.autoconfigure.lag.ClientLagMonitor;
import io.github.kafkastarter.autoconfigure.lag.LagMonitorRegistry;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot;
import io.github.kafkastarter.autoconfigure.support.ForkedKafkaBroker;
import io.github.kafkastarter.autoconfigure.support.WebApps.Response;
import io.github.kafkastarter.autoconfigure.support.WebApps;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter on a broker older than its clients: Apache Kafka 3.9 (from Maven Central,
 * in a JVM of its own), which has no share groups. A sample-like application sends and
 * listens, and health and lag work as on a current broker; a share listener degrades to
 * one warning, a failed container (liveness {@code DOWN}, as for any dead container) and a
 * readiness detail, without a stack of errors and without touching anything else.
 */
@ExtendWith(OutputCaptureExtension.class)
class OlderBrokerCompatibilityTests {

	// A loaded 2-core machine: application start, first group join, first lag refresh.
	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static ForkedKafkaBroker broker;

	@BeforeAll
	static void startBroker() {
		long start = System.nanoTime();
		broker = ForkedKafkaBroker.start();
		System.out.printf("compat: Kafka %s broker serving after %d ms%n", broker.version(),
				(System.nanoTime() - start) / 1_000_000);
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
			assertThat(broker.isAlive()).as("the broker's JVM after close").isFalse();
		}
	}

	@Test
	void sendAndListenHealthAndLagWorkOnKafka39(CapturedOutput output) {
		assertThat(broker.version()).startsWith("3.9.");
		try (ConfigurableApplicationContext app = start(OrdersApp.class, "flow")) {
			RestClient http = WebApps.http(app);
			sendAndAwaitOrders(app, "flow");

			await().atMost(PATIENCE).untilAsserted(() -> {
				Response brokers = WebApps.exchange(http, "GET", "/actuator/health/kafka/default", null);
				assertThat(brokers.json().<String>read("$.status")).isEqualTo("UP");
				assertThat(brokers.json().<Integer>read("$.details.nodes")).isEqualTo(1);
				assertThat(brokers.json().<String>read("$.details.clusterId")).isNotBlank();
			});
			assertThat(WebApps.exchange(http, "GET", "/actuator/health/kafka/default", null).body())
				.doesNotContain("shareGroups");
			assertThat(get(http, "/actuator/health/liveness")).isEqualTo(new Probe(200, "UP"));
			assertThat(get(http, "/actuator/health/readiness")).isEqualTo(new Probe(200, "UP"));
			assertThat(WebApps.exchange(http, "GET", "/actuator/health/kafkaListeners/default", null)
				.json()
				.<String>read("$.details.containers['compat-flow-orders'].state")).isEqualTo("RUNNING");

			GroupLag lag = awaitLag(app, (snapshot) -> snapshot.group("compat-flow-orders")
				.filter((group) -> group.status() == LagStatus.OK && group.offsetLag() == 0
						&& group.partitions().size() == 1 && group.partitions().get(0).endOffset() == 3));
			assertThat(lag.partitions().get(0).committedOffset()).isEqualTo(3L);
			assertThat(monitor(app).snapshot().lastError()).isNull();
		}
		assertThat(errorLines(output)).as("ERROR lines").isEmpty();
	}

	@Test
	void aShareListenerOnKafka39IsDownWithOneWarningWhileTheRestWorks(CapturedOutput output) {
		try (ConfigurableApplicationContext app = start(SampleApp.class, "sample")) {
			RestClient http = WebApps.http(app);
			sendAndAwaitOrders(app, "sample");

			// The share container: failed, with the reason; its client's entry DOWN.
			Response listeners = WebApps.exchange(http, "GET", "/actuator/health/kafkaListeners/default", null);
			assertThat(listeners.status()).isEqualTo(503);
			assertThat(listeners.json().<String>read("$.status")).isEqualTo("DOWN");
			assertThat(listeners.json().<String>read("$.details.containers['compat-jobs'].state")).isEqualTo("FAILED");
			assertThat(listeners.json().<String>read("$.details.containers['compat-jobs'].problem"))
				.startsWith("Not started: the cluster has no share groups: its brokers are older than Kafka 4.1");
			assertThat(listeners.json().<String>read("$.details.containers['compat-sample-orders'].state"))
				.isEqualTo("RUNNING");
			// Liveness: a dead container restarts the pod, as docs/health.md says for any container.
			assertThat(get(http, "/actuator/health/liveness")).isEqualTo(new Probe(503, "DOWN"));
			// Readiness: the brokers serve; they say what they lack.
			await().atMost(PATIENCE).untilAsserted(() -> {
				Response brokers = WebApps.exchange(http, "GET", "/actuator/health/kafka/default", null);
				assertThat(brokers.json().<String>read("$.status")).isEqualTo("UP");
				assertThat(brokers.json().<String>read("$.details.shareGroups"))
					.startsWith("unavailable: its brokers are older than Kafka 4.1");
			});
			assertThat(get(http, "/actuator/health/readiness")).isEqualTo(new Probe(200, "UP"));

			// Lag: the consumer group as usual; the share group unknown, with the reason.
			awaitLag(app, (snapshot) -> snapshot.group("compat-sample-orders")
				.filter((group) -> group.status() == LagStatus.OK && group.offsetLag() == 0
						&& !group.partitions().isEmpty()));
			LagSnapshot snapshot = monitor(app).snapshot();
			assertThat(snapshot.stale()).isFalse();
			assertThat(snapshot.group("compat-workers")).hasValueSatisfying((group) -> {
				assertThat(group.status()).isEqualTo(LagStatus.UNKNOWN);
				assertThat(group.partitions()).isEmpty();
			});
			assertThat(snapshot.lastError()).contains("compat-workers=the cluster has no share groups");
		}
		List<String> shareWarnings = output.getOut()
			.lines()
			.filter((line) -> line.contains(" WARN ") && line.toLowerCase(java.util.Locale.ROOT).contains("share"))
			.toList();
		System.out.println("compat: share warnings " + shareWarnings);
		assertThat(shareWarnings).singleElement()
			.satisfies((line) -> assertThat(line).contains("Kafka client 'default': the cluster has no share groups",
					"ShareGroupHeartbeat", "Fix: upgrade the brokers to Kafka 4.1 or later"));
		assertThat(errorLines(output)).as("ERROR lines").isEmpty();
	}

	private static ConfigurableApplicationContext start(Class<?> app, String name) {
		return WebApps.start(new Class<?>[] { app }, "spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
				"spring.kafka.consumer.auto-offset-reset=earliest", "test.name=" + name,
				"management.endpoints.web.exposure.include=health", "management.endpoint.health.show-details=always",
				"kafka.starter.health.broker.interval=1s", "kafka.starter.lag.interval=500ms",
				"kafka.starter.share.start-from=earliest");
	}

	private static void sendAndAwaitOrders(ConfigurableApplicationContext app, String name) {
		@SuppressWarnings("unchecked")
		KafkaTemplate<String, String> template = app.getBean(KafkaTemplate.class);
		for (int i = 0; i < 3; i++) {
			template.send("compat-" + name + "-orders", "order-" + i);
		}
		template.flush();
		Orders orders = app.getBean(Orders.class);
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(orders.received).hasSize(3));
	}

	private static ClientLagMonitor monitor(ConfigurableApplicationContext app) {
		return app.getBean(LagMonitorRegistry.class).forClient("default").orElseThrow();
	}

	private static GroupLag awaitLag(ConfigurableApplicationContext app,
			java.util.function.Function<LagSnapshot, java.util.Optional<GroupLag>> condition) {
		ClientLagMonitor monitor = monitor(app);
		await().atMost(PATIENCE).until(() -> condition.apply(monitor.snapshot()).isPresent());
		return condition.apply(monitor.snapshot()).orElseThrow();
	}

	private static Probe get(RestClient http, String path) {
		Response response = WebApps.exchange(http, "GET", path, null);
		return new Probe(response.status(), response.json().read("$.status"));
	}

	private static List<String> errorLines(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains(" ERROR ")).toList();
	}

	record Probe(int status, String value) {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Orders.class)
	static class OrdersApp {

		@Bean
		NewTopic orders(org.springframework.core.env.Environment environment) {
			return new NewTopic("compat-" + environment.getProperty("test.name") + "-orders", 1, (short) 1);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import({ OrdersApp.class, Jobs.class })
	static class SampleApp {

		@Bean
		NewTopic jobs() {
			return new NewTopic("compat-jobs", 1, (short) 1);
		}

	}

	static class Orders {

		final Set<String> received = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "compat-${test.name}-orders", topics = "compat-${test.name}-orders",
				groupId = "compat-${test.name}-orders")
		void order(String value) {
			this.received.add(value);
		}

	}

	static class Jobs {

		@KafkaListener(id = "compat-jobs", topics = "compat-jobs", groupId = "compat-workers",
				containerFactory = "shareKafkaListenerContainerFactory")
		void job(String value) {
			throw new IllegalStateException("No job can reach a share listener on Kafka 3.9: " + value);
		}

	}

}
