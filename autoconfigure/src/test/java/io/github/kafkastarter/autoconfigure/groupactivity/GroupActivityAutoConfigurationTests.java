package io.github.kafkastarter.autoconfigure.groupactivity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.StartupFailures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of the group activity watcher, its settings, and when commits count as failing.
 */
@ExtendWith(OutputCaptureExtension.class)
class GroupActivityAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				GroupActivityAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9");

	@Test
	void watchesEveryClientByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(GroupActivity.class);
			assertThat(context).hasBean("kafkaStarterGroupActivityCustomizer");
			assertThat(context.getBean("kafkaStarterGroupActivityCustomizer"))
				.isInstanceOf(KafkaClientCustomizer.class);
		});
	}

	@Test
	void canBeSwitchedOff() {
		this.runner.withPropertyValues("kafka.starter.group-activity.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(GroupActivity.class);
			assertThat(context).doesNotHaveBean("kafkaStarterGroupActivityCustomizer");
		});
	}

	@Test
	void aNegativeStormThresholdFailsAtStartUp(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9",
				"kafka.starter.group-activity.storm-threshold=-1");
		assertThat(report).contains("kafka.starter.group-activity.storm-threshold", "-1",
				"A number of rebalances cannot be negative.");
	}

	@Test
	void commitsCountAsFailingOnlyOnceNoCommitSucceededForTheThreshold() {
		GroupActivityProperties properties = new GroupActivityProperties();
		properties.setCommitFailureThreshold(Duration.ofMinutes(1));
		MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		GroupActivity activity = new GroupActivity(properties, () -> registry, clock, () -> null);

		activity.commitFailed("default", "orders", new CommitFailedException("kicked out"),
				"CommitFailedException: kicked out");
		clock.now = clock.now.plusSeconds(30);
		activity.commitFailed("default", "orders", new CommitFailedException("kicked out"),
				"CommitFailedException: kicked out");
		GroupActivity.GroupReport report = activity.groups("default").get(0);
		assertThat(report.commitFailures()).isEqualTo(2);
		assertThat(report.commitsFailingSince()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
		assertThat(report.commitsFailing()).isFalse();

		clock.now = clock.now.plusSeconds(31);
		report = activity.groups("default").get(0);
		assertThat(report.commitsFailing()).isTrue();
		assertThat(report.warnings()).singleElement().asString().contains("Offset commits have failed since");
		assertThat(activity.commitFailuresDown()).isFalse();
		assertThat(registry.get(GroupActivity.COMMIT_FAILURES)
			.tags("client", "default", "group", "orders", "exception", "CommitFailedException")
			.counter()
			.count()).isEqualTo(2);

		activity.commitSucceeded("default", "orders");
		report = activity.groups("default").get(0);
		assertThat(report.commitsFailing()).isFalse();
		assertThat(report.commitsFailingSince()).isNull();
		assertThat(report.lastCommitFailure()).isEqualTo("CommitFailedException: kicked out");
		assertThat(report.warnings()).isEmpty();
	}

	static final class MutableClock extends Clock {

		Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
