package io.github.kafkastarter.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * {@code parallel}: 4 partitions, 40,000 records over 10,000 keys (read from offset 0 in each round), a handler that waits
 * 2 ms (I/O-bound work). A plain listener with container concurrency 4 (bound by the
 * partitions: at most 2,000 records/s) against the parallel listener in KEY order at
 * concurrency 64 and 256 (limits: 32,000 and 128,000 records/s).
 */
final class ParallelScenario implements Scenario {

	static final String TOPIC = "bench-parallel";

	static final Duration HANDLER_TIME = Duration.ofMillis(2);

	@Override
	public String name() {
		return "parallel";
	}

	@Override
	public List<String> run(BenchmarkContext context) throws Exception {
		int records = (int) context.options().recordsOr(40_000);
		context.createTopic(TOPIC, 4);
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, context.bootstrapServers()), new StringSerializer(),
				new StringSerializer())) {
			for (int i = 0; i < records; i++) {
				producer.send(new ProducerRecord<>(TOPIC, "key-" + (i % 10_000), "order-" + i));
			}
			producer.flush();
		}
		try (ConfigurableApplicationContext app = StarterApplication.start(context.bootstrapServers(),
				"spring.kafka.consumer.auto-offset-reset=earliest",
				"kafka.starter.parallel.listeners.bench-parallel-64.concurrency=64",
				"kafka.starter.parallel.listeners.bench-parallel-256.concurrency=256")) {
			Handlers handlers = app.getBean(Handlers.class);
			KafkaListenerEndpointRegistry registry = app.getBean(KafkaListenerEndpointRegistry.class);
			List<String> results = new ArrayList<>();
			// Warm-up, not counted.
			run(context, handlers, registry.getListenerContainer("bench-parallel-64"), records);
			List<Double> baseline = new ArrayList<>();
			List<Double> parallel64 = new ArrayList<>();
			List<Double> parallel256 = new ArrayList<>();
			List<Double> cpu64 = new ArrayList<>();
			List<Double> cpu256 = new ArrayList<>();
			List<Double> cpuBaseline = new ArrayList<>();
			List<Double> micros64 = new ArrayList<>();
			List<Double> micros256 = new ArrayList<>();
			List<Double> gap64 = new ArrayList<>();
			List<Double> gap256 = new ArrayList<>();
			for (int round = 1; round <= context.options().rounds(); round++) {
				Measured plain = run(context, handlers, registry.getListenerContainer("bench-plain"), records);
				Measured at64 = run(context, handlers, registry.getListenerContainer("bench-parallel-64"), records);
				Measured at256 = run(context, handlers, registry.getListenerContainer("bench-parallel-256"), records);
				baseline.add(plain.rate());
				parallel64.add(at64.rate());
				parallel256.add(at256.rate());
				cpuBaseline.add(plain.cores());
				cpu64.add(at64.cores());
				cpu256.add(at256.cores());
				micros64.add(at64.cpuMicrosPerRecord());
				micros256.add(at256.cpuMicrosPerRecord());
				gap64.add(at64.longestGapMillis());
				gap256.add(at256.longestGapMillis());
				System.out.printf(
						"  round %d: plain(4)=%s (%.2f cores) parallel(64)=%s (%.2f cores, %.1f µs CPU/record, longest gap "
								+ "%.0f ms) parallel(256)=%s (%.2f cores, %.1f µs CPU/record, longest gap %.0f ms)%n",
						round, Benchmarks.format(plain.rate()), plain.cores(), Benchmarks.format(at64.rate()),
						at64.cores(), at64.cpuMicrosPerRecord(), at64.longestGapMillis(), Benchmarks.format(at256.rate()),
						at256.cores(), at256.cpuMicrosPerRecord(), at256.longestGapMillis());
			}
			double handlerSeconds = HANDLER_TIME.toNanos() / 1e9;
			results.add(Benchmarks.result("parallel-64", baseline, parallel64));
			results.add(Benchmarks.result("parallel-256", baseline, parallel256));
			results.add(String.format(java.util.Locale.ROOT,
					"INFO parallel plain(4): %s records/s = %.2f of its limit %s, %.2f cores", Benchmarks.format(
							Benchmarks.median(baseline)), Benchmarks.median(baseline) / (4 / handlerSeconds),
					Benchmarks.format(4 / handlerSeconds), Benchmarks.median(cpuBaseline)));
			results.add(String.format(java.util.Locale.ROOT,
					"INFO parallel-64: %.2f of the limit %s, %.1fx the plain listener, %.2f cores, %.1f µs CPU per record, "
							+ "longest gap without a finished record %.0f ms (worst round %.0f ms)",
					Benchmarks.median(parallel64) / (64 / handlerSeconds), Benchmarks.format(64 / handlerSeconds),
					Benchmarks.median(parallel64) / Benchmarks.median(baseline), Benchmarks.median(cpu64),
					Benchmarks.median(micros64), Benchmarks.median(gap64), max(gap64)));
			results.add(String.format(java.util.Locale.ROOT,
					"INFO parallel-256: %.2f of the limit %s, %.1fx the plain listener, %.2f cores, %.1f µs CPU per record, "
							+ "longest gap without a finished record %.0f ms (worst round %.0f ms)",
					Benchmarks.median(parallel256) / (256 / handlerSeconds), Benchmarks.format(256 / handlerSeconds),
					Benchmarks.median(parallel256) / Benchmarks.median(baseline), Benchmarks.median(cpu256),
					Benchmarks.median(micros256), Benchmarks.median(gap256), max(gap256)));
			return results;
		}
	}

	private static Measured run(BenchmarkContext context, Handlers handlers, MessageListenerContainer container,
			int records) throws Exception {
		// Each round reads the topic from the beginning: its group's offsets go back to 0
		// while it has no member. (Seeking on assignment instead would replay a partition
		// each time a rebalance moves it while the consumers join.)
		rewind(context, String.valueOf(container.getGroupId()));
		CountDownLatch done = handlers.expect(records);
		long cpuStart = processCpuNanos();
		container.start();
		if (!done.await(5, TimeUnit.MINUTES)) {
			throw new IllegalStateException(container.getListenerId() + " did not finish " + records + " records");
		}
		long cpu = processCpuNanos() - cpuStart;
		double seconds = (handlers.end - handlers.start) / 1e9;
		container.stop();
		return new Measured(records / seconds, cpu / 1e9 / seconds, cpu / 1e3 / records,
				handlers.longestGap.get() / 1e6);
	}

	private static void rewind(BenchmarkContext context, String group) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, context.bootstrapServers()))) {
			Map<TopicPartition, OffsetAndMetadata> start = new java.util.HashMap<>();
			for (int partition = 0; partition < 4; partition++) {
				start.put(new TopicPartition(TOPIC, partition), new OffsetAndMetadata(0));
			}
			admin.alterConsumerGroupOffsets(group, start).all().get(30, TimeUnit.SECONDS);
		}
	}

	private static double max(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/**
	 * One run: records/s, cores used (process CPU time over the run's wall time), CPU per
	 * record and the longest time without a finished record.
	 */
	record Measured(double rate, double cores, double cpuMicrosPerRecord, double longestGapMillis) {

	}

	/**
	 * The three listeners; each round reads the topic from the beginning.
	 */
	@Component
	static class Handlers {

		private final AtomicLong remaining = new AtomicLong();

		private volatile CountDownLatch done = new CountDownLatch(0);

		volatile long start;

		volatile long end;

		final AtomicLong lastFinish = new AtomicLong();

		final AtomicLong longestGap = new AtomicLong();

		CountDownLatch expect(long records) {
			this.start = 0;
			this.lastFinish.set(0);
			this.longestGap.set(0);
			this.remaining.set(records);
			this.done = new CountDownLatch(1);
			return this.done;
		}

		@KafkaListener(id = "bench-plain", topics = TOPIC, groupId = "bench-plain", concurrency = "4",
				autoStartup = "false")
		void plain(ConsumerRecord<String, String> record) {
			handle();
		}

		@KafkaListener(id = "bench-parallel-64", topics = TOPIC, groupId = "bench-parallel-64", concurrency = "4",
				autoStartup = "false")
		void parallel64(ConsumerRecord<String, String> record) {
			handle();
		}

		@KafkaListener(id = "bench-parallel-256", topics = TOPIC, groupId = "bench-parallel-256",
				concurrency = "4", autoStartup = "false")
		void parallel256(ConsumerRecord<String, String> record) {
			handle();
		}

		private void handle() {
			if (this.start == 0) {
				this.start = System.nanoTime();
			}
			// The work: 2 ms waiting on I/O.
			LockSupport.parkNanos(HANDLER_TIME.toNanos());
			long now = System.nanoTime();
			long last = this.lastFinish.getAndSet(now);
			if (last != 0 && now - last > this.longestGap.get()) {
				this.longestGap.accumulateAndGet(now - last, Math::max);
			}
			if (this.remaining.decrementAndGet() == 0) {
				this.end = System.nanoTime();
				this.done.countDown();
			}
		}

	}

}
