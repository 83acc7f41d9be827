package io.github.kafkastarter.autoconfigure.devbroker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration;
import io.github.kafkastarter.autoconfigure.interceptor.InterceptorAutoConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaAdmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * With no cluster configured, a real broker starts with the context, serves the default
 * and the named clients, and stops with the context.
 */
@ExtendWith(OutputCaptureExtension.class)
class DevBrokerIntegrationTests {

	@Test
	void devBrokerStartsServesAndStopsWithTheContext(CapturedOutput output) {
		String[] address = new String[1];
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DevBrokerAutoConfiguration.class, KafkaAutoConfiguration.class,
					KafkaClientsAutoConfiguration.class, InterceptorAutoConfiguration.class))
			.withUserConfiguration(Listener.class)
			.withPropertyValues("kafka.starter.dev-broker.topics[0].name=orders",
					"kafka.starter.dev-broker.topics[0].partitions=3",
					"spring.kafka.consumer.auto-offset-reset=earliest", "spring.kafka.consumer.group-id=dev",
					"kafka.starter.clients.audit.client-id=audit")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(DevKafkaBroker.class);
				String servers = context.getBean(DevKafkaBroker.class).getBootstrapServers();
				address[0] = servers;
				assertThat(context.getBean(KafkaConnectionDetails.class).getBootstrapServers())
					.containsExactly(servers);
				// The named client has no servers of its own: it follows the default to the dev broker.
				assertThat(context.getBean(KafkaClients.class).get("audit").bootstrapServers())
					.containsExactly(servers);
				assertThat(output).contains("Kafka dev broker started at " + servers);
				Map<String, TopicDescription> topics = context.getBean(KafkaAdmin.class).describeTopics("orders");
				assertThat(topics.get("orders").partitions()).hasSize(3);
				KafkaClients clients = context.getBean(KafkaClients.class);
				clients.getDefault().<String, String>template().send("orders", "c1", "order-1").get();
				clients.get("audit").<String, String>template().send("orders", "c2", "order-2").get();
				BlockingQueue<String> received = context.getBean(Listener.class).received;
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(received).containsExactlyInAnyOrder("order-1", "order-2"));
			});
		assertThat(output).contains("Kafka dev broker stopped");
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address[0],
				AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
				1000))) {
			assertThatThrownBy(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
				.clusterId()
				.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
		}
		// Nothing JVM-wide points later contexts at the stopped broker.
		assertThat(System.getProperty("spring.kafka.bootstrap-servers")).isNull();
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		@KafkaListener(topics = "orders")
		void onOrder(String order) {
			this.received.add(order);
		}

	}

}
