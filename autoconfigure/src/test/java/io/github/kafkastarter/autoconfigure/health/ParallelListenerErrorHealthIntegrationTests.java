package io.github.kafkastarter.autoconfigure.health;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.annotation.KafkaListener;

import static io.github.kafkastarter.autoconfigure.health.LagHealthTests.indicated;
import static io.github.kafkastarter.autoconfigure.health.LagHealthTests.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An {@code Error} thrown by a parallel listener's handler on a worker thread stops its
 * container as Spring Kafka does for a plain listener: liveness goes {@code DOWN} with the
 * reason, and nothing at or past the failed record is committed.
 */
class ParallelListenerErrorHealthIntegrationTests {

	static final String SERVERS = TestBrokers.shared().getBrokersAsString();

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				KafkaHealthAutoConfiguration.class, AutoConfigs.PARALLEL))
		.withConfiguration(KafkaHealthAutoConfigurationTests.HEALTH)
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest");

	@Test
	void anErrorOnAWorkerTakesLivenessDownAndNothingPastTheFailedRecordIsCommitted() {
		String topic = "parallel-error-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 1);
		// Record 300 throws an Error; records after it, of other keys, may still finish.
		Records.send(SERVERS, topic, 1_000, (i) -> "key-" + (i % 50));
		ErrorListener listener = new ErrorListener();
		this.runner.withBean(ErrorListener.class, () -> listener)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.fatal.concurrency=8")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(PATIENCE).until(() -> status(context, "liveness").equals(Status.DOWN));
				await().atMost(PATIENCE)
					.untilAsserted(() -> assertThat(containers(indicated(context, "kafkaListeners", "default")))
						.hasEntrySatisfying("fatal", (state) -> assertThat(state).containsEntry("state", "FAILED")
							.containsEntry("problem", "The container stopped: the listener or the consumer threw an Error")));
				long committed = Records.committed(SERVERS, topic).getOrDefault(new TopicPartition(topic, 0), 0L);
				System.out.printf("Error at offset 300: committed %d, %d records processed%n", committed,
						listener.processed.size());
				assertThat(committed).as("committed offset").isLessThanOrEqualTo(300);
			});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> containers(IndicatedHealthDescriptor listeners) {
		return (Map<String, Map<String, Object>>) listeners.getDetails().get("containers");
	}

	static class ErrorListener {

		final Set<Long> processed = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "fatal", topics = "${test.topic}", idIsGroup = false)
		void onRecord(ConsumerRecord<String, String> record) {
			if (record.offset() == 300) {
				throw new OutOfMemoryError("Thrown by the test listener at offset 300");
			}
			this.processed.add(record.offset());
		}

	}

}
