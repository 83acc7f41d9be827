package io.github.kafkastarter.autoconfigure.parallel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attacks on the promises of parallel listeners, each on a real broker: records that can
 * never be committed, records that never finish, rebalances while full, lost wake-ups,
 * garbage collection, keys without value equality and dead letters from workers.
 */
class ParallelListenerGuaranteeTests {

	static final String SERVERS = TestBrokers.shared().getBrokersAsString();

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.INTERCEPTORS, AutoConfigs.PRODUCER,
					AutoConfigs.ERROR_HANDLING, AutoConfigs.MEMBERSHIP,
					AutoConfigs.POISON_PILLS,
				AutoConfigs.DEDUPLICATION, ParallelListenerAutoConfiguration.class))
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"kafka.starter.producer.verify-durability=off", "kafka.starter.consumer.retry.backoff.delay=20ms",
				"kafka.starter.consumer.retry.backoff.max-delay=50ms");

	@Test
	void aPoisonRecordAtTheEndOfAPartitionIsCommittedAndDeadLetteredOnce() {
		String topic = "parallel-poison-tail-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 2);
		try (KafkaProducer<byte[], byte[]> producer = bytesProducer()) {
			for (int partition = 0; partition < 2; partition++) {
				for (int i = 0; i < 50; i++) {
					producer.send(new ProducerRecord<>(topic, partition, bytes("key-" + (i % 7)), intValue(100 + i)));
				}
				// The last record of each partition cannot be deserialized.
				producer.send(new ProducerRecord<>(topic, partition, bytes("key-x"), new byte[] { 1, 2, 3 }));
			}
		}
		ApplicationContextRunner runner = this.runner.withUserConfiguration(IntListener.class)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"spring.kafka.consumer.value-deserializer=" + IntegerDeserializer.class.getName(),
					"kafka.starter.parallel.listeners.ints.concurrency=4");
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			IntListener listener = context.getBean(IntListener.class);
			await().atMost(PATIENCE).until(() -> listener.processed.size() == 100);
			assertThat(KafkaTopics.awaitRecords(SERVERS, topic + ".DLT", 2)).hasSize(2);
			// The recovered record is finished like any other: the group is fully committed.
			await().atMost(PATIENCE)
				.untilAsserted(() -> assertThat(Records.committed(SERVERS, topic))
					.isEqualTo(Records.endOffsets(SERVERS, topic, 2)));
		});
		// A restart reads on from the commit: the poison records are not dead-lettered again.
		try (KafkaProducer<byte[], byte[]> producer = bytesProducer()) {
			producer.send(new ProducerRecord<>(topic, 0, bytes("key-1"), intValue(1000)));
			producer.send(new ProducerRecord<>(topic, 1, bytes("key-1"), intValue(1001)));
		}
		runner.run((context) -> {
			IntListener listener = context.getBean(IntListener.class);
			await().atMost(PATIENCE).until(() -> listener.processed.size() == 2);
			assertThat(listener.processed).containsExactlyInAnyOrder("0@51", "1@51");
			assertThat(KafkaTopics.readAll(SERVERS, topic + ".DLT")).hasSize(2);
		});
	}

	@Test
	void aRecordThatNeverFinishesHoldsBackAtMostMaxInFlightRecords() {
		String topic = "parallel-stuck-head-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 1);
		int count = 200_000;
		// Record 0 blocks; every other record has a key of its own lane.
		Records.send(SERVERS, topic, count + 1, (i) -> (i == 0) ? "stuck" : "key-" + (i % 5_000));
		StuckHeadListener listener = new StuckHeadListener();
		this.runner.withBean(StuckHeadListener.class, () -> listener)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.stuck.concurrency=8",
					"kafka.starter.parallel.listeners.stuck.max-in-flight=64")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ParallelListeners.Stats stats = context.getBean(ParallelListeners.class).get("stuck").orElseThrow();
				await().atMost(PATIENCE).until(() -> listener.blocked.getCount() == 0);
				// The partition stops being read: what finished behind the stuck record waits
				// for it, bounded by max-in-flight, instead of growing with the partition.
				await().atMost(PATIENCE).until(() -> stats.held() > 0 && stats.inFlight() == 1);
				long finishedBefore = stats.finished();
				await().pollDelay(Duration.ofSeconds(3)).atMost(PATIENCE).until(() -> true);
				assertThat(stats.finished()).as("finished while the first record is stuck").isEqualTo(finishedBefore);
				assertThat(stats.peakHeld()).as("records held at most").isLessThanOrEqualTo(64);
				assertThat(Records.committed(SERVERS, topic).getOrDefault(new TopicPartition(topic, 0), 0L))
					.as("committed while the first record is stuck")
					.isZero();
				listener.release.countDown();
				await().atMost(PATIENCE).until(() -> stats.finished() == count + 1);
				await().atMost(PATIENCE)
					.untilAsserted(() -> assertThat(Records.committed(SERVERS, topic))
						.isEqualTo(Records.endOffsets(SERVERS, topic, 1)));
				assertThat(stats.peakHeld()).as("records held at most").isLessThanOrEqualTo(64);
				System.out.printf("Stuck head: %d records, %d finished while blocked, peak held %d of 64%n", count + 1,
						finishedBefore, stats.peakHeld());
			});
	}

	@Test
	void aRebalanceWhileFullNeitherRefetchesNorLosesRecords() {
		String topic = "parallel-full-rebalance-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 4);
		Records.send(SERVERS, topic, 2_000, (i) -> "key-" + (i % 100));
		BlockingCounter listener = new BlockingCounter();
		this.runner.withBean(BlockingCounter.class, () -> listener)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.blocked.concurrency=4",
					"kafka.starter.parallel.listeners.blocked.max-in-flight=16",
					"kafka.starter.parallel.listeners.blocked.drain-timeout=500ms",
					"spring.kafka.consumer.properties.partition.assignment.strategy="
							+ "org.apache.kafka.clients.consumer.RangeAssignor")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ParallelListeners.Stats stats = context.getBean(ParallelListeners.class).get("blocked").orElseThrow();
				MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class)
					.getListenerContainer("blocked");
				await().atMost(PATIENCE).until(stats::paused);
				// Another member joins, takes half the partitions, and leaves again: the
				// listener gets partitions it never paused while it is still full.
				try (KafkaConsumer<byte[], byte[]> other = new KafkaConsumer<>(Map.of(
						ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SERVERS, ConsumerConfig.GROUP_ID_CONFIG, topic,
						ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
						"org.apache.kafka.clients.consumer.RangeAssignor"), new ByteArrayDeserializer(),
						new ByteArrayDeserializer())) {
					other.subscribe(List.of(topic));
					await().atMost(PATIENCE).until(() -> {
						other.poll(Duration.ofMillis(100));
						return !other.assignment().isEmpty();
					});
				}
				await().atMost(PATIENCE).until(() -> container.getAssignedPartitions().size() == 4);
				// Its workers are still blocked: it fills up again with the partitions it got.
				await().atMost(PATIENCE).until(stats::paused);
				double before = fetches(container);
				await().pollDelay(Duration.ofSeconds(3)).atMost(PATIENCE).until(() -> true);
				double during = fetches(container) - before;
				System.out.printf("Full listener after a rebalance: %.0f fetch requests in 3 s%n", during);
				assertThat(during).as("fetch requests in 3 s while full").isLessThan(30);
				listener.release.countDown();
				await().atMost(PATIENCE).until(() -> listener.processed.size() == 2_000);
				await().atMost(PATIENCE)
					.untilAsserted(() -> assertThat(Records.committed(SERVERS, topic))
						.isEqualTo(Records.endOffsets(SERVERS, topic, 4)));
			});
	}

	@Test
	void pausedPartitionsResumeTogetherWithoutWaitingForThePollTimeout() {
		String topic = "parallel-resume-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 4);
		int count = 4_000;
		Records.send(SERVERS, topic, count, (i) -> "key-" + (i % 400));
		GapListener listener = new GapListener();
		this.runner.withBean(GapListener.class, () -> listener)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.gaps.concurrency=8",
					"kafka.starter.parallel.listeners.gaps.max-in-flight=32",
					// A lost wake-up would cost a whole poll timeout.
					"kafka.starter.parallel.listeners.gaps.poll-timeout=10s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(PATIENCE).until(() -> listener.finished.get() == count);
				System.out.printf("Longest gap without a finished record: %d ms%n",
						TimeUnit.NANOSECONDS.toMillis(listener.longestGap.get()));
				assertThat(Duration.ofNanos(listener.longestGap.get())).as("longest gap without a finished record")
					.isLessThan(Duration.ofSeconds(2));
			});
	}

	@Test
	void gaugesReadTheListenerAfterAGarbageCollection() {
		String topic = "parallel-gauges-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 1);
		Records.send(SERVERS, topic, 10, (i) -> "key-" + i);
		this.runner.withUserConfiguration(PlainListener.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.plain.concurrency=2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(PATIENCE)
					.until(() -> registry.find("kafka.listener.parallel.in.flight").gauge() != null);
				collectGarbage();
				for (String name : List.of("kafka.listener.parallel.in.flight", "kafka.listener.parallel.running",
						"kafka.listener.parallel.held")) {
					assertThat(registry.get(name).tag("listener", "plain").gauge().value()).as(name).isNotNaN();
				}
			});
	}

	@Test
	void keysWithoutValueEqualityKeepTheirOrder() {
		String topic = "parallel-identity-keys-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 2);
		Records.send(SERVERS, topic, 2_000, (i) -> "key-" + (i % 10));
		KeyOrderListener listener = new KeyOrderListener();
		this.runner.withBean(KeyOrderListener.class, () -> listener)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"spring.kafka.consumer.key-deserializer=" + IdentityKeyDeserializer.class.getName(),
					"kafka.starter.parallel.listeners.identity.concurrency=16")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(PATIENCE).until(() -> listener.processed.get() == 2_000);
				assertThat(listener.overlaps).as("records of one key running at once").hasValue(0);
				assertThat(listener.outOfOrder).as("records of one key out of offset order").hasValue(0);
			});
	}

	@Test
	void deadLettersFromWorkersCarryTheConsumerGroup() {
		String topic = "parallel-dlt-group-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 1);
		try (KafkaProducer<byte[], byte[]> producer = bytesProducer()) {
			producer.send(new ProducerRecord<>(topic, bytes("key"), intValue(13)));
		}
		this.runner.withUserConfiguration(IntListener.class)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"spring.kafka.consumer.value-deserializer=" + IntegerDeserializer.class.getName(),
					"kafka.starter.parallel.listeners.ints.concurrency=2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ConsumerRecord<byte[], byte[]> dead = KafkaTopics.awaitRecords(SERVERS, topic + ".DLT", 1).get(0);
				assertThat(KafkaTopics.header(dead, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP)).isEqualTo(topic);
				assertThat(KafkaTopics.header(dead, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("unlucky 13");
			});
	}

	@Test
	void recordsARecordInterceptorFiltersOutAreCommittedToo() {
		String topic = "parallel-filtered-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 1);
		// Odd values are filtered out, the last record among them.
		Records.send(SERVERS, topic, 22, (i) -> "key-" + (i % 3));
		this.runner.withUserConfiguration(PlainListener.class)
			.withBean(RecordInterceptor.class, () -> (record,
				consumer) -> (Integer.parseInt((String) record.value()) % 2 == 1) ? null : record)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.plain.concurrency=2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PlainListener listener = context.getBean(PlainListener.class);
				await().atMost(PATIENCE).until(() -> listener.values.size() == 11);
				assertThat(listener.values).allMatch((value) -> Integer.parseInt(value) % 2 == 0);
				await().atMost(PATIENCE)
					.untilAsserted(() -> assertThat(Records.committed(SERVERS, topic))
						.isEqualTo(Records.endOffsets(SERVERS, topic, 1)));
			});
	}

	@Test
	void workersAreVirtualThreadsOnJava21AndPlatformThreadsBefore() {
		String topic = "parallel-threads-" + UUID.randomUUID();
		Records.createTopic(SERVERS, topic, 1);
		Records.send(SERVERS, topic, 20, (i) -> "key-" + i);
		ThreadListener listener = new ThreadListener();
		this.runner.withBean(ThreadListener.class, () -> listener)
			.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic,
					"kafka.starter.parallel.listeners.threads.concurrency=4")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(PATIENCE).until(() -> listener.threads.size() == 20);
				boolean expectVirtual = Runtime.version().feature() >= 21;
				System.out.printf("Java %d: workers virtual=%s%n", Runtime.version().feature(), expectVirtual);
				assertThat(listener.threads.values()).as("workers virtual on Java %d", Runtime.version().feature())
					.containsOnly(expectVirtual);
			});
		if (Runtime.version().feature() >= 21) {
			ThreadListener platform = new ThreadListener();
			this.runner.withBean(ThreadListener.class, () -> platform)
				.withPropertyValues("test.topic=" + topic, "spring.kafka.consumer.group-id=" + topic + "-platform",
						"kafka.starter.parallel.listeners.threads.concurrency=4",
						"kafka.starter.parallel.virtual-threads=false")
				.run((context) -> {
					await().atMost(PATIENCE).until(() -> platform.threads.size() == 20);
					assertThat(platform.threads.values()).as("workers virtual when turned off").containsOnly(false);
				});
		}
	}

	private static double fetches(MessageListenerContainer container) {
		double total = 0;
		for (Map<MetricName, ? extends Metric> metrics : container.metrics().values()) {
			for (Map.Entry<MetricName, ? extends Metric> metric : metrics.entrySet()) {
				if (metric.getKey().name().equals("fetch-total")
						&& metric.getKey().group().equals("consumer-fetch-manager-metrics")) {
					total += ((Number) metric.getValue().metricValue()).doubleValue();
				}
			}
		}
		return total;
	}

	static void collectGarbage() {
		java.lang.ref.WeakReference<Object> canary = new java.lang.ref.WeakReference<>(new Object());
		await().atMost(PATIENCE).until(() -> {
			System.gc();
			return canary.get() == null;
		});
		System.gc();
	}

	private static KafkaProducer<byte[], byte[]> bytesProducer() {
		return new KafkaProducer<>(Records.producerConfig(SERVERS),
				new ByteArraySerializer(), new ByteArraySerializer());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] intValue(int value) {
		return ByteBuffer.allocate(4).putInt(value).array();
	}

	static class IntListener {

		final Set<String> processed = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "ints", topics = "${test.topic}", idIsGroup = false)
		void onRecord(ConsumerRecord<String, Integer> record) {
			if (record.value() == 13) {
				throw new IllegalStateException("unlucky 13");
			}
			this.processed.add(record.partition() + "@" + record.offset());
		}

	}

	static class ThreadListener {

		final Map<Long, Boolean> threads = new ConcurrentHashMap<>();

		@KafkaListener(id = "threads", topics = "${test.topic}", idIsGroup = false)
		void onRecord(ConsumerRecord<String, String> record) {
			this.threads.put(record.offset(), isVirtual(Thread.currentThread()));
		}

		private static boolean isVirtual(Thread thread) {
			// Thread.isVirtual() is public API from Java 21; the tests compile for 17.
			try {
				return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
			}
			catch (NoSuchMethodException ex) {
				return false;
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	static class PlainListener {

		final Set<String> values = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "plain", topics = "${test.topic}", idIsGroup = false)
		void onRecord(String value) {
			this.values.add(value);
		}

	}

	static class StuckHeadListener {

		final CountDownLatch blocked = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@KafkaListener(id = "stuck", topics = "${test.topic}", idIsGroup = false)
		void onRecord(ConsumerRecord<String, String> record) throws InterruptedException {
			if (record.offset() == 0) {
				this.blocked.countDown();
				this.release.await();
			}
		}

	}

	static class BlockingCounter {

		final CountDownLatch release = new CountDownLatch(1);

		final Set<String> processed = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "blocked", topics = "${test.topic}", idIsGroup = false)
		void onRecord(ConsumerRecord<String, String> record) throws InterruptedException {
			this.release.await();
			this.processed.add(record.partition() + "@" + record.offset());
		}

	}

	static class GapListener {

		final AtomicInteger finished = new AtomicInteger();

		final AtomicLong lastFinish = new AtomicLong();

		final AtomicLong longestGap = new AtomicLong();

		@KafkaListener(id = "gaps", topics = "${test.topic}", idIsGroup = false)
		void onRecord(ConsumerRecord<String, String> record) {
			Records.simulatedIo(Duration.ofMillis(1));
			long now = System.nanoTime();
			long last = this.lastFinish.getAndSet(now);
			if (last != 0) {
				this.longestGap.accumulateAndGet(now - last, Math::max);
			}
			this.finished.incrementAndGet();
		}

	}

	static class KeyOrderListener {

		final AtomicInteger processed = new AtomicInteger();

		final AtomicInteger overlaps = new AtomicInteger();

		final AtomicInteger outOfOrder = new AtomicInteger();

		final Set<String> running = ConcurrentHashMap.newKeySet();

		final Map<String, Long> lastOffset = new ConcurrentHashMap<>();

		@KafkaListener(id = "identity", topics = "${test.topic}", idIsGroup = false)
		void onRecord(ConsumerRecord<IdentityKey, String> record) {
			String key = record.partition() + "/" + record.key().name;
			if (!this.running.add(key)) {
				this.overlaps.incrementAndGet();
			}
			Long last = this.lastOffset.put(key, record.offset());
			if (last != null && last > record.offset()) {
				this.outOfOrder.incrementAndGet();
			}
			Records.simulatedIo(Duration.ofMillis(1));
			this.running.remove(key);
			this.processed.incrementAndGet();
		}

	}

	/**
	 * A key type without equals or hashCode: two deserializations of one key are two keys.
	 */
	static final class IdentityKey {

		final String name;

		IdentityKey(String name) {
			this.name = name;
		}

	}

	public static class IdentityKeyDeserializer implements Deserializer<IdentityKey> {

		@Override
		public IdentityKey deserialize(String topic, byte[] data) {
			return new IdentityKey(new String(data, StandardCharsets.UTF_8));
		}

	}

}
