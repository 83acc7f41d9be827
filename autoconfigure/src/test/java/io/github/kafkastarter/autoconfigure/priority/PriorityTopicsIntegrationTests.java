package io.github.kafkastarter.autoconfigure.priority;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.annotation.KafkaListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener ranking three topics, on a real broker.
 */
@ExtendWith(OutputCaptureExtension.class)
class PriorityTopicsIntegrationTests {

	static final String SERVERS = TestBrokers.shared().getBrokersAsString();

	static final int MAX_POLL_RECORDS = 50;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				PriorityTopicsAutoConfiguration.class))
		.withUserConfiguration(RankedListener.class)
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"spring.kafka.consumer.max-poll-records=" + MAX_POLL_RECORDS);

	@Test
	void urgentRecordsGoFirstAndTheLowestTopicStillProgressesWithinTheMaximumPause(CapturedOutput output) {
		String suffix = UUID.randomUUID().toString();
		String urgent = "urgent-" + suffix;
		String normal = "normal-" + suffix;
		String bulk = "bulk-" + suffix;
		for (String topic : List.of(urgent, normal, bulk)) {
			Records.createTopic(SERVERS, topic, 1);
		}
		// Backlogs on all three before the listener starts.
		Records.send(SERVERS, urgent, 500, (i) -> "u" + i);
		Records.send(SERVERS, normal, 5_000, (i) -> "n" + i);
		Records.send(SERVERS, bulk, 500, (i) -> "b" + i);
		this.runner
			.withPropertyValues("test.topics=" + urgent + "," + normal + "," + bulk,
					"spring.kafka.consumer.group-id=" + suffix,
					"kafka.starter.priority.listeners.ranked.topics=" + urgent + "," + normal + "," + bulk,
					"kafka.starter.priority.listeners.ranked.max-pause=3s",
					"kafka.starter.priority.listeners.ranked.resume-for=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RankedListener listener = context.getBean(RankedListener.class);
				await().atMost(Duration.ofSeconds(90)).until(() -> listener.seen.size() == 6_000);
				List<Seen> seen = new ArrayList<>(listener.seen);
				int lastUrgent = lastIndex(seen, urgent);
				long normalBeforeLastUrgent = seen.subList(0, lastUrgent).stream()
					.filter((s) -> s.topic.equals(normal))
					.count();
				long bulkBeforeLastUrgent = seen.subList(0, lastUrgent).stream()
					.filter((s) -> s.topic.equals(bulk))
					.count();
				int firstBulk = firstIndex(seen, bulk);
				int lastNormal = lastIndex(seen, normal);
				double firstBulkAfterSeconds = (seen.get(firstBulk).nanos - seen.get(0).nanos) / 1e9;
				System.out.printf("priority: last urgent at #%d, normal before it=%d, bulk before it=%d, "
						+ "first bulk at #%d (%.1fs), last normal at #%d%n", lastUrgent, normalBeforeLastUrgent,
						bulkBeforeLastUrgent, firstBulk, firstBulkAfterSeconds, lastNormal);
				// The very first poll held urgent records only: the lower topics were paused
				// within the poll that assigned them.
				assertThat(seen.subList(0, MAX_POLL_RECORDS)).allSatisfy((s) -> assertThat(s.topic).isEqualTo(urgent));
				// Held by partition, not by pausing the whole consumer, which Kafka resumes on
				// assignment (and Spring Kafka warns about).
				assertThat(output).doesNotContain("Paused consumer resumed by Kafka due to rebalance");
				// Nothing below urgent ran ahead of it, beyond what one poll already held.
				assertThat(normalBeforeLastUrgent).isLessThanOrEqualTo(MAX_POLL_RECORDS);
				assertThat(bulkBeforeLastUrgent).isLessThanOrEqualTo(MAX_POLL_RECORDS);
				// Bulk was not starved behind normal's long backlog.
				assertThat(firstBulk).isLessThan(lastNormal);
				assertThat(firstBulkAfterSeconds).isLessThan(3 + 3.0);
			});
	}

	@Test
	void rankingATopicTheListenerDoesNotReadFailsAtStartUp() {
		this.runner
			.withPropertyValues("test.topics=a,b", "spring.kafka.consumer.group-id=x",
					"spring.kafka.listener.auto-startup=false",
					"kafka.starter.priority.listeners.ranked.topics=a,c")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(KafkaStarterConfigurationException.class)
				.hasMessageContaining("kafka.starter.priority.listeners.ranked.topics")
				.hasMessageContaining("'c'"));
	}

	private static int lastIndex(List<Seen> seen, String topic) {
		for (int i = seen.size() - 1; i >= 0; i--) {
			if (seen.get(i).topic.equals(topic)) {
				return i;
			}
		}
		return -1;
	}

	private static int firstIndex(List<Seen> seen, String topic) {
		for (int i = 0; i < seen.size(); i++) {
			if (seen.get(i).topic.equals(topic)) {
				return i;
			}
		}
		return -1;
	}

	record Seen(String topic, long nanos) {

	}

	static class RankedListener {

		final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

		@KafkaListener(id = "ranked", topics = "#{'${test.topics}'.split(',')}", idIsGroup = false)
		void onRecord(ConsumerRecord<String, String> record) {
			this.seen.add(new Seen(record.topic(), System.nanoTime()));
			Records.simulatedIo(Duration.ofMillis(1));
		}

	}

}
