package io.github.kafkastarter.autoconfigure.parallel;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The engine of one parallel listener: accepts records on the consumer threads, runs them
 * on a bounded pool of workers (one at a time per key, or per partition, when ordered),
 * tracks per partition the watermark below which every record is finished, pauses the
 * listener's partitions when too many records are in flight and resumes them when half
 * are done.
 * <p>
 * The consumer never waits for a worker: it keeps polling while records are in flight, so
 * a slow record cannot make it miss {@code max.poll.interval.ms}.
 */
final class ParallelDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(ParallelDispatcher.class);

	private final String listenerId;

	private final Ordering ordering;

	private final int maxInFlight;

	private final ThreadPoolExecutor workers;

	private final RecordProcessor processor;

	private final Map<TopicPartition, PartitionProgress> partitions = new ConcurrentHashMap<>();

	private final Map<Object, Lane> lanes = new ConcurrentHashMap<>();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger peakInFlight = new AtomicInteger();

	private final AtomicInteger running = new AtomicInteger();

	private final AtomicInteger peakRunning = new AtomicInteger();

	private final AtomicLong finishedCount = new AtomicLong();

	private final Object pauseLock = new Object();

	private final Set<TopicPartition> pausedByUs = new HashSet<>();

	private final Set<TopicPartition> staleRequests = new HashSet<>();

	private volatile boolean paused;

	private volatile int pauseAt;

	private volatile int resumeAt;

	private volatile @Nullable MessageListenerContainer container;

	ParallelDispatcher(String listenerId, ParallelListenerSettings settings, RecordProcessor processor,
			boolean virtualThreads) {
		this.listenerId = listenerId;
		this.ordering = settings.getOrdering();
		this.maxInFlight = settings.effectiveMaxInFlight();
		this.processor = processor;
		int concurrency = settings.getConcurrency();
		this.workers = new ThreadPoolExecutor(concurrency, concurrency, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), WorkerThreads.factory(listenerId + "-worker-", virtualThreads));
		this.workers.allowCoreThreadTimeOut(true);
		this.pauseAt = this.maxInFlight;
		this.resumeAt = this.maxInFlight / 2;
	}

	/**
	 * Binds the dispatcher to the container it serves and sizes the pause threshold: every
	 * consumer of the container may still deliver the rest of one poll after the pause is
	 * requested, so the pause comes early enough for that to fit under the limit.
	 * @param container the (parent) container
	 * @param consumers how many consumers the container runs
	 * @param maxPollRecords the consumers' {@code max.poll.records}
	 */
	void bind(MessageListenerContainer container, int consumers, int maxPollRecords) {
		this.container = container;
		int headroom = consumers * maxPollRecords;
		this.pauseAt = Math.max(1, this.maxInFlight - headroom);
		this.resumeAt = Math.max(0, Math.min(this.pauseAt - 1, this.maxInFlight / 2));
	}

	/**
	 * The {@code max.poll.records} that lets the pause come early enough: a quarter of the
	 * limit shared by the container's consumers, or less if configured lower.
	 * @param consumers how many consumers the container runs
	 * @param configured the consumers' configured {@code max.poll.records}
	 * @return the value to use
	 */
	int maxPollRecords(int consumers, int configured) {
		return Math.max(1, Math.min(configured, this.maxInFlight / (4 * consumers)));
	}

	/**
	 * Takes a record, on a consumer thread.
	 * @param record the record
	 * @param ack its acknowledgment, called once it and every record before it in its
	 * partition are finished
	 * @return {@code false} if the listener is full and the record must be delivered again
	 * later
	 */
	boolean offer(ConsumerRecord<?, ?> record, Acknowledgment ack) {
		// Reserve a slot first: the container's consumers offer concurrently.
		int before = this.inFlight.getAndUpdate((count) -> (count < this.maxInFlight) ? count + 1 : count);
		if (before >= this.maxInFlight) {
			requestPause();
			return false;
		}
		take(record, ack, null, before + 1);
		return true;
	}

	/**
	 * Takes a record that failed on the consumer thread, before it reached the listener
	 * (a deserialization failure): it goes through the error handler on a worker, in its
	 * key's order, and counts as done once handled. Always taken, even when full: the
	 * container has no way to deliver it again.
	 * @param record the record
	 * @param failure why it failed
	 */
	void offerFailed(ConsumerRecord<?, ?> record, Exception failure) {
		take(record, null, failure, this.inFlight.incrementAndGet());
	}

	private void take(ConsumerRecord<?, ?> record, @Nullable Acknowledgment ack, @Nullable Exception failure,
			int now) {
		this.peakInFlight.accumulateAndGet(now, Math::max);
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		PartitionProgress progress = this.partitions.computeIfAbsent(partition, PartitionProgress::new);
		Task task = new Task(record, progress, progress.accept(record.offset(), ack), laneKey(record, partition),
				failure);
		dispatch(task);
		if (now >= this.pauseAt) {
			requestPause();
		}
	}

	private @Nullable Object laneKey(ConsumerRecord<?, ?> record, TopicPartition partition) {
		return switch (this.ordering) {
			case UNORDERED -> null;
			case PARTITION -> partition;
			case KEY -> {
				Object key = record.key();
				if (key == null) {
					// Records without a key were never promised an order.
					yield null;
				}
				yield new KeyInPartition(partition, (key instanceof byte[] bytes) ? ByteBuffer.wrap(bytes) : key);
			}
		};
	}

	private void dispatch(Task task) {
		if (task.laneKey == null) {
			this.workers.execute(task);
			return;
		}
		boolean[] startNow = new boolean[1];
		this.lanes.compute(task.laneKey, (key, lane) -> {
			if (lane == null) {
				startNow[0] = true;
				return new Lane();
			}
			lane.waiting.addLast(task);
			return lane;
		});
		if (startNow[0]) {
			this.workers.execute(task);
		}
	}

	private @Nullable Task nextInLane(Object laneKey) {
		Task[] next = new Task[1];
		this.lanes.computeIfPresent(laneKey, (key, lane) -> {
			next[0] = lane.waiting.pollFirst();
			return (next[0] != null) ? lane : null;
		});
		return next[0];
	}

	private void requestPause() {
		MessageListenerContainer container = this.container;
		if (container == null || this.paused) {
			return;
		}
		synchronized (this.pauseLock) {
			if (this.paused) {
				return;
			}
			this.paused = true;
			Collection<TopicPartition> assigned = container.getAssignedPartitions();
			if (assigned != null) {
				for (TopicPartition partition : assigned) {
					if (!container.isPartitionPauseRequested(partition)) {
						container.pausePartition(partition);
						this.pausedByUs.add(partition);
					}
				}
			}
			logger.debug("Parallel listener {} paused with {} records in flight", this.listenerId,
					this.inFlight.get());
		}
		// The workers may have finished everything while the pause was being requested; then
		// no completion is left to resume it.
		resumeIfDrained();
	}

	private void resumeIfDrained() {
		if (!this.paused || this.inFlight.get() > this.resumeAt) {
			return;
		}
		MessageListenerContainer container = this.container;
		synchronized (this.pauseLock) {
			if (!this.paused || this.inFlight.get() > this.resumeAt) {
				return;
			}
			this.paused = false;
			if (container != null) {
				this.pausedByUs.forEach(container::resumePartition);
			}
			this.pausedByUs.clear();
		}
	}

	/**
	 * Partitions are going away (rebalance or stop), on the consumer thread: waits, up to
	 * the deadline, for their in-flight records, then acknowledges their final watermark
	 * so the container commits it before giving them up. Records still unfinished are
	 * abandoned: the next owner processes them again.
	 * @param revoked the partitions
	 * @param deadlineNanos the deadline, in {@link System#nanoTime()} terms
	 * @param commit whether the watermark may still be committed (not when the partitions
	 * were lost)
	 */
	void revoke(Collection<TopicPartition> revoked, long deadlineNanos, boolean commit) {
		for (TopicPartition partition : revoked) {
			PartitionProgress progress = this.partitions.get(partition);
			if (progress == null) {
				continue;
			}
			boolean drained;
			try {
				drained = progress.awaitDrained(deadlineNanos);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				drained = false;
			}
			if (commit) {
				progress.acknowledgeWatermark();
			}
			progress.revoke();
			this.partitions.remove(partition, progress);
			if (!drained) {
				logger.warn("Parallel listener {} gave up {} with {} record(s) unfinished; they were not committed "
						+ "and will be processed again by the partition's next owner", this.listenerId, partition,
						progress.pendingCount());
			}
		}
		synchronized (this.pauseLock) {
			// A pause request outlives the assignment in the container: drop ours, or the
			// partition would come back paused with nobody to resume it. Not from here:
			// resuming wakes the consumer, which is in the middle of its rebalance.
			for (TopicPartition partition : revoked) {
				if (this.pausedByUs.remove(partition)) {
					this.staleRequests.add(partition);
				}
			}
		}
	}

	/**
	 * Acknowledges every partition's watermark that moved: called on a short timer; the
	 * container commits the offsets on its consumer thread.
	 */
	void acknowledgeWatermarks() {
		this.partitions.values().forEach(PartitionProgress::acknowledgeWatermark);
		resumeIfDrained();
		dropStaleRequests();
	}

	private void dropStaleRequests() {
		MessageListenerContainer container = this.container;
		if (container == null) {
			return;
		}
		synchronized (this.pauseLock) {
			for (TopicPartition partition : this.staleRequests) {
				if (!this.pausedByUs.contains(partition)) {
					container.resumePartition(partition);
				}
			}
			this.staleRequests.clear();
		}
	}

	int inFlight() {
		return this.inFlight.get();
	}

	int peakInFlight() {
		return this.peakInFlight.get();
	}

	int running() {
		return this.running.get();
	}

	int peakRunning() {
		return this.peakRunning.get();
	}

	long finished() {
		return this.finishedCount.get();
	}

	int maxInFlight() {
		return this.maxInFlight;
	}

	boolean isPaused() {
		return this.paused;
	}

	String listenerId() {
		return this.listenerId;
	}

	void shutdown() {
		this.workers.shutdownNow();
	}

	private final class Task implements Runnable {

		private final ConsumerRecord<?, ?> record;

		private final PartitionProgress progress;

		private final PartitionProgress.Entry entry;

		private final @Nullable Object laneKey;

		private final @Nullable Exception failure;

		Task(ConsumerRecord<?, ?> record, PartitionProgress progress, PartitionProgress.Entry entry,
				@Nullable Object laneKey, @Nullable Exception failure) {
			this.record = record;
			this.progress = progress;
			this.entry = entry;
			this.laneKey = laneKey;
			this.failure = failure;
		}

		@Override
		public void run() {
			// The worker that ran a key's record goes on with the key's next one, if any,
			// rather than handing it back to the pool.
			Task task = this;
			while (task != null) {
				task.runOne();
				task = (task.laneKey != null) ? nextInLane(task.laneKey) : null;
			}
		}

		private void runOne() {
			int now = ParallelDispatcher.this.running.incrementAndGet();
			ParallelDispatcher.this.peakRunning.accumulateAndGet(now, Math::max);
			boolean finished = false;
			try {
				// A revoked partition's queued records belong to its next owner now; after a record
				// was given up, its successors wait for the next owner too, to keep their order.
				if (!this.progress.isClosed()) {
					finished = ParallelDispatcher.this.processor.process(this.record, this.failure);
				}
			}
			finally {
				ParallelDispatcher.this.running.decrementAndGet();
				if (finished) {
					this.progress.finished(this.entry);
					ParallelDispatcher.this.finishedCount.incrementAndGet();
				}
				else {
					this.progress.abandoned(this.entry);
				}
				ParallelDispatcher.this.inFlight.decrementAndGet();
				resumeIfDrained();
			}
		}

	}

	private static final class Lane {

		// The lane's first record is running; these wait for it, in offset order.
		private final ArrayDeque<Task> waiting = new ArrayDeque<>();

	}

	private record KeyInPartition(TopicPartition partition, Object key) {

	}

	/**
	 * Runs one record through the application's listener, with the container's error
	 * handling.
	 */
	@FunctionalInterface
	interface RecordProcessor {

		/**
		 * Processes the record.
		 * @param record the record
		 * @param failure a failure the record met before reaching the listener, for the
		 * error handler alone, or {@code null}
		 * @return {@code true} when the record is done (processed, or recovered by the error
		 * handler); {@code false} when it must not be committed (the listener is stopping)
		 */
		boolean process(ConsumerRecord<?, ?> record, @Nullable Exception failure);

	}

}
