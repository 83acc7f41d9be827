package io.github.kafkastarter.autoconfigure.clientmetrics;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.jspecify.annotations.Nullable;

/**
 * Back-pressure of every client's producers, read from the producers' own metrics
 * ({@code producer-metrics}: buffer pool wait time, available and total buffer bytes,
 * record errors, retries and sends dropped on a full buffer). The producers are those of
 * each client's producer factory, as the factory's Micrometer listener sees them come and
 * go; a producer's counts stay in its client's totals after it closes, so the totals only
 * grow.
 * <p>
 * Reading is from memory: a {@link #pressure(String) read} compares the totals with the
 * previous read and remembers when they last grew ("blocked at", "failed at"). A producer
 * that closes is read one last time first, so a block or failure is never missed, only
 * noticed at the next read (health calls and scrapes read it).
 */
public final class ProducerBackPressure {

	private static final String GROUP = "producer-metrics";

	private final Clock clock;

	private final Map<String, ClientProducers> clients = new ConcurrentHashMap<>();

	ProducerBackPressure(Clock clock) {
		this.clock = clock;
	}

	void producerAdded(String client, String id, Producer<?, ?> producer) {
		this.clients.computeIfAbsent(client, (name) -> new ClientProducers()).added(id, producer);
	}

	void producerRemoved(String client, String id) {
		ClientProducers producers = this.clients.get(client);
		if (producers != null) {
			producers.removed(id, this.clock.instant());
		}
	}

	/**
	 * One open producer of a client, to read its metadata cache.
	 * @param client the client's name
	 * @return a producer, or {@code null} when none is open
	 */
	@Nullable Producer<?, ?> anyProducer(String client) {
		ClientProducers producers = this.clients.get(client);
		return (producers != null) ? producers.anyProducer() : null;
	}

	/**
	 * The clients whose producers are watched, whether or not one was created yet.
	 * @return client names
	 */
	public Set<String> clients() {
		return Set.copyOf(this.clients.keySet());
	}

	void watch(String client) {
		this.clients.computeIfAbsent(client, (name) -> new ClientProducers());
	}

	/**
	 * The back-pressure of one client's producers now.
	 * @param client the client's name
	 * @return its figures, or {@code null} when its producers are not watched
	 */
	public @Nullable Pressure pressure(String client) {
		ClientProducers producers = this.clients.get(client);
		return (producers != null) ? producers.read(this.clock.instant()) : null;
	}

	/**
	 * What one client's producers report. Counts are totals since the application started,
	 * over every producer the client has had.
	 *
	 * @param producers the producers open now
	 * @param bufferTotalBytes their {@code buffer.memory}, summed
	 * @param bufferAvailableBytes the part of it free now
	 * @param bufferWaitRatio the largest fraction of time a producer's sends waited for buffer
	 * space (Kafka's {@code bufferpool-wait-ratio}, over its last samples)
	 * @param bufferWaitNanos time sends waited for buffer space
	 * @param bufferExhausted sends dropped because no buffer space freed up within
	 * {@code max.block.ms}
	 * @param recordErrors records whose send failed
	 * @param recordRetries retried sends
	 * @param lastBlocked when sends were last seen waiting for buffer space, if ever
	 * @param lastError when records were last seen failing, if ever
	 */
	public record Pressure(int producers, double bufferTotalBytes, double bufferAvailableBytes,
			double bufferWaitRatio, double bufferWaitNanos, double bufferExhausted, double recordErrors,
			double recordRetries, @Nullable Instant lastBlocked, @Nullable Instant lastError) {

	}

	/**
	 * The producers of one client and what they reported.
	 */
	private static final class ClientProducers {

		private final Map<String, Probe> live = new LinkedHashMap<>();

		private final double[] retired = new double[Probe.COUNTERS.size()];

		private final double[] previous = new double[Probe.COUNTERS.size()];

		private @Nullable Instant lastBlocked;

		private @Nullable Instant lastError;

		synchronized void added(String id, Producer<?, ?> producer) {
			Probe probe = new Probe(producer);
			// Looked up while the producer is open: Spring Kafka reports it removed once closed.
			probe.value(Probe.BUFFER_TOTAL);
			this.live.put(id, probe);
		}

		synchronized @Nullable Producer<?, ?> anyProducer() {
			return this.live.isEmpty() ? null : this.live.values().iterator().next().producer;
		}

		synchronized void removed(String id, Instant now) {
			Probe probe = this.live.get(id);
			if (probe == null) {
				return;
			}
			// Noticed before the producer's counts move to the retired totals.
			read(now);
			this.live.remove(id);
			double[] last = probe.counters();
			for (int i = 0; i < last.length; i++) {
				this.retired[i] += last[i];
			}
		}

		synchronized Pressure read(Instant now) {
			double[] totals = this.retired.clone();
			double total = 0;
			double available = 0;
			double ratio = 0;
			for (Probe probe : this.live.values()) {
				double[] counters = probe.counters();
				for (int i = 0; i < counters.length; i++) {
					totals[i] += counters[i];
				}
				total += probe.value(Probe.BUFFER_TOTAL);
				available += probe.value(Probe.BUFFER_AVAILABLE);
				ratio = Math.max(ratio, probe.value(Probe.WAIT_RATIO));
			}
			if (totals[Probe.WAIT_NANOS] > this.previous[Probe.WAIT_NANOS]
					|| totals[Probe.EXHAUSTED] > this.previous[Probe.EXHAUSTED]) {
				this.lastBlocked = now;
			}
			if (totals[Probe.ERRORS] > this.previous[Probe.ERRORS]) {
				this.lastError = now;
			}
			System.arraycopy(totals, 0, this.previous, 0, totals.length);
			return new Pressure(this.live.size(), total, available, ratio, totals[Probe.WAIT_NANOS],
					totals[Probe.EXHAUSTED], totals[Probe.ERRORS], totals[Probe.RETRIES], this.lastBlocked,
					this.lastError);
		}

	}

	/**
	 * The metrics of one producer that back-pressure reads, looked up once.
	 */
	private static final class Probe {

		// Counters, in the order of the totals.
		static final List<String> COUNTERS = List.of("bufferpool-wait-time-ns-total", "buffer-exhausted-total",
				"record-error-total", "record-retry-total");

		static final int WAIT_NANOS = 0;

		static final int EXHAUSTED = 1;

		static final int ERRORS = 2;

		static final int RETRIES = 3;

		static final String BUFFER_TOTAL = "buffer-total-bytes";

		static final String BUFFER_AVAILABLE = "buffer-available-bytes";

		static final String WAIT_RATIO = "bufferpool-wait-ratio";

		private final Producer<?, ?> producer;

		private @Nullable Map<String, Metric> metrics;

		Probe(Producer<?, ?> producer) {
			this.producer = producer;
		}

		double[] counters() {
			double[] values = new double[COUNTERS.size()];
			for (int i = 0; i < values.length; i++) {
				values[i] = value(COUNTERS.get(i));
			}
			return values;
		}

		double value(String name) {
			Metric metric = metrics().get(name);
			if (metric == null) {
				return 0;
			}
			Object value = metric.metricValue();
			return (value instanceof Number number && Double.isFinite(number.doubleValue())) ? number.doubleValue()
					: 0;
		}

		private Map<String, Metric> metrics() {
			Map<String, Metric> metrics = this.metrics;
			if (metrics == null) {
				metrics = new ConcurrentHashMap<>();
				try {
					for (Map.Entry<MetricName, ? extends Metric> entry : this.producer.metrics().entrySet()) {
						if (GROUP.equals(entry.getKey().group())) {
							metrics.put(entry.getKey().name(), entry.getValue());
						}
					}
				}
				catch (RuntimeException ex) {
					// A producer that is closing: nothing more to read from it.
					return Map.of();
				}
				this.metrics = metrics;
			}
			return metrics;
		}

	}

}
