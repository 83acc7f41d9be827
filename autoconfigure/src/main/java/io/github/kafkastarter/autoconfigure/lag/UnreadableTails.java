package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the ends of partitions that hold nothing a group can read. Every Kafka transaction
 * leaves a control record (its commit or abort marker) after its records in each partition
 * it wrote to, and a {@code read_committed} consumer never sees the records of an aborted
 * transaction. A group that consumed all it can commits the offset after its last record:
 * a marker's offset, short of the end offset by one (more after an abort), for good. By
 * offsets alone that is a group one record behind that never moves: STALLED, with a time
 * lag that grows without end.
 * <p>
 * So when a group sits a few offsets short of the end of a partition that received nothing
 * since the previous refresh, those offsets are read, once, with the isolation level of the
 * client's consumers: where none of them is a record the group could read, the group has
 * consumed everything. The answer holds until the end offset moves. One consumer read per
 * refresh at most, for all partitions at once, and none while nothing changes.
 * Not thread-safe: one refresh thread owns it, except {@link #close()}.
 */
final class UnreadableTails {

	private static final Logger logger = LoggerFactory.getLogger(UnreadableTails.class);

	/**
	 * The largest gap read: a marker per partition for the last transaction, a few records
	 * and markers more for aborted ones. A longer gap is taken as records to consume.
	 */
	static final long MAX_GAP = 16;

	private final Supplier<Map<String, Object>> configs;

	private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory;

	// Per partition, for the end offset it had when read: from which offset on nothing
	// readable remains.
	private final Map<TopicPartition, Tail> known = new HashMap<>();

	private Map<TopicPartition, Long> previousEnds = Map.of();

	private final Object readerMonitor = new Object();

	private @Nullable Consumer<byte[], byte[]> reader;

	private volatile boolean closed;

	/**
	 * Create an instance.
	 * @param configs the configuration of the reader, asked when it is first needed: the
	 * client's connection settings, isolation level and client id
	 * @param consumerFactory creates the reader
	 */
	UnreadableTails(Supplier<Map<String, Object>> configs,
			Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory) {
		this.configs = configs;
		this.consumerFactory = consumerFactory;
	}

	/**
	 * Finds, for the partitions where some group sits a little short of the end, the offset
	 * from which nothing that group could read remains.
	 * @param positions the position (committed offset) of each group on each partition
	 * @param endOffsets the end offset of every watched partition, as of this refresh
	 * @param deadline when the refresh must be over, {@link System#nanoTime()}
	 * @return per partition, the offset from which nothing readable remains up to its end
	 * offset: a group at or past it has consumed everything
	 */
	Map<TopicPartition, Long> update(Map<String, Map<TopicPartition, Long>> positions,
			Map<TopicPartition, Long> endOffsets, long deadline) {
		this.known.entrySet().removeIf((entry) -> !entry.getValue().end().equals(endOffsets.get(entry.getKey())));
		Map<TopicPartition, Long> toRead = new HashMap<>();
		positions.values().forEach((groupPositions) -> groupPositions.forEach((partition, position) -> {
			Long end = endOffsets.get(partition);
			if (end == null || position >= end || end - position > MAX_GAP
					|| !end.equals(this.previousEnds.get(partition))) {
				// Caught up, far behind, or records still arriving: nothing to tell.
				return;
			}
			Tail tail = this.known.get(partition);
			if (tail == null || position < tail.readFrom()) {
				toRead.merge(partition, position, Math::min);
			}
		}));
		this.previousEnds = endOffsets;
		if (!toRead.isEmpty()) {
			read(toRead, endOffsets, deadline);
		}
		Map<TopicPartition, Long> unreadableFrom = new HashMap<>();
		this.known.forEach((partition, tail) -> unreadableFrom.put(partition, tail.unreadableFrom()));
		return unreadableFrom;
	}

	private void read(Map<TopicPartition, Long> from, Map<TopicPartition, Long> endOffsets, long deadline) {
		synchronized (this.readerMonitor) {
			if (this.closed) {
				return;
			}
			Consumer<byte[], byte[]> reader = reader();
			Map<TopicPartition, Long> lastReadable = new HashMap<>();
			try {
				reader.assign(List.copyOf(from.keySet()));
				from.forEach(reader::seek);
				Map<TopicPartition, Long> pending = new HashMap<>(from);
				while (!pending.isEmpty()) {
					long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
					if (remaining <= 0) {
						logger.debug("Could not read the last offsets of {} in time", pending.keySet());
						break;
					}
					for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(Math.min(remaining, 200)))) {
						TopicPartition partition = new TopicPartition(record.topic(), record.partition());
						if (record.offset() < endOffsets.get(partition)) {
							lastReadable.merge(partition, record.offset(), Math::max);
						}
					}
					// The position passes control records and records the isolation level
					// hides, without returning them.
					pending.keySet().removeIf((partition) -> {
						long end = endOffsets.get(partition);
						if (reader.position(partition) < end) {
							return false;
						}
						Long last = lastReadable.get(partition);
						long start = from.get(partition);
						this.known.put(partition, new Tail(end, start, (last != null) ? last + 1 : start));
						return true;
					});
				}
			}
			catch (WakeupException ex) {
				// Closing.
			}
			catch (RuntimeException ex) {
				logger.debug("Could not read the last offsets of {}", from.keySet(), ex);
			}
			finally {
				try {
					reader.unsubscribe();
				}
				catch (RuntimeException ex) {
					logger.debug("Could not release the partitions of the tail reader", ex);
				}
			}
		}
	}

	private Consumer<byte[], byte[]> reader() {
		Consumer<byte[], byte[]> reader = this.reader;
		if (reader == null) {
			Map<String, Object> configs = new HashMap<>(this.configs.get());
			configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
			// A few records at most: no need for the default megabytes.
			configs.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024);
			configs.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
			configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
			reader = this.consumerFactory.apply(configs);
			this.reader = reader;
		}
		return reader;
	}

	/**
	 * Lets the reader be created again after {@link #close()}.
	 */
	void open() {
		this.closed = false;
	}

	/**
	 * Closes the reader; a read in progress ends at once. Any thread.
	 */
	void close() {
		this.closed = true;
		Consumer<byte[], byte[]> reader = this.reader;
		if (reader != null) {
			reader.wakeup();
		}
		synchronized (this.readerMonitor) {
			reader = this.reader;
			this.reader = null;
			if (reader != null) {
				try {
					reader.close(CloseOptions.timeout(Duration.ZERO));
				}
				catch (RuntimeException ex) {
					logger.debug("Closing the tail reader failed", ex);
				}
			}
		}
	}

	/**
	 * The configuration of a reader that reads like the client's consumers.
	 * @param connection the client's connection and security settings (its admin
	 * configuration) and the reader's client id
	 * @param isolationLevel the isolation level of the client's consumers
	 * @return the configuration
	 */
	static Map<String, Object> readerConfigs(Map<String, Object> connection, IsolationLevel isolationLevel) {
		Map<String, Object> configs = new HashMap<>(connection);
		configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel.name().toLowerCase(Locale.ROOT));
		return configs;
	}

	/**
	 * What a read found on one partition.
	 *
	 * @param end the end offset it was read up to
	 * @param readFrom where it was read from
	 * @param unreadableFrom from which offset on nothing readable remains
	 */
	private record Tail(Long end, long readFrom, long unreadableFrom) {
	}

}
