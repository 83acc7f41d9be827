package io.github.kafkastarter.autoconfigure.clientmetrics;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The per-record meters of one client's producers, one set per topic, created once and
 * shared by the client's producers; handed to {@link ProducerRecordMetricsInterceptor}
 * through the producer configuration:
 * <ul>
 * <li>{@value #RECORD_SIZE}: serialized key plus value of every acknowledged record;</li>
 * <li>{@value #OVERSIZED}: acknowledged records larger than the producer's
 * {@code batch.size}, each of which Kafka sends in a batch of its own, allocated outside
 * the buffer pool;</li>
 * <li>{@value #SKEW}: the busiest partition's share of the records acknowledged in the last
 * window over the mean share ({@code 1} is even; {@code n} partitions all on one partition
 * is {@code n}), so a hot key shows.</li>
 * </ul>
 * Per record: one map lookup, a summary update (when on) and a plain increment of an ever
 * growing count. The skew is computed once per window from the counts' growth
 * ({@link #roll()}, on the starter's scheduler).
 */
final class ProducerRecordMeters {

	static final String RECORD_SIZE = "kafka.starter.producer.record.size";

	static final String OVERSIZED = "kafka.starter.producer.records.oversized";

	static final String SKEW = "kafka.starter.producer.partition.skew";

	private static final int INITIAL_PARTITIONS = 16;

	private final MeterRegistry registry;

	private final String client;

	private final boolean sizes;

	private final boolean skew;

	private final Function<String, @Nullable Integer> partitionCount;

	private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();

	/**
	 * Create the meters of one client.
	 * @param registry the registry
	 * @param client the client's name
	 * @param sizes whether to publish the record size summary
	 * @param skew whether to publish the skew gauge
	 * @param partitionCount a topic's partition count from a producer's metadata cache, or
	 * {@code null} when unknown
	 */
	ProducerRecordMeters(MeterRegistry registry, String client, boolean sizes, boolean skew,
			Function<String, @Nullable Integer> partitionCount) {
		this.registry = registry;
		this.client = client;
		this.sizes = sizes;
		this.skew = skew;
		this.partitionCount = partitionCount;
	}

	String client() {
		return this.client;
	}

	TopicMeters topic(String topic) {
		TopicMeters meters = this.topics.get(topic);
		return (meters != null) ? meters : this.topics.computeIfAbsent(topic, this::register);
	}

	private TopicMeters register(String topic) {
		DistributionSummary size = this.sizes ? DistributionSummary.builder(RECORD_SIZE)
			.description("Serialized size of each record the application's producers sent: key plus value")
			.baseUnit("bytes")
			.tags("client", this.client, "topic", topic)
			.register(this.registry) : null;
		Counter oversized = Counter.builder(OVERSIZED)
			.description("Records larger than the producer's batch.size: each is sent in a batch of its own, "
					+ "allocated outside the buffer pool")
			.tags("client", this.client, "topic", topic)
			.register(this.registry);
		TopicMeters meters = new TopicMeters(size, oversized, this.skew);
		if (this.skew) {
			Gauge.builder(SKEW, meters, (m) -> m.skew)
				.description("Records of the busiest partition over the mean per partition, in the last window "
						+ "(1 is even, the partition count is all on one partition; 0 when none were sent)")
				.tags("client", this.client, "topic", topic)
				.strongReference(true)
				.register(this.registry);
		}
		return meters;
	}

	/**
	 * Closes the window: computes each topic's skew from the records acknowledged since the
	 * last call, and starts counting again.
	 */
	void roll() {
		this.topics.forEach((topic, meters) -> {
			if (meters.counts != null) {
				meters.roll(this.partitionCount.apply(topic));
			}
		});
	}

	@Override
	public String toString() {
		// Kafka may log its configuration: name it, never dump the registry.
		return "ProducerRecordMeters[" + this.client + "]";
	}

	/**
	 * The meters of one topic.
	 */
	static final class TopicMeters {

		private final @Nullable DistributionSummary size;

		private final Counter oversized;

		private volatile @Nullable AtomicLongArray counts;

		// The counts at the last roll.
		private long[] rolled = new long[0];

		volatile double skew;

		TopicMeters(@Nullable DistributionSummary size, Counter oversized, boolean skew) {
			this.size = size;
			this.oversized = oversized;
			this.counts = skew ? new AtomicLongArray(INITIAL_PARTITIONS) : null;
		}

		void record(int bytes, int partition, int batchSize) {
			if (this.size != null) {
				this.size.record(bytes);
			}
			if (bytes > batchSize) {
				this.oversized.increment();
			}
			AtomicLongArray counts = this.counts;
			if (counts != null && partition >= 0) {
				if (partition >= counts.length()) {
					counts = grow(partition);
				}
				// A producer's acknowledgements come on its one I/O thread, which bounds the
				// producer's throughput: a plain read and ordered write, not an atomic
				// increment. Producers of one client sending to one topic at the same instant
				// may lose a count: the skew is an estimate, never a reason to slow a send.
				counts.lazySet(partition, counts.get(partition) + 1);
			}
		}

		private synchronized AtomicLongArray grow(int partition) {
			AtomicLongArray counts = this.counts;
			if (partition < counts.length()) {
				return counts;
			}
			AtomicLongArray grown = new AtomicLongArray(Math.max(partition + 1, counts.length() * 2));
			for (int i = 0; i < counts.length(); i++) {
				grown.set(i, counts.get(i));
			}
			this.counts = grown;
			return grown;
		}

		synchronized void roll(@Nullable Integer partitionCount) {
			AtomicLongArray counts = this.counts;
			// The counts only grow (resetting them would race with the plain increments):
			// a window's count is the growth since the last roll.
			if (this.rolled.length < counts.length()) {
				this.rolled = Arrays.copyOf(this.rolled, counts.length());
			}
			long total = 0;
			long max = 0;
			int highest = -1;
			for (int i = 0; i < counts.length(); i++) {
				long now = counts.get(i);
				long count = Math.max(0, now - this.rolled[i]);
				this.rolled[i] = now;
				total += count;
				max = Math.max(max, count);
				if (count > 0) {
					highest = i;
				}
			}
			// Partitions that got nothing count too: that is the skew.
			int partitions = Math.max((partitionCount != null) ? partitionCount : 0, highest + 1);
			this.skew = (total > 0) ? (double) max * partitions / total : 0;
		}

	}

}
