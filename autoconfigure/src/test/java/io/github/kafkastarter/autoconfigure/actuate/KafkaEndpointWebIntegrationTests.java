package io.github.kafkastarter.autoconfigure.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.kafkastarter.autoconfigure.health.StubLagMonitor;
import io.github.kafkastarter.autoconfigure.lag.LagMonitorRegistry;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.github.kafkastarter.autoconfigure.support.WebApps.Response;
import io.github.kafkastarter.autoconfigure.support.WebApps;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kafka endpoint over HTTP, on a real broker: what it shows, and its write operation
 * pausing, resuming, stopping and starting listener containers, which really stops and
 * restarts consumption. One application serves the tests of this class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaEndpointWebIntegrationTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private ConfigurableApplicationContext app;

	private RestClient http;

	@BeforeAll
	void startApplication() {
		this.app = WebApps.start(new Class<?>[] { App.class }, TestBrokers.sharedServersProperty(),
				"spring.kafka.consumer.auto-offset-reset=earliest", "kafka.starter.clients.audit.client-id=audit",
				"management.endpoints.web.exposure.include=health,kafka",
				"management.endpoint.kafka.access=unrestricted", "management.endpoint.health.show-details=always");
		this.http = WebApps.http(this.app);
		// Both listeners hold their partition: the group is formed.
		await().atMost(PATIENCE).untilAsserted(() -> {
			assertThat(container("endpoint-paced").json().<List<String>>read("$.assignedPartitions"))
				.containsExactly("endpoint-paced-0");
			assertThat(container("endpoint-stoppable").json().<List<String>>read("$.assignedPartitions"))
				.containsExactly("endpoint-stoppable-0");
		});
	}

	@AfterAll
	void stopApplication() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void pauseAndResumeStopAndRestartConsumption() {
		Listeners listeners = this.app.getBean(Listeners.class);
		KafkaTemplate<String, String> template = this.app.getBean(KafkaTemplate.class);
		template.send("endpoint-paced", "one");
		await().atMost(PATIENCE).until(() -> listeners.paced.contains("one"));

		Response paused = post("endpoint-paced", "pause");
		assertThat(paused.status()).isEqualTo(200);
		assertThat(paused.json().<String>read("$.state")).isIn("PAUSING", "PAUSED");
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(container("endpoint-paced").json().<String>read("$.state"))
				.isEqualTo("PAUSED"));
		template.send("endpoint-paced", "two");
		template.send("endpoint-paced", "three");
		template.flush();
		// Paused: nothing arrives, for as long as we care to watch.
		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(listeners.paced).containsExactly("one"));
		// Paused on purpose is healthy.
		assertThat(get("/actuator/health/liveness").status()).isEqualTo(200);

		Response resumed = post("endpoint-paced", "resume");
		assertThat(resumed.status()).isEqualTo(200);
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(listeners.paced).containsExactly("one", "two", "three"));
		assertThat(container("endpoint-paced").json().<String>read("$.state")).isEqualTo("RUNNING");
	}

	@Test
	void aContainerStoppedOnPurposeKeepsLivenessUp() {
		Response stopped = post("endpoint-stoppable", "stop");
		assertThat(stopped.status()).isEqualTo(200);
		assertThat(stopped.json().<String>read("$.state")).isEqualTo("STOPPED");
		assertThat(stopped.json().<Boolean>read("$.healthy")).isTrue();
		Response liveness = get("/actuator/health/liveness");
		assertThat(liveness.status()).isEqualTo(200);
		assertThat(liveness.json().<String>read("$.status")).isEqualTo("UP");
		Response listeners = get("/actuator/health/kafkaListeners/default");
		assertThat(listeners.json().<String>read("$.status")).isEqualTo("UP");
		assertThat(listeners.json().<String>read("$.details.containers['endpoint-stoppable'].state"))
			.isEqualTo("STOPPED");

		Response started = post("endpoint-stoppable", "start");
		assertThat(started.status()).isEqualTo(200);
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(container("endpoint-stoppable").json().<String>read("$.state"))
				.isEqualTo("RUNNING"));
	}

	@Test
	void theEndpointShowsClientsContainersGroupsAndLag() {
		Response kafka = get("/actuator/kafka");
		assertThat(kafka.status()).isEqualTo(200);
		var json = kafka.json();
		assertThat(json.<List<String>>read("$.clients.default.bootstrapServers"))
			.containsExactly(TestBrokers.shared().getBrokersAsString());
		assertThat(json.<String>read("$.clients.default.consumer['auto.offset.reset']")).isEqualTo("earliest");
		assertThat(json.<String>read("$.clients.audit.producer['client.id']")).isEqualTo("audit");
		assertThat(json.<List<String>>read("$.containers[?(@.id == 'endpoint-paced')].client")).containsExactly("default");
		assertThat(json.<List<List<String>>>read("$.containers[?(@.id == 'endpoint-paced')].topics"))
			.containsExactly(List.of("endpoint-paced"));
		assertThat(json.<String>read("$.consumerGroups.default['endpoint-stoppable-group'].groupId"))
			.isEqualTo("endpoint-stoppable-group");
		assertThat(json.<String>read("$.consumerGroups.default['endpoint-paced-group'].coordinator")).isNotBlank();
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/actuator/kafka").json()
			.<List<String>>read("$.consumerGroups.default['endpoint-paced-group'].members[*].assignment[*]"))
			.containsExactly("endpoint-paced-0"));
		// A share group is described as one, not reported as a consumer group that is missing.
		await().atMost(PATIENCE).untilAsserted(() -> {
			var groups = get("/actuator/kafka").json();
			assertThat(groups.<String>read("$.consumerGroups.default['endpoint-share-group'].type")).isEqualTo("Share");
			assertThat(groups.<Map<String, Object>>read("$.consumerGroups.default['endpoint-share-group']"))
				.doesNotContainKey("error");
			assertThat(groups.<List<String>>read(
					"$.consumerGroups.default['endpoint-share-group'].members[*].assignment[*]"))
				.containsExactly("endpoint-share-0");
		});
		assertThat(json.<String>read("$.lag.default.groups[0].groupId")).isEqualTo("endpoint-paced-group");
		assertThat(json.<String>read("$.lag.default.groups[0].status")).isEqualTo("OK");
	}

	@Test
	void anUnknownContainerOrActionIsRejected() {
		assertThat(post("no-such-container", "pause").status()).isEqualTo(404);
		assertThat(get("/actuator/kafka/no-such-container").status()).isEqualTo(404);
		assertThat(post("endpoint-paced", "explode").status()).isEqualTo(400);
	}

	private Response container(String id) {
		return get("/actuator/kafka/" + id);
	}

	private Response get(String path) {
		return WebApps.exchange(this.http, "GET", path, null);
	}

	private Response post(String id, String action) {
		return WebApps.exchange(this.http, "POST", "/actuator/kafka/" + id, Map.of("action", action));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

		@Bean
		NewTopic endpointPaced() {
			return new NewTopic("endpoint-paced", 1, (short) 1);
		}

		@Bean
		NewTopic endpointStoppable() {
			return new NewTopic("endpoint-stoppable", 1, (short) 1);
		}

		@Bean
		NewTopic endpointShare() {
			return new NewTopic("endpoint-share", 1, (short) 1);
		}

		@Bean
		LagMonitorRegistry consumerLagMonitors() {
			StubLagMonitor monitor = new StubLagMonitor("default");
			monitor.group("endpoint-paced-group", LagStatus.OK, 0, 0);
			return new LagMonitorRegistry(List.of(monitor));
		}

	}

	static class Listeners {

		final List<String> paced = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "endpoint-paced", topics = "endpoint-paced", groupId = "endpoint-paced-group")
		void paced(String value) {
			this.paced.add(value);
		}

		@KafkaListener(id = "endpoint-stoppable", topics = "endpoint-stoppable", groupId = "endpoint-stoppable-group")
		void stoppable(String value) {
		}

		@KafkaListener(id = "endpoint-share", topics = "endpoint-share", groupId = "endpoint-share-group",
				containerFactory = "shareKafkaListenerContainerFactory")
		void shared(String value) {
		}

	}

}
