package io.github.kafkastarter.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Kafka refuses only without what the application's listeners add stays allowed at
 * start-up: the check reads the configuration as the consumers will get it.
 */
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
