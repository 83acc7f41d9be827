package io.github.kafkastarter.autoconfigure.parallel;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Parallel listeners whose methods return a {@code CompletableFuture} or a {@code Mono}: a
 * record is finished when its result completes, not when the method returns; a failed
 * result goes through the error handler (retries, dead letters); later records of the key
 * wait for it. Also the test that fails loudly if Spring Kafka changes the order in which it
 * reports such results (see {@code AsyncCompletions}).
 */
class ParallelAsyncListenerTests {

	static final String SERVERS = TestBrokers.shared().getBrokersAsString();

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.INTERCEPTORS, AutoConfigs.PRODUCER,
					AutoConfigs.ERROR_HANDLING, AutoConfigs.MEMBERSHIP,
					AutoConfigs.POISON_PILLS,
				ParallelListenerAutoConfiguration.class))
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"kafka.starter.producer.verify-durability=off", "kafka.starter.consumer.retry.backoff.delay=10ms",
				"kafka.starter.consumer.retry.backoff.max-delay=20ms");

	@Test
	void aRecordWhoseFutureIsPendingIsNotCommittedAndItsKeyWaits() {
		String topic = "parallel-future-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 1);
		Records.send(SERVERS, topic, 40, (i) -> "key-" + (i % 4));
		HeldFutures listener = new HeldFutures();
		this.runner.withBean(HeldFutures.class, () -> listener)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.held.concurrency=8",
					"kafka.starter.parallel.listeners.held.commit-interval=20ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ParallelListeners.Stats stats = context.getBean(ParallelListeners.class).get("held").orElseThrow();
				// One record per key was invoked: the next of each key waits for its result.
				await().atMost(PATIENCE).until(() -> listener.invoked.size() == 4);
				await().pollDelay(Duration.ofMillis(500)).atMost(PATIENCE).until(() -> true);
				assertThat(listener.invoked).hasSize(4);
				assertThat(stats.inFlight()).isEqualTo(40);
				assertThat(stats.running()).as("no worker is blocked by a pending result").isZero();
				assertThat(committed(topic)).as("committed while every result is pending").isZero();
				listener.release.countDown();
				await().atMost(PATIENCE).until(() -> listener.completed.get() == 40);
				await().atMost(PATIENCE).untilAsserted(() -> assertThat(committed(topic)).isEqualTo(40));
				assertThat(listener.overlaps).as("records of one key pending at once").hasValue(0);
			});
	}

	@Test
	void aFailedFutureIsRetriedAndThenDeadLettered() {
		String topic = "parallel-future-fail-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 2);
		Records.send(SERVERS, topic, 200, (i) -> "key-" + (i % 10));
		FailingFutures listener = new FailingFutures();
		this.runner.withBean(FailingFutures.class, () -> listener)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.failing-futures.concurrency=8")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				List<ConsumerRecord<byte[], byte[]>> dead = KafkaTopics.awaitRecords(SERVERS, topic + ".DLT", 1);
				await().atMost(PATIENCE).until(() -> listener.succeeded.size() == 199);
				assertThat(new String(dead.get(0).value())).isEqualTo("13");
				assertThat(KafkaTopics.header(dead.get(0), KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("never 13");
				// Every third value failed once, asynchronously, and was invoked again.
				assertThat(listener.attempts.get("3")).hasValue(2);
				assertThat(listener.attempts.get("4")).hasValue(1);
				assertThat(listener.attempts.get("13").get()).as("attempts of the record that always fails")
					.isGreaterThan(1);
				await().atMost(PATIENCE)
					.untilAsserted(() -> assertThat(Records.committed(SERVERS, topic))
						.isEqualTo(Records.endOffsets(SERVERS, topic, 2)));
			});
	}

	@Test
	void aMonoCompletesItsRecordWhenItEmitsAndFailsItWhenItErrors() {
		String topic = "parallel-mono-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 2);
		Records.send(SERVERS, topic, 100, (i) -> "key-" + (i % 10));
		MonoListener listener = new MonoListener();
		this.runner.withBean(MonoListener.class, () -> listener)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.monos.concurrency=4")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(PATIENCE).until(() -> listener.succeeded.size() == 100);
				assertThat(listener.attempts.get("7")).as("attempts of a record whose Mono failed once").hasValue(2);
				await().atMost(PATIENCE)
					.untilAsserted(() -> assertThat(Records.committed(SERVERS, topic))
						.isEqualTo(Records.endOffsets(SERVERS, topic, 2)));
			});
	}

	private static long committed(String topic) {
		return Records.committed(SERVERS, topic).getOrDefault(new TopicPartition(topic, 0), 0L);
	}

	private static Executor later(long millis) {
		return CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS);
	}

	static class HeldFutures {

		final CountDownLatch release = new CountDownLatch(1);

		final Set<Long> invoked = ConcurrentHashMap.newKeySet();

		final Set<String> pendingKeys = ConcurrentHashMap.newKeySet();

		final AtomicInteger completed = new AtomicInteger();

		final AtomicInteger overlaps = new AtomicInteger();

		@KafkaListener(id = "held", topics = "${test.topic}", idIsGroup = false)
		CompletableFuture<Void> onRecord(ConsumerRecord<String, String> record) {
			this.invoked.add(record.offset());
			if (!this.pendingKeys.add(record.key())) {
				this.overlaps.incrementAndGet();
			}
			return CompletableFuture.runAsync(() -> {
				try {
					this.release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				this.pendingKeys.remove(record.key());
				this.completed.incrementAndGet();
			});
		}

	}

	static class FailingFutures {

		final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

		final Set<String> succeeded = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "failing-futures", topics = "${test.topic}", idIsGroup = false)
		CompletableFuture<Void> onRecord(String value) {
			int attempt = this.attempts.computeIfAbsent(value, (key) -> new AtomicInteger()).incrementAndGet();
			return CompletableFuture.runAsync(() -> {
				if (value.equals("13")) {
					throw new IllegalStateException("never 13");
				}
				if (Integer.parseInt(value) % 3 == 0 && attempt == 1) {
					throw new IllegalStateException("not yet " + value);
				}
				this.succeeded.add(value);
			}, later(2));
		}

	}

	static class MonoListener {

		final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

		final Set<String> succeeded = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "monos", topics = "${test.topic}", idIsGroup = false)
		Mono<Void> onRecord(String value) {
			int attempt = this.attempts.computeIfAbsent(value, (key) -> new AtomicInteger()).incrementAndGet();
			return Mono.delay(Duration.ofMillis(2)).then(Mono.defer(() -> {
				if (value.equals("7") && attempt == 1) {
					return Mono.error(new IllegalStateException("not yet 7"));
				}
				this.succeeded.add(value);
				return Mono.empty();
			}));
		}

	}

}
