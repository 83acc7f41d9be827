package io.github.kafkastarter.autoconfigure.parallel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Parallel listeners under crashes, rebalances and failing records, on a real broker.
 */
class ParallelListenerFaultTests {

	static final String SERVERS = TestBrokers.shared().getBrokersAsString();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.INTERCEPTORS, ParallelListenerAutoConfiguration.class))
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"kafka.starter.parallel.listeners.tracked.concurrency=32",
				"kafka.starter.parallel.listeners.tracked.max-in-flight=256",
				"kafka.starter.parallel.listeners.tracked.drain-timeout=1s")
		.withUserConfiguration(TrackedListener.class);

	@Test
	void aCrashLosesNothingAndReplaysOnlyWhatWasNotCommitted() {
		String topic = "parallel-crash-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 4);
		Records.send(SERVERS, topic, 10_000, (i) -> "key-" + (i % 1_000));
		Tracker first = new Tracker();
		AtomicBoolean crashed = new AtomicBoolean();
		CountDownLatch afterDeath = new CountDownLatch(1);
		first.beforeEach = () -> {
			if (crashed.get()) {
				// The process is dead: whatever was running never finishes.
				awaitQuietly(afterDeath);
				throw new IllegalStateException("dead");
			}
		};
		Map<TopicPartition, Long>[] committedAtCrash = new Map[1];
		this.runner.withBean(Tracker.class, () -> first)
			.withBean(ConsumerFactory.class, () -> crashableConsumerFactory(crashed, topic))
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(Duration.ofSeconds(60)).until(() -> first.processed.size() >= 3_000);
				crashed.set(true);
				// A commit sent just before the crash may still land (the listener commits
				// asynchronously between polls): take the offsets once they stopped moving.
				committedAtCrash[0] = Records.committed(SERVERS, topic);
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
					Map<TopicPartition, Long> now = Records.committed(SERVERS, topic);
					boolean stable = now.equals(committedAtCrash[0]);
					committedAtCrash[0] = now;
					return stable;
				});
			});
		afterDeath.countDown();
		Map<TopicPartition, Long> committed = Records.committed(SERVERS, topic);
		// Nothing was committed once the process died.
		assertThat(committed).isEqualTo(committedAtCrash[0]);
		// Never committed past a record the listener had not finished.
		committed.forEach((partition, offset) -> {
			for (long o = 0; o < offset; o++) {
				assertThat(first.processed).as("committed %s@%s", partition, o)
					.contains(partition.partition() + "@" + o);
			}
		});
		Tracker second = new Tracker();
		this.runner.withBean(Tracker.class, () -> second)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic)
			.run((context) -> await().atMost(Duration.ofSeconds(60)).until(() -> {
				Set<String> all = ConcurrentHashMap.newKeySet();
				all.addAll(first.processed);
				all.addAll(second.processed);
				return all.size() == 10_000;
			}));
		Set<String> replayed = ConcurrentHashMap.newKeySet();
		replayed.addAll(first.processed);
		replayed.retainAll(second.processed);
		long uncommittedTail = first.processed.stream().filter((id) -> {
			String[] parts = id.split("@");
			return Long.parseLong(parts[1]) >= committed
				.getOrDefault(new TopicPartition(topic, Integer.parseInt(parts[0])), 0L);
		}).count();
		System.out.printf("crash: processed before=%d, committed before=%s, replayed=%d, uncommitted tail=%d%n",
				first.processed.size(), committed, replayed.size(), uncommittedTail);
		// The new owner starts exactly at the committed offsets: what it replays is the tail the
		// dead one finished without committing, no more.
		assertThat((long) replayed.size()).isEqualTo(uncommittedTail);
		assertThat(replayed.size()).isLessThanOrEqualTo(256 + (int) uncommittedTail);
		assertThat(first.orderViolations.get() + second.orderViolations.get()).isZero();
	}

	@Test
	void aSecondInstanceJoiningAndLeavingLosesNothingAndKeepsKeyOrder() {
		String topic = "parallel-rebalance-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 4);
		Records.send(SERVERS, topic, 40_000, (i) -> "key-" + (i % 1_000));
		Tracker shared = new Tracker();
		// Slow enough (8 workers x 2 ms: 10 s of work) for the second instance to join
		// mid-stream; the first learns of the rebalance at its next heartbeat.
		shared.work = Duration.ofMillis(2);
		shared.fixedWork = true;
		ApplicationContextRunner instance = this.runner.withBean(Tracker.class, () -> shared)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"spring.kafka.consumer.heartbeat-interval=500ms",
					"kafka.starter.parallel.listeners.tracked.concurrency=8");
		int[] bySecond = new int[1];
		instance.run((first) -> {
			assertThat(first).hasNotFailed();
			await().atMost(Duration.ofSeconds(60)).until(() -> shared.processed.size() >= 2_000);
			instance.run((second) -> {
				assertThat(second).hasNotFailed();
				ParallelListeners.Stats stats = second.getBean(ParallelListeners.class).get("tracked").orElseThrow();
				await().atMost(Duration.ofSeconds(60)).until(() -> stats.finished() >= 1_000);
				bySecond[0] = (int) stats.finished();
			});
			await().atMost(Duration.ofSeconds(90)).until(() -> shared.processed.size() == 40_000);
		});
		System.out.printf("rebalance: processed=%d (second instance %d), duplicates=%d, order violations=%d%n",
				shared.processed.size(), bySecond[0], shared.duplicates.get(), shared.orderViolations.get());
		assertThat(shared.processed).hasSize(40_000);
		assertThat(shared.orderViolations.get()).isZero();
		assertThat(shared.duplicates.get()).isZero();
	}

	@Test
	void aFailingRecordIsRetriedAndRecoveredByTheContainersErrorHandlerBeforeTheNextRecordOfItsKey() {
		String topic = "parallel-errors-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 2);
		Records.send(SERVERS, topic, 2_000, (i) -> "key-" + (i % 100));
		Tracker tracker = new Tracker();
		Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
		List<String> recovered = java.util.Collections.synchronizedList(new ArrayList<>());
		// Record 10 (key-10) fails twice then succeeds; record 20 (key-20) always fails.
		tracker.beforeEach = null;
		tracker.failing = (record) -> {
			int attempt = attempts.computeIfAbsent(record.value(), (v) -> new AtomicInteger()).incrementAndGet();
			return (record.value().equals("10") && attempt <= 2) || record.value().equals("20");
		};
		this.runner.withBean(Tracker.class, () -> tracker)
			.withBean(CommonErrorHandler.class, () -> new DefaultErrorHandler(
					(record, ex) -> recovered.add((String) record.value()), new FixedBackOff(20, 3)))
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(Duration.ofSeconds(60)).until(() -> tracker.processed.size() == 1_999);
				assertThat(recovered).containsExactly("20");
				assertThat(attempts.get("10")).hasValue(3);
				assertThat(attempts.get("20")).hasValue(4);
				// The records after them with the same key ran only once they were done.
				assertThat(tracker.orderViolations.get()).isZero();
				assertThat(tracker.processed).doesNotContain(tracker.idOf("20"));
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(Records.committed(SERVERS, topic))
						.isEqualTo(Records.endOffsets(SERVERS, topic, 2)));
			});
	}

	@Test
	void aRecordThatCannotBeDeserializedGoesToTheErrorHandlerAndTheRestFlows() {
		String topic = "parallel-poison-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 2);
		Records.send(SERVERS, topic, 1_000, (i) -> "key-" + (i % 50));
		List<Object> recovered = java.util.Collections.synchronizedList(new ArrayList<>());
		Tracker tracker = new Tracker();
		tracker.poisonValue = "500";
		this.runner.withBean(Tracker.class, () -> tracker)
			.withBean(CommonErrorHandler.class,
					() -> new DefaultErrorHandler((record, ex) -> recovered.add(record.offset()), new FixedBackOff(0, 0)))
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"spring.kafka.consumer.value-deserializer="
							+ org.springframework.kafka.support.serializer.ErrorHandlingDeserializer.class.getName(),
					"spring.kafka.consumer.properties.spring.deserializer.value.delegate.class="
							+ PoisonAwareDeserializer.class.getName())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(Duration.ofSeconds(60)).until(() -> tracker.processed.size() == 999);
				assertThat(recovered).hasSize(1);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(Records.committed(SERVERS, topic))
						.isEqualTo(Records.endOffsets(SERVERS, topic, 2)));
			});
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Consumers that stop committing once the "process" is dead.
	 */
	private static ConsumerFactory<Object, Object> crashableConsumerFactory(AtomicBoolean crashed, String group) {
		KafkaProperties properties = new KafkaProperties();
		Map<String, Object> configs = properties.buildConsumerProperties();
		configs.put("bootstrap.servers", SERVERS);
		configs.put("key.deserializer", StringDeserializer.class);
		configs.put("value.deserializer", StringDeserializer.class);
		configs.put("auto.offset.reset", "earliest");
		configs.put("group.id", group);
		return new DefaultKafkaConsumerFactory<>(configs) {

			@Override
			protected Consumer<Object, Object> createKafkaConsumer(Map<String, Object> configProps) {
				Consumer<Object, Object> real = super.createKafkaConsumer(configProps);
				return (Consumer<Object, Object>) Proxy.newProxyInstance(getClass().getClassLoader(),
						new Class<?>[] { Consumer.class }, (proxy, method, args) -> {
							if (crashed.get() && method.getName().startsWith("commit")) {
								return null;
							}
							try {
								return method.invoke(real, args);
							}
							catch (InvocationTargetException ex) {
								throw ex.getCause();
							}
						});
			}

		};
	}

	/**
	 * Turns the value "500" into a failure, as garbage bytes would.
	 */
	public static class PoisonAwareDeserializer extends StringDeserializer {

		@Override
		public String deserialize(String topic, byte[] data) {
			String value = super.deserialize(topic, data);
			if ("500".equals(value)) {
				throw new org.apache.kafka.common.errors.SerializationException("poison");
			}
			return value;
		}

	}

	/**
	 * Records what a listener processed, and checks key order.
	 */
	static class Tracker {

		final Set<String> processed = ConcurrentHashMap.newKeySet();

		final Map<String, Long> lastFinished = new ConcurrentHashMap<>();

		final Set<String> activeKeys = ConcurrentHashMap.newKeySet();

		final AtomicInteger orderViolations = new AtomicInteger();

		final AtomicInteger duplicates = new AtomicInteger();

		final Map<String, String> idByValue = new ConcurrentHashMap<>();

		volatile Runnable beforeEach;

		volatile java.util.function.Predicate<ConsumerRecord<String, String>> failing;

		volatile Duration work = Duration.ofNanos(500_000);

		volatile boolean fixedWork;

		volatile String poisonValue;

		String idOf(String value) {
			return this.idByValue.get(value);
		}

		void handle(ConsumerRecord<String, String> record) {
			Runnable before = this.beforeEach;
			if (before != null) {
				before.run();
			}
			String key = record.topic() + "/" + record.partition() + "/" + record.key();
			if (!this.activeKeys.add(key)) {
				this.orderViolations.incrementAndGet();
			}
			try {
				Long previous = this.lastFinished.get(key);
				if (previous != null && previous >= record.offset()) {
					this.orderViolations.incrementAndGet();
				}
				this.idByValue.put(record.value(), record.partition() + "@" + record.offset());
				Records.simulatedIo(this.fixedWork ? this.work
						: Duration.ofNanos(ThreadLocalRandom.current().nextLong(this.work.toNanos() + 1)));
				java.util.function.Predicate<ConsumerRecord<String, String>> failing = this.failing;
				if (failing != null && failing.test(record)) {
					throw new IllegalStateException("failing " + record.value());
				}
				this.lastFinished.put(key, record.offset());
				if (!this.processed.add(record.partition() + "@" + record.offset())) {
					this.duplicates.incrementAndGet();
				}
			}
			finally {
				this.activeKeys.remove(key);
			}
		}

	}

	static class TrackedListener {

		private final Tracker tracker;

		TrackedListener(Tracker tracker) {
			this.tracker = tracker;
		}

		@KafkaListener(id = "tracked", topics = "${test.topic}", idIsGroup = false)
		void onRecord(ConsumerRecord<String, String> record) {
			this.tracker.handle(record);
		}

	}

}
