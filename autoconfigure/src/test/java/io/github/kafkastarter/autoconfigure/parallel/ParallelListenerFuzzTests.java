package io.github.kafkastarter.autoconfigure.parallel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A randomized schedule for the parallel engine, on a real broker. For a seed: records are
 * produced while they are consumed; handlers take 0–5 ms, some fail once (retried), some
 * always (dead-lettered), some cannot be deserialized, some hang and are released later,
 * and for odd seeds every handler returns a {@code CompletableFuture} completed on another
 * thread; a second instance joins and leaves mid-stream; the container is paused and
 * resumed. Then the invariants: every record's effect happened at least once; no committed
 * offset ever passed a record that was not finished; records of one key never ran at once
 * and, between rebalances, started in offset order; the records held never exceeded
 * max-in-flight; the group ends with lag 0.
 * <p>
 * {@code ./mvnw verify} runs seeds 1 to 3; {@code -Pstress} runs 25 random seeds;
 * {@code -Dfuzz.seed=N} replays one. A failure names its seed.
 */
class ParallelListenerFuzzTests {

	static final String SERVERS = TestBrokers.shared().getBrokersAsString();

	private static final Duration PATIENCE = Duration.ofSeconds(90);

	private static final int RECORDS = 3_000;

	private static final int KEYS = 60;

	private static final int PARTITIONS = 4;

	private static final int MAX_IN_FLIGHT = 96;

	static Stream<Long> seeds() {
		String replay = System.getProperty("fuzz.seed");
		if (replay != null && !replay.isBlank()) {
			return Stream.of(Long.parseLong(replay.trim()));
		}
		int count = Integer.getInteger("fuzz.seeds", 3);
		if (count <= 3) {
			return LongStream.rangeClosed(1, count).boxed();
		}
		return ThreadLocalRandom.current().longs(count, 1, Long.MAX_VALUE).boxed();
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void invariantsHoldUnderARandomSchedule(long seed) throws Exception {
		System.out.printf("FUZZ seed %d: replay with -Dfuzz.seed=%d%n", seed, seed);
		Run run = new Run(seed);
		Records.createTopic(SERVERS, run.topic, PARTITIONS);
		Run.current = run;
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, AutoConfigs.INTERCEPTORS,
					AutoConfigs.PRODUCER, AutoConfigs.ERROR_HANDLING,
						AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS,
						ParallelListenerAutoConfiguration.class))
			.withUserConfiguration(run.async ? AsyncHandler.class : SyncHandler.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "test.topic=" + run.topic,
					"spring.kafka.consumer.group-id=" + run.topic, "spring.kafka.consumer.auto-offset-reset=earliest",
					"spring.kafka.consumer.value-deserializer=" + IntegerDeserializer.class.getName(),
					"spring.kafka.consumer.properties.heartbeat.interval.ms=300",
					"kafka.starter.producer.verify-durability=off",
					"kafka.starter.consumer.retry.backoff.delay=5ms",
					"kafka.starter.consumer.retry.backoff.max-delay=20ms",
					"kafka.starter.parallel.listeners.fuzz.concurrency=16",
					"kafka.starter.parallel.listeners.fuzz.max-in-flight=" + MAX_IN_FLIGHT,
					"kafka.starter.parallel.listeners.fuzz.commit-interval=" + (10 + run.random.nextInt(90)) + "ms",
					"kafka.starter.parallel.listeners.fuzz.drain-timeout=30s");
		CommitWatcher commits = new CommitWatcher(run);
		Thread producer = new Thread(run::produce, "fuzz-producer");
		runner.run((first) -> {
			assertThat(first).hasNotFailed();
			commits.start();
			producer.start();
			SecondInstance second = null;
			StallReport stalls = new StallReport(run, first.getBean(ParallelListeners.class));
			try {
				await().atMost(PATIENCE).until(() -> run.finished.size() >= RECORDS / 4);
				pauseAndResume(first, run);
				second = SecondInstance.start(runner.withPropertyValues("fuzz.instance=2"), run);
				await().atMost(PATIENCE).until(() -> run.finished.size() >= RECORDS / 2);
				pauseAndResume(first, run);
				second.close();
				second = null;
				producer.join(PATIENCE.toMillis());
				run.releaseHung();
				await().atMost(PATIENCE)
					.pollInterval(Duration.ofSeconds(1))
					.until(() -> run.finished.size() + KafkaTopics.readAll(SERVERS, run.topic + ".DLT").size() >= RECORDS);
				await().atMost(PATIENCE)
					.untilAsserted(() -> assertThat(Records.committed(SERVERS, run.topic)).as("seed %d: committed", seed)
						.isEqualTo(Records.endOffsets(SERVERS, run.topic, PARTITIONS)));
				ParallelListeners.Stats stats = first.getBean(ParallelListeners.class).get("fuzz").orElseThrow();
				assertThat(stats.peakHeld()).as("seed %d: records held at most", seed).isLessThanOrEqualTo(MAX_IN_FLIGHT);
				assertThat(run.peakHeldSecond.get()).as("seed %d: records held at most by the second instance", seed)
					.isLessThanOrEqualTo(MAX_IN_FLIGHT);
			}
			finally {
				stalls.close();
				run.releaseHung();
				commits.stop();
				if (second != null) {
					second.close();
				}
			}
		});
		run.check(commits.samples);
	}

	private static void pauseAndResume(ConfigurableApplicationContext context, Run run) {
		MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class)
			.getListenerContainer("fuzz");
		container.pause();
		int finished = run.finished.size();
		await().pollDelay(Duration.ofMillis(50 + run.random.nextInt(400))).atMost(PATIENCE).until(() -> true);
		container.resume();
		run.pauses.add(finished);
	}

	/**
	 * Prints, once per stall, what the first instance holds when no record finished for 10 s
	 * while some are still to come (a stall seen once in a full Java 25 build): the
	 * listener's counts, the lowest record of each partition without an effect, and the
	 * stacks of the fuzz threads the JVM can list (platform threads, not virtual ones).
	 */
	private static final class StallReport implements AutoCloseable {

		private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

		private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "fuzz-stall-report");
			thread.setDaemon(true);
			return thread;
		});

		private final Run run;

		private final ParallelListeners listeners;

		private final long expected;

		private int last = -1;

		private long since = System.nanoTime();

		private boolean reported;

		StallReport(Run run, ParallelListeners listeners) {
			this.run = run;
			this.listeners = listeners;
			this.expected = LongStream.range(0, RECORDS)
				.filter((i) -> run.kinds[(int) i] != Kind.ALWAYS_FAIL && run.kinds[(int) i] != Kind.GARBAGE)
				.count();
			this.timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
		}

		private void check() {
			int now = this.run.finished.size();
			if (now != this.last || now >= this.expected) {
				this.last = now;
				this.since = System.nanoTime();
				this.reported = false;
				return;
			}
			if (this.reported || System.nanoTime() - this.since < STALL_NANOS) {
				return;
			}
			this.reported = true;
			StringBuilder report = new StringBuilder("FUZZ STALL seed ").append(this.run.seed)
				.append(": no record finished for 10 s; finished ")
				.append(now)
				.append(" of ")
				.append(this.expected);
			this.listeners.get("fuzz")
				.ifPresent((stats) -> report.append("; in flight ")
					.append(stats.inFlight())
					.append(", held ")
					.append(stats.held())
					.append(", running ")
					.append(stats.running())
					.append(", paused ")
					.append(stats.paused()));
			Set<String> dead = this.run.deadLetterIds();
			for (int partition = 0; partition < PARTITIONS; partition++) {
				for (long offset = 0; offset < RECORDS; offset++) {
					String id = partition + "@" + offset;
					if (!this.run.finished.containsKey(id) && !dead.contains(id)) {
						report.append("; partition ").append(partition).append(" waits for offset ").append(offset);
						break;
					}
				}
			}
			Thread.getAllStackTraces().forEach((thread, stack) -> {
				if (thread.getName().startsWith("fuzz") && !thread.getName().equals("fuzz-stall-report")) {
					report.append(System.lineSeparator()).append("  ").append(thread.getName()).append(' ')
						.append(thread.getState());
					for (StackTraceElement frame : stack) {
						report.append(System.lineSeparator()).append("    at ").append(frame);
					}
				}
			});
			System.out.println(report);
		}

		@Override
		public void close() {
			this.timer.shutdownNow();
		}

	}

	/**
	 * The second instance, on a thread of its own (a context runner closes its context when
	 * the callback returns): closing it makes the callback return.
	 */
	private static final class SecondInstance implements AutoCloseable {

		private final CountDownLatch started = new CountDownLatch(1);

		private final CountDownLatch close = new CountDownLatch(1);

		private final Thread thread;

		private SecondInstance(ApplicationContextRunner runner, Run run) {
			this.thread = new Thread(() -> runner.run((context) -> {
				ParallelListeners.Stats stats = context.getBean(ParallelListeners.class).get("fuzz").orElseThrow();
				this.started.countDown();
				do {
					run.peakHeldSecond.accumulateAndGet(stats.peakHeld(), Math::max);
				}
				while (!this.close.await(20, TimeUnit.MILLISECONDS));
			}), "fuzz-second-instance");
		}

		static SecondInstance start(ApplicationContextRunner runner, Run run) {
			SecondInstance instance = new SecondInstance(runner, run);
			instance.thread.start();
			await().atMost(PATIENCE).until(() -> instance.started.getCount() == 0);
			return instance;
		}

		@Override
		public void close() throws InterruptedException {
			this.close.countDown();
			this.thread.join(PATIENCE.toMillis());
			assertThat(this.thread.isAlive()).as("second instance still running").isFalse();
		}

	}

	/**
	 * One seed's schedule and what it observed.
	 */
	static final class Run {

		static volatile Run current;

		final long seed;

		final Random random;

		final boolean async;

		final String topic = "parallel-fuzz-" + UUID.randomUUID();

		// What record i does, by its value.
		final Kind[] kinds = new Kind[RECORDS];

		final int[] latencies = new int[RECORDS];

		// First time each record's effect completed (success), by partition@offset.
		final Map<String, Long> finished = new ConcurrentHashMap<>();

		// Last time each always-failing record was attempted.
		final Map<String, Long> lastAttempt = new ConcurrentHashMap<>();

		final Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();

		final Map<String, AtomicInteger> runningKeys = new ConcurrentHashMap<>();

		// Per instance and partition: key -> last started offset since the last revocation.
		final Map<String, Map<String, Long>> starts = new ConcurrentHashMap<>();

		final Queue violations = new Queue();

		final CountDownLatch hungRelease = new CountDownLatch(1);

		final AtomicInteger peakHeldSecond = new AtomicInteger();

		final List<Integer> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();

		Run(long seed) {
			this.seed = seed;
			this.random = new Random(seed);
			this.async = (seed % 2) == 1;
			for (int i = 0; i < RECORDS; i++) {
				int roll = this.random.nextInt(1000);
				this.kinds[i] = (roll < 50) ? Kind.FAIL_ONCE : (roll < 60) ? Kind.ALWAYS_FAIL
						: (roll < 70) ? Kind.GARBAGE : (roll < 74) ? Kind.HANG : Kind.NORMAL;
				this.latencies[i] = this.random.nextInt(6);
			}
		}

		void produce() {
			Random pacing = new Random(this.seed ^ 0x5DEECE66DL);
			try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Records.producerConfig(SERVERS),
					new ByteArraySerializer(), new ByteArraySerializer())) {
				for (int i = 0; i < RECORDS; i++) {
					byte[] key = ("key-" + (i % KEYS)).getBytes(StandardCharsets.UTF_8);
					byte[] value = (this.kinds[i] == Kind.GARBAGE) ? new byte[] { 7, 7, 7 }
							: ByteBuffer.allocate(4).putInt(i).array();
					producer.send(new ProducerRecord<>(this.topic, key, value));
					if (i % 100 == 99) {
						producer.flush();
						// The schedule itself: records arrive in bursts with random pauses (not a wait).
						Thread.sleep(pacing.nextInt(120));
					}
				}
				producer.flush();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		void releaseHung() {
			this.hungRelease.countDown();
		}

		/**
		 * Runs record {@code value}'s effect; returns normally on success.
		 */
		void handle(ConsumerRecord<String, Integer> record) {
			int value = record.value();
			String id = record.partition() + "@" + record.offset();
			int attempt = this.attempts.computeIfAbsent(value, (key) -> new AtomicInteger()).incrementAndGet();
			Kind kind = this.kinds[value];
			if (kind == Kind.HANG && attempt == 1) {
				try {
					// Released after up to 1.5 s, or at the end.
					this.hungRelease.await(300 + (value % 1200), TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			Records.simulatedIo(Duration.ofMillis(this.latencies[value]));
			if (kind == Kind.ALWAYS_FAIL) {
				this.lastAttempt.put(id, System.nanoTime());
				throw new IllegalStateException("always fails: " + value);
			}
			if (kind == Kind.FAIL_ONCE && attempt == 1) {
				throw new IllegalStateException("fails once: " + value);
			}
			this.finished.putIfAbsent(id, System.nanoTime());
		}

		void started(String instance, ConsumerRecord<String, Integer> record) {
			String key = record.partition() + "/" + record.key();
			int running = this.runningKeys.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
			if (running > 1) {
				this.violations.add("key " + key + " ran twice at once (offset " + record.offset() + ")");
			}
			Map<String, Long> last = this.starts.computeIfAbsent(instance + "/" + record.partition(),
					(k) -> new ConcurrentHashMap<>());
			Long previous = last.put(record.key(), record.offset());
			if (previous != null && previous > record.offset()) {
				this.violations.add("key " + key + " started offset " + record.offset() + " after " + previous
						+ " on instance " + instance);
			}
		}

		void ended(ConsumerRecord<String, Integer> record) {
			this.runningKeys.get(record.partition() + "/" + record.key()).decrementAndGet();
		}

		void revoked(String instance, Collection<TopicPartition> partitions) {
			for (TopicPartition partition : partitions) {
				this.starts.remove(instance + "/" + partition.partition());
			}
		}

		// The partition@offset of each record in the dead-letter topic.
		Set<String> deadLetterIds() {
			Set<String> ids = ConcurrentHashMap.newKeySet();
			for (ConsumerRecord<byte[], byte[]> record : KafkaTopics.readAll(SERVERS, this.topic + ".DLT")) {
				ids.add(ByteBuffer.wrap(record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION).value())
					.getInt() + "@"
						+ ByteBuffer.wrap(record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET).value()).getLong());
			}
			return ids;
		}

		void check(List<Sample> samples) {
			Set<String> deadIds = deadLetterIds();
			long expectedDead = LongStream.range(0, RECORDS)
				.filter((i) -> this.kinds[(int) i] == Kind.ALWAYS_FAIL || this.kinds[(int) i] == Kind.GARBAGE)
				.count();
			assertThat(deadIds).as("seed %d: dead-lettered records", this.seed).hasSize((int) expectedDead);
			assertThat(this.finished.size() + deadIds.size()).as("seed %d: records with an effect", this.seed)
				.isEqualTo(RECORDS);
			// No commit ever passed a record that was not finished when it was observed.
			int checked = 0;
			for (Sample sample : samples) {
				for (long offset = 0; offset < sample.offset; offset++) {
					String id = sample.partition + "@" + offset;
					Long done = this.finished.get(id);
					if (done == null && deadIds.contains(id)) {
						Long attempted = this.lastAttempt.get(id);
						if (attempted != null && attempted > sample.nanos) {
							this.violations.add("commit of " + sample.partition + "@" + sample.offset
									+ " seen before the last attempt of dead-lettered " + id);
						}
						continue;
					}
					if (done == null || done > sample.nanos) {
						this.violations.add("commit of " + sample.partition + "@" + sample.offset + " seen before "
								+ id + " finished");
						break;
					}
					checked++;
				}
			}
			System.out.printf(
					"FUZZ seed %d (%s): %d records, %d dead letters, %d commit samples (%d offsets checked), pauses at %s, "
							+ "%d violations%n",
					this.seed, this.async ? "async" : "sync", RECORDS, deadIds.size(), samples.size(), checked,
					this.pauses, this.violations.size());
			assertThat(this.violations.all()).as("seed %d: invariant violations", this.seed).isEmpty();
		}

	}

	enum Kind {

		NORMAL, FAIL_ONCE, ALWAYS_FAIL, GARBAGE, HANG

	}

	record Sample(long nanos, int partition, long offset) {

	}

	static final class Queue {

		private final ConcurrentLinkedQueue<String> items = new ConcurrentLinkedQueue<>();

		void add(String violation) {
			if (this.items.size() < 20) {
				this.items.add(violation);
			}
		}

		int size() {
			return this.items.size();
		}

		List<String> all() {
			return new ArrayList<>(this.items);
		}

	}

	/**
	 * Reads the group's committed offsets every few milliseconds, noting when each was seen.
	 */
	static final class CommitWatcher {

		final List<Sample> samples = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final Run run;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		CommitWatcher(Run run) {
			this.run = run;
			this.thread = new Thread(this::watch, "fuzz-commit-watcher");
		}

		void start() {
			this.thread.start();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(PATIENCE.toMillis());
		}

		private void watch() {
			Map<Integer, Long> last = new ConcurrentHashMap<>();
			try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SERVERS))) {
				while (this.running.get()) {
					Map<TopicPartition, OffsetAndMetadata> committed = admin
						.listConsumerGroupOffsets(this.run.topic)
						.partitionsToOffsetAndMetadata()
						.get(10, TimeUnit.SECONDS);
					long now = System.nanoTime();
					committed.forEach((partition, offset) -> {
						if (offset != null && !Long.valueOf(offset.offset()).equals(last.get(partition.partition()))) {
							last.put(partition.partition(), offset.offset());
							this.samples.add(new Sample(now, partition.partition(), offset.offset()));
						}
					});
					// The sampling interval of the commit watcher (it observes, it waits for nothing).
					Thread.sleep(15);
				}
			}
			catch (Exception ex) {
				this.run.violations.add("commit watcher failed: " + ex);
			}
		}

	}

	/**
	 * A record listener: the effect runs on the worker.
	 */
	static class SyncHandler implements ConsumerSeekAware {

		@org.springframework.beans.factory.annotation.Value("${fuzz.instance:1}")
		String instance;

		@KafkaListener(id = "fuzz", topics = "${test.topic}", idIsGroup = false)
		void onRecord(ConsumerRecord<String, Integer> record) {
			Run run = Run.current;
			run.started(this.instance, record);
			try {
				run.handle(record);
			}
			finally {
				run.ended(record);
			}
		}

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			Run.current.revoked(this.instance, partitions);
		}

	}

	/**
	 * A listener that returns a future, completed on another thread.
	 */
	static class AsyncHandler implements ConsumerSeekAware {

		@org.springframework.beans.factory.annotation.Value("${fuzz.instance:1}")
		String instance;

		@KafkaListener(id = "fuzz", topics = "${test.topic}", idIsGroup = false)
		CompletableFuture<Void> onRecord(ConsumerRecord<String, Integer> record) {
			Run run = Run.current;
			run.started(this.instance, record);
			return CompletableFuture.runAsync(() -> {
				try {
					run.handle(record);
				}
				finally {
					run.ended(record);
				}
			});
		}

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			Run.current.revoked(this.instance, partitions);
		}

	}

}
