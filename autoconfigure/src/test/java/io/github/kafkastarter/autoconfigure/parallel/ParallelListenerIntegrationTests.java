package io.github.kafkastarter.autoconfigure.parallel;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Parallel listeners on a real broker.
 */
class ParallelListenerIntegrationTests {

	static final String SERVERS = TestBrokers.shared().getBrokersAsString();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.INTERCEPTORS, ParallelListenerAutoConfiguration.class))
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest");

	@Test
	void keyOrderedListenerRunsBeyondItsPartitionsWithoutBreakingKeyOrder() {
		String topic = "parallel-key-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 4);
		Records.send(SERVERS, topic, 20_000, (i) -> "key-" + (i % 1_000));
		this.runner.withUserConfiguration(KeyOrderedListener.class)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KeyOrderedListener listener = context.getBean(KeyOrderedListener.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> listener.processed.size() == 20_000);
				assertThat(listener.duplicates).hasValue(0);
				assertThat(listener.orderViolations).hasValue(0);
				assertThat(listener.peakInProgress.get()).as("records in progress at once").isGreaterThan(4);
				ParallelListeners.Stats stats = context.getBean(ParallelListeners.class).get("keyed").orElseThrow();
				assertThat(stats.finished()).isEqualTo(20_000);
				// Everything finished is committed.
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(Records.committed(SERVERS, topic))
						.isEqualTo(Records.endOffsets(SERVERS, topic, 4)));
			});
	}

	@Test
	void inFlightRecordsNeverExceedTheLimitAndABlockedHandlerDoesNotCostTheGroupMembership() {
		String topic = "parallel-bound-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 2);
		Records.send(SERVERS, topic, 3_000, (i) -> "key-" + (i % 500));
		BlockingListener listener = new BlockingListener();
		this.runner.withBean(BlockingListener.class, () -> listener)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.blocking.concurrency=8",
					"kafka.starter.parallel.listeners.blocking.max-in-flight=100",
					// A short poll interval: the handler stays blocked for several of them.
					"spring.kafka.consumer.properties.max.poll.interval.ms=2000",
					"spring.kafka.consumer.properties.session.timeout.ms=6000",
					"spring.kafka.consumer.properties.heartbeat.interval.ms=500")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ParallelListeners.Stats stats = context.getBean(ParallelListeners.class).get("blocking").orElseThrow();
				await().atMost(Duration.ofSeconds(30)).until(() -> listener.started.get() == 8);
				long blockedSince = System.nanoTime();
				// Held for more than twice max.poll.interval.ms, while the consumer goes on polling.
				await().atMost(Duration.ofSeconds(30))
					.pollDelay(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(stats.paused()).isTrue());
				assertThat(System.nanoTime() - blockedSince).isGreaterThan(Duration.ofMillis(4_000).toNanos());
				assertThat(stats.held()).isLessThanOrEqualTo(100);
				assertThat(listener.started.get()).isEqualTo(8);
				listener.release.countDown();
				await().atMost(Duration.ofSeconds(60)).until(() -> listener.processed.size() == 3_000);
				assertThat(stats.peakHeld()).as("peak held").isLessThanOrEqualTo(100).isGreaterThan(8);
				// Never left the group: no partition was taken away and nothing ran twice.
				assertThat(listener.revocations.get()).isZero();
				assertThat(listener.duplicates.get()).isZero();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class KeyOrderedListener {

		final Set<String> processed = ConcurrentHashMap.newKeySet();

		final Map<String, Long> lastFinished = new ConcurrentHashMap<>();

		final Set<String> activeKeys = ConcurrentHashMap.newKeySet();

		final AtomicInteger inProgress = new AtomicInteger();

		final AtomicInteger peakInProgress = new AtomicInteger();

		final AtomicInteger duplicates = new AtomicInteger();

		final AtomicInteger orderViolations = new AtomicInteger();

		@KafkaListener(id = "keyed", topics = "${test.topic}", idIsGroup = false)
		@ParallelListener(concurrency = 64)
		void onRecord(ConsumerRecord<String, String> record) {
			String key = record.key();
			int now = this.inProgress.incrementAndGet();
			this.peakInProgress.accumulateAndGet(now, Math::max);
			if (!this.activeKeys.add(key)) {
				this.orderViolations.incrementAndGet();
			}
			Long previous = this.lastFinished.get(key);
			if (previous != null && previous >= record.offset()) {
				this.orderViolations.incrementAndGet();
			}
			Records.simulatedIo(Duration.ofNanos(ThreadLocalRandom.current().nextLong(0, 3_000_000)));
			this.lastFinished.put(key, record.offset());
			this.activeKeys.remove(key);
			this.inProgress.decrementAndGet();
			if (!this.processed.add(record.partition() + "@" + record.offset())) {
				this.duplicates.incrementAndGet();
			}
		}

	}

	static class BlockingListener implements org.springframework.kafka.listener.ConsumerSeekAware {

		final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

		final AtomicInteger started = new AtomicInteger();

		final AtomicInteger revocations = new AtomicInteger();

		final AtomicInteger duplicates = new AtomicInteger();

		final Set<String> processed = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "blocking", topics = "${test.topic}", idIsGroup = false)
		void onRecord(ConsumerRecord<String, String> record) throws InterruptedException {
			if (this.release.getCount() > 0) {
				this.started.incrementAndGet();
				this.release.await();
			}
			if (!this.processed.add(record.partition() + "@" + record.offset())) {
				this.duplicates.incrementAndGet();
			}
		}

		@Override
		public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
			if (partitions != null && !partitions.isEmpty()) {
				this.revocations.incrementAndGet();
			}
		}

	}

}
