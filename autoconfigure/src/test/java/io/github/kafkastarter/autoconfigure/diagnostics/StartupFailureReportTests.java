package io.github.kafkastarter.autoconfigure.diagnostics;

import io.github.kafkastarter.autoconfigure.support.StartupFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad configuration stops start-up at once with a report that names the property and the
 * fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTests {

	@Test
	void namedClientWhoseNameCannotPrefixBeanNames(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.clients.analytics-eu.bootstrap-servers=eu:9092");
		assertThat(report).contains("kafka.starter.clients.analytics-eu")
			.contains("must start with a lowercase letter")
			.contains("Action:")
			.contains("analyticsEu");
	}

	@Test
	void namedClientCalledDefault(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.clients.default.bootstrap-servers=other:9092");
		assertThat(report).contains("kafka.starter.clients.default").contains("'default', which is Spring Boot's");
	}

	@Test
	void removedObservationSwitch(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.observation.enabled=true");
		assertThat(report).contains("kafka.starter.observation.enabled")
			.contains("This property was removed")
			.contains("'spring.kafka.template.observation-enabled=true'")
			.contains("'spring.kafka.listener.observation-enabled=true'");
		String named = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.clients.audit.observation.enabled=true");
		assertThat(named).contains("kafka.starter.clients.audit.observation.enabled")
			.contains("'kafka.starter.clients.audit.template.observation-enabled=true'");
	}

	@Test
	void bootstrapServerWithoutPort(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=broker-1:9092,broker-2");
		assertThat(report).contains("spring.kafka.bootstrap-servers")
			.contains("'broker-2' is not host:port")
			.contains("broker-2:9092");
	}

	@Test
	void bootstrapServersWithAnEmptyEntry(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.clients.audit.bootstrap-servers=audit-1:9092,,audit-2:9092");
		assertThat(report).contains("kafka.starter.clients.audit.bootstrap-servers").contains("empty entry");
	}

	@Test
	void bootstrapServerWithPortOutOfRange(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:99092");
		assertThat(report).contains("spring.kafka.bootstrap-servers").contains("outside 1-65535");
	}

	@Test
	void devBrokerTopicWithoutPartitions(CapturedOutput output) {
		String report = StartupFailures.report(output, "kafka.starter.dev-broker.topics[0].name=orders",
				"kafka.starter.dev-broker.topics[0].partitions=0");
		assertThat(report).contains("kafka.starter.dev-broker.topics[0].partitions")
			.contains("needs at least one partition")
			.contains("Set 'kafka.starter.dev-broker.topics[0].partitions' to 1 or more");
	}

	@Test
	void devBrokerTopicWithNegativePartitions(CapturedOutput output) {
		String report = StartupFailures.report(output, "kafka.starter.dev-broker.topics[0].name=orders",
				"kafka.starter.dev-broker.topics[0].partitions=-3");
		assertThat(report).contains("kafka.starter.dev-broker.topics[0].partitions").contains("'-3'");
	}

	@Test
	void namedClientSslBundleThatDoesNotExist(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.clients.secure.bootstrap-servers=secure:9093",
				"kafka.starter.clients.secure.ssl.bundle=missing");
		assertThat(report).contains("kafka.starter.clients.secure.ssl.bundle")
			.contains("'missing'")
			.contains("spring.ssl.bundle");
	}

	@Test
	void unknownValueInAnEnumKey(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.clients.audit.listener.ack-mode=sometimes");
		assertThat(report).contains("kafka.starter.clients.audit.listener.ack-mode")
			.contains("sometimes")
			.containsIgnoringCase("manual_immediate");
	}

	@Test
	void lagIntervalThatIsNotPositive(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.lag.interval=0s");
		assertThat(report).contains("kafka.starter.lag.interval")
			.contains("must be positive")
			.contains("kafka.starter.lag.enabled=false");
	}

	@Test
	void lagTimeoutThatIsNotPositiveForANamedClient(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.clients.audit.client-id=audit", "kafka.starter.clients.audit.lag.timeout=-1s");
		assertThat(report).contains("kafka.starter.clients.audit.lag.timeout").contains("every refresh fails");
	}

	@Test
	void lagWindowTooSmallToShowATrend(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.lag.window=1");
		assertThat(report).contains("kafka.starter.lag.window").contains("'1'").contains("2 or more");
	}

	@Test
	void negativeLaggingThreshold(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.lag.lagging-threshold=-5");
		assertThat(report).contains("kafka.starter.lag.lagging-threshold").contains("cannot be negative");
	}

	@Test
	void lagIntervalThatIsNotADuration(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.lag.interval=often");
		// Spring Boot's own binding report.
		assertThat(report).contains("kafka.starter.lag.interval").contains("often").contains("java.time.Duration");
	}

	@Test
	void endToEndLatencyPercentileOutOfRange(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.e2e.percentiles=0.5,99");
		assertThat(report).contains("kafka.starter.e2e.percentiles").contains("'99.0'").contains("between 0 and 1");
	}

	@Test
	void brokerHealthIntervalThatIsNotPositive(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.health.broker.interval=0s");
		assertThat(report).contains("kafka.starter.health.broker.interval")
			.contains("must be positive")
			.contains("kafka.starter.health.broker.interval=10s");
	}

	@Test
	void namedClientBrokerHealthTimeoutThatIsNegative(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.clients.audit.health.broker.timeout=-1s");
		assertThat(report).contains("kafka.starter.clients.audit.health.broker.timeout")
			.contains("must be positive");
	}

	@Test
	void negativeLagThreshold(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.health.lag.max-offsets=-5");
		assertThat(report).contains("kafka.starter.health.lag.max-offsets")
			.contains("cannot be negative")
			.contains("'-5'");
	}

	@Test
	void unknownBrokerHealthMode(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.clients.audit.health.broker.mode=sometimes");
		assertThat(report).contains("kafka.starter.clients.audit.health.broker.mode")
			.contains("sometimes")
			.containsIgnoringCase("connectivity");
	}

	@Test
	void endpointTimeoutThatIsNotPositive(CapturedOutput output) {
		String report = StartupFailures.report(output, "spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.endpoint.timeout=0ms");
		assertThat(report).contains("kafka.starter.endpoint.timeout").contains("must be positive");
	}

}
