package io.github.kafkastarter.autoconfigure.producer;

import java.time.Duration;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.StartupFailures;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The start-up size check on a real broker: a client whose max.request.size is above a
 * known topic's max.message.bytes stops start-up when asked to, naming the property and
 * the command that fixes the topic; one above the brokers' message.max.bytes is warned
 * about once the application has started, for that client only.
 */
@ExtendWith(OutputCaptureExtension.class)
class SizeLimitVerificationTests {

	@Test
	void aDefaultTopicThatTakesSmallerRecordsThanTheProducerSendsFailsStartUpWhenAskedTo(CapturedOutput output) {
		KafkaTopics.create(TestBrokers.shared().getBrokersAsString(), "sizes-small", 1, 1,
				Map.of("max.message.bytes", "100000"));
		String report = StartupFailures.report(output, TestBrokers.sharedServersProperty(),
				"spring.kafka.template.default-topic=sizes-small", "kafka.starter.producer.verify-sizes=fail",
				"kafka.starter.producer.verify-durability=off");
		System.out.println("SIZES report:\n" + report);
		assertThat(report).contains("spring.kafka.producer.properties.max.request.size")
			.contains("max.request.size=1048576 bytes, but topic 'sizes-small' accepts at most "
					+ "max.message.bytes=100000 bytes")
			.contains("kafka-configs --alter --entity-type topics --entity-name sizes-small --add-config "
					+ "max.message.bytes=1048576")
			.contains("kafka.starter.producer.verify-sizes=warn");
	}

	@Test
	void aClientThatSendsLargerRequestsThanTheBrokersTakeIsWarnedAboutAfterStartUp(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
					ProducerReliabilityAutoConfiguration.class))
			.withPropertyValues(TestBrokers.sharedServersProperty(), "kafka.starter.producer.verify-durability=off",
					"kafka.starter.clients.big.producer.properties.max.request.size=2000000")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(output)
						.contains("Kafka client 'big' may send records the cluster rejects: It sends records of up "
								+ "to max.request.size=2000000 bytes, but the brokers accept at most "
								+ "message.max.bytes="));
				assertThat(output).contains("Set 'kafka.starter.clients.big.producer.properties.max.request.size=")
					.doesNotContain("Kafka client 'default' may send records the cluster rejects");
				System.out.println("SIZES warning: " + output.getOut()
					.lines()
					.filter((line) -> line.contains("may send records the cluster rejects"))
					.findFirst()
					.orElseThrow());
			});
	}

}
