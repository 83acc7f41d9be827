package io.github.kafkastarter.autoconfigure.devbroker;

import java.util.List;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * When the dev broker must stay off. (That it starts, serves and stops is
 * {@link DevBrokerIntegrationTests}.)
 */
class DevBrokerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DevBrokerAutoConfiguration.class, KafkaAutoConfiguration.class));

	@Test
	void configuredServersAlwaysWin() {
		for (String property : List.of("spring.kafka.bootstrap-servers", "spring.kafka.producer.bootstrap-servers",
				"spring.kafka.consumer.bootstrap-servers")) {
			this.runner.withPropertyValues(property + "=prod:9092")
				.run((context) -> assertThat(context).doesNotHaveBean(DevKafkaBroker.class)
					.hasSingleBean(KafkaConnectionDetails.class));
		}
	}

	@Test
	void aConnectionDetailsBeanOfTheApplicationWins() {
		this.runner.withBean(KafkaConnectionDetails.class, () -> () -> List.of("container:9092"))
			.run((context) -> assertThat(context).doesNotHaveBean(DevKafkaBroker.class)
				.getBean(KafkaConnectionDetails.class)
				.extracting(KafkaConnectionDetails::getBootstrapServers)
				.isEqualTo(List.of("container:9092")));
	}

	@Test
	void switchedOffByProperty() {
		this.runner.withPropertyValues("kafka.starter.dev-broker.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DevKafkaBroker.class));
	}

	@Test
	void anEmbeddedKafkaBrokerOfTheApplicationWins() {
		// A stand-in: its presence as a bean is what counts, and nothing starts it.
		this.runner.withBean(EmbeddedKafkaBroker.class, () -> mock(EmbeddedKafkaBroker.class))
			.run((context) -> assertThat(context).doesNotHaveBean(DevKafkaBroker.class));
	}

	@Test
	void offWithoutKafkasTestKitOnTheClasspath() {
		this.runner.withClassLoader(new FilteredClassLoader(KafkaClusterTestKit.class))
			.run((context) -> assertThat(context).doesNotHaveBean(DevKafkaBroker.class));
	}

}
