package io.github.kafkastarter.autoconfigure.client;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.github.kafkastarter.autoconfigure.devbroker.DevKafkaBroker;
import io.github.kafkastarter.autoconfigure.support.ImportAutoConfigs;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The send-and-listen scenario against a Kafka container wired by
 * {@code @ServiceConnection}. Runs wherever a Docker engine is available; where none is
 * (as on this project's CI machine), JUnit reports it as skipped by
 * {@code disabledWithoutDocker}, and the same scenario runs on the in-process broker in
 * {@code NamedClientsRoutingIntegrationTests} and {@code DevBrokerIntegrationTests}.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(classes = TestcontainersSendAndListenTests.App.class,
		properties = { "spring.kafka.consumer.auto-offset-reset=earliest", "spring.kafka.consumer.group-id=tc",
				"kafka.starter.clients.audit.client-id=audit" })
class TestcontainersSendAndListenTests {

	@Container
	@ServiceConnection
	static KafkaContainer kafka = new KafkaContainer("apache/kafka:4.2.1");

	@Autowired
	ApplicationContext context;

	@Autowired
	KafkaClients clients;

	@Autowired
	App app;

	@Test
	void sendsAndListensThroughTheDefaultAndANamedClient() throws Exception {
		assertThat(this.context.getBeanNamesForType(DevKafkaBroker.class)).isEmpty();
		assertThat(this.clients.get("audit").bootstrapServers()).containsExactly(kafka.getBootstrapServers());
		this.clients.getDefault().<String, String>template().send("tc-orders", "k", "from-default").get();
		this.clients.get("audit").<String, String>template().send("tc-orders", "k", "from-audit").get();
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(this.app.received).containsExactlyInAnyOrder("from-default", "from-audit"));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfigs({ "diagnostics.DiagnosticsAutoConfiguration",
			"devbroker.DevBrokerAutoConfiguration",
			"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
			"client.KafkaClientsAutoConfiguration",
			"interceptor.InterceptorAutoConfiguration" })
	static class App {

		final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		@KafkaListener(topics = "tc-orders")
		void onOrder(String order) {
			this.received.add(order);
		}

	}

}
