package io.github.kafkastarter.autoconfigure.devbroker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.StartupFailures;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

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
 * and the named clients, and stops with the context, cleanly: also when the JVM stops,
 * and also when its own start fails half-way.
 */
@ExtendWith(OutputCaptureExtension.class)
class DevBrokerIntegrationTests {

	@Test
	void devBrokerStartsServesAndStopsWithTheContext(CapturedOutput output) {
		String[] address = new String[1];
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DevBrokerAutoConfiguration.class, KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, AutoConfigs.INTERCEPTORS))
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
		assertThat(errorLines(output.getAll())).isEmpty();
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

	@Test
	void aDevBrokerThatCannotCreateItsTopicsIsStoppedBeforeStartUpFails(CapturedOutput output) throws IOException {
		Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
		Set<Path> directoriesBefore = clusterDirectories();
		String report = StartupFailures.report(output, "kafka.starter.dev-broker.topics[0].name=orders",
				"kafka.starter.dev-broker.topics[1].name=not a topic name!");
		assertThat(report).contains("kafka.starter.dev-broker.topics[1].name")
			.contains("The dev broker could not create topic 'not a topic name!'");
		assertThat(output).doesNotContain("Kafka dev broker started at");
		// Every thread the broker started has ended (its sockets with them), and its data is gone.
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(newThreads(threadsBefore)).as("threads left behind").isEmpty());
		assertThat(clusterDirectories()).as("data directories left behind").isSubsetOf(directoriesBefore);
	}

	@Test
	void stoppingTheJvmStopsTheDevBrokerBeforeItsDataIsDeletedAndLogsNoError(@TempDir Path directory)
			throws Exception {
		// Ctrl-C on an application: the JVM runs its shutdown hooks, Spring's closes the
		// context. Only a JVM of its own can show that.
		Path log = directory.resolve("application.log");
		Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				DevBrokerApplication.class.getName())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			await().atMost(Duration.ofSeconds(120))
				.untilAsserted(() -> assertThat(log).content().contains(DevBrokerApplication.READY));
			process.destroy();
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the application stopped").isTrue();
		}
		finally {
			process.destroyForcibly();
		}
		String all = Files.readString(log);
		assertThat(all).contains("Kafka dev broker stopped");
		assertThat(errorLines(all)).as(all).isEmpty();
	}

	private static List<String> errorLines(String output) {
		return output.lines().filter((line) -> line.matches(".*\\bERROR\\b.*")).toList();
	}

	private static List<String> newThreads(Set<Thread> before) {
		// The common pool's idle workers outlive any task by a minute, whoever started them;
		// Awaitility's own thread is the one asking.
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> !before.contains(thread) && thread.isAlive())
			.map(Thread::getName)
			.filter((name) -> !name.startsWith("ForkJoinPool.commonPool") && !name.startsWith("awaitility"))
			.toList();
	}

	private static Set<Path> clusterDirectories() throws IOException {
		try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return entries.filter((path) -> path.getFileName().toString().startsWith("kafka-starter-kraft-"))
				.collect(Collectors.toSet());
		}
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
