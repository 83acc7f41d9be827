package io.github.kafkastarter.autoconfigure.diagnostics;

import org.apache.kafka.common.config.AbstractConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client configuration check reads the configuration as the clients will get it
 * (what Kafka refuses only without what listener containers add stays allowed) and
 * quietly where it can.
 */
@ExtendWith(OutputCaptureExtension.class)
class KafkaClientConfigCheckTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DiagnosticsAutoConfiguration.class, KafkaAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9092");

	@Test
	void autoCommitWithTheGroupIdLeftToTheListeners() {
		// Kafka refuses enable.auto.commit=true without a group id; @KafkaListener(groupId)
		// gives the consumers theirs.
		this.runner.withPropertyValues("spring.kafka.consumer.enable-auto-commit=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void producerConfigWhichLogsEveryValueIsBuiltOnlyWhereItsRulesCanRefuse(CapturedOutput output) {
		// Kafka's config classes log through this logger, at INFO (the tests keep Kafka at WARN).
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel(AbstractConfig.class.getName(), LogLevel.INFO);
		try {
			this.runner
				.withPropertyValues("spring.kafka.producer.acks=all",
						"spring.kafka.producer.transaction-id-prefix=tx-",
						"spring.kafka.producer.properties.enable.idempotence=true")
				.run((context) -> assertThat(context).hasNotFailed());
			this.runner.withPropertyValues("spring.kafka.producer.acks=1")
				.run((context) -> assertThat(context).hasNotFailed());
		}
		finally {
			logging.setLogLevel(AbstractConfig.class.getName(), null);
		}
		// Once, for the configuration that departs from Kafka's defaults.
		assertThat(output.getAll().split("ProducerConfig values", -1)).hasSize(2);
	}

	@Test
	void autoCommitIsStillCheckedAgainstTheRestOfTheConfiguration() {
		this.runner
			.withPropertyValues("spring.kafka.consumer.enable-auto-commit=true",
					"spring.kafka.consumer.properties.group.remote.assignor=uniform")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(KafkaStarterConfigurationException.class)
				.hasMessageContaining("spring.kafka.consumer.properties[group.remote.assignor]")
				.hasMessageContaining("cannot be set when group.protocol=CLASSIC"));
	}

}
