package io.github.kafkastarter.autoconfigure.producer;

import java.time.Duration;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.ImportAutoConfigs;
import io.github.kafkastarter.autoconfigure.support.RecordingTaskScheduler;
import io.github.kafkastarter.autoconfigure.support.StartupFailures;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The start-up durability check on a one-broker cluster: a failure outside development
 * when asked to fail, silence in development, no contact at all when off, and never a
 * hang when the cluster does not answer. (The multi-broker findings are tested on a real
 * three-broker cluster in {@code reliability.LeaderFailoverFaultTests}.)
 */
@ExtendWith(OutputCaptureExtension.class)
class DurabilityVerificationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
			ProducerReliabilityAutoConfiguration.class, AutoConfigs.ERROR_HANDLING,
			AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS));

	@Test
	void aOneBrokerClusterOutsideDevelopmentFailsStartUpWhenAskedTo(CapturedOutput output) {
		String report = StartupFailures.report(output, TestBrokers.sharedServersProperty(),
				"kafka.starter.producer.verify-durability=fail");
		assertThat(report).contains("kafka.starter.producer.verify-durability")
			.contains("The cluster has a single broker")
			.contains("kafka.starter.producer.dev-profiles");
	}

	@Test
	void aOneBrokerClusterIsExpectedInDevelopment() {
		this.runner
			.withPropertyValues(TestBrokers.sharedServersProperty(), "kafka.starter.producer.verify-durability=fail",
					"spring.profiles.active=local")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aClientThatDoesNotSendWithAcksAllIsNotChecked() {
		this.runner
			.withPropertyValues(TestBrokers.sharedServersProperty(), "kafka.starter.producer.verify-durability=fail",
					"kafka.starter.producer.profile=low-latency")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void offNeverContactsTheCluster(CapturedOutput output) {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> this.runner
			.withPropertyValues("spring.kafka.bootstrap-servers=localhost:1",
					"kafka.starter.producer.verify-durability=off", "kafka.starter.producer.verify-sizes=off")
			.run((context) -> assertThat(context).hasNotFailed()));
		assertThat(output).doesNotContain("durability").doesNotContain("size limits");
	}

	@Test
	void anUnreachableClusterFailsStartUpInTimeInsteadOfHanging(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:1",
				"kafka.starter.producer.verify-durability=fail", "kafka.starter.producer.verify-timeout=2s");
		assertThat(report).contains("could not be: the cluster did not answer within 2000 ms")
			.contains("kafka.starter.producer.verify-timeout");
	}

	@Test
	void warnChecksOnceTheApplicationHasStartedNotDuringStartUp(CapturedOutput output) {
		// Nothing is handed to the scheduler during start-up, everything before the runners.
		try (RecordingTaskScheduler.Started started = RecordingTaskScheduler.run(Checked.class,
				TestBrokers.sharedServersProperty(), "kafka.starter.producer.verify-durability=warn")) {
			ConfigurableApplicationContext context = started.context();
			assertThat(started.whileStarting()).as("handed to the scheduler while starting").isEmpty();
			assertThat(started.whenRunnersRun()).as("handed to the scheduler before the runners")
				.containsExactly("once");
			assertThat(RecordingTaskScheduler.of(context).handed()).containsExactly("once");
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(output).contains("sends with acks=all, but the cluster cannot honour it"));
		}
	}

	@Test
	void warnChecksWhenTheContextStartsWithoutSpringApplication(CapturedOutput output) {
		this.runner.withUserConfiguration(RecordingTaskScheduler.Registration.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "kafka.starter.producer.verify-durability=warn")
			.run((context) -> {
				assertThat(RecordingTaskScheduler.of(context).handed()).containsExactly("once");
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(
							() -> assertThat(output).contains("sends with acks=all, but the cluster cannot honour it"));
			});
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfigs({ "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration", "client.KafkaClientsAutoConfiguration",
			"producer.ProducerReliabilityAutoConfiguration" })
	static class Checked extends RecordingTaskScheduler.Registration {

	}

}
