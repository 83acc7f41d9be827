package io.github.kafkastarter.autoconfigure.parallel;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.kafkastarter.autoconfigure.parallel.ParallelListener.Ordering;
import io.github.kafkastarter.autoconfigure.parallel.ParallelProperties.ParallelListenerSettings;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;

/**
 * The engine of one parallel listener. The container's consumers hand it records; it runs
 * them on a bounded pool of workers (one at a time per key, or not ordered at all), tracks
 * per partition the watermark below which every record is finished, and commits that
 * watermark itself, on the consumer thread, right before a poll.
 * <p>
 * Memory is bounded by what it holds, not by what runs: a record counts from the moment it
 * is taken until the watermark passes it, finished or not. When the records held reach the
 * pause threshold, every consumer pauses its partitions before its next poll; when they
 * fall to the resume threshold, the workers wake the consumers, which resume them. A
 * partition whose oldest record does not finish (a hung handler, a long back-off) is paused
 * on its own once enough finished records wait behind it, so it cannot fill the listener.
 * <p>
 * The consumers never wait for a worker: they keep polling while records run, so a slow
 * record cannot make them miss {@code max.poll.interval.ms}.
 */
final class ParallelDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(ParallelDispatcher.class);

	private static final ClassValue<Boolean> VALUE_EQUALITY = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			if (type.isArray()) {
				return false;
			}
			try {
				return type.getMethod("equals", Object.class).getDeclaringClass() != Object.class
						&& type.getMethod("hashCode").getDeclaringClass() != Object.class;
			}
			catch (NoSuchMethodException ex) {
				return false;
			}
		}

	};

	private final String listenerId;

	private final Ordering ordering;

	private final int maxInFlight;

	private final ExecutorService workers;

	private final RecordProcessor processor;

	private final long commitIntervalNanos;

	private final Map<TopicPartition, PartitionProgress> partitions = new ConcurrentHashMap<>();

	private final Map<Object, Lane> lanes = new ConcurrentHashMap<>();

	private final List<ConsumerState> consumers = new CopyOnWriteArrayList<>();

	private final ThreadLocal<ConsumerState> currentConsumer = new ThreadLocal<>();

	private final Set<Class<?>> warnedKeyTypes = ConcurrentHashMap.newKeySet();

	// Records taken and not yet passed by the watermark: what the listener holds in memory.
	private final AtomicInteger held = new AtomicInteger();

	private final AtomicInteger peakHeld = new AtomicInteger();

	// Records taken and neither finished nor given up.
	private final AtomicInteger unfinished = new AtomicInteger();

	private final AtomicInteger running = new AtomicInteger();

	private final AtomicInteger peakRunning = new AtomicInteger();

	private final AtomicLong finishedCount = new AtomicLong();

	private final AtomicLong commitFailures = new AtomicLong();

	private final AtomicBoolean commitFailureLogged = new AtomicBoolean();

	private volatile boolean full;

	// An Error a handler threw, for a consumer thread to throw in turn.
	private volatile @Nullable Error fatal;

	private volatile int pauseAt;

	private volatile int resumeAt;

	private volatile int partitionPauseAt;

	private volatile int partitionResumeAt;

	private volatile @Nullable ConcurrentMessageListenerContainer<?, ?> container;

	ParallelDispatcher(String listenerId, ParallelListenerSettings settings, RecordProcessor processor,
			ExecutorService workers) {
		this.listenerId = listenerId;
		this.ordering = settings.getOrdering();
		this.maxInFlight = settings.effectiveMaxInFlight();
		this.processor = processor;
		this.workers = workers;
		this.commitIntervalNanos = Math.max(1, settings.getCommitInterval().toNanos());
		thresholds(1, 1);
	}

	/**
	 * Binds the dispatcher to the container it serves and sizes its thresholds: every
	 * consumer of the container may still deliver one poll after it last saw the listener
	 * below the pause threshold, so the threshold leaves room for that under the limit.
	 * @param container the (parent) container
	 * @param consumers how many consumers the container runs
	 * @param maxPollRecords the consumers' {@code max.poll.records}
	 */
	void bind(ConcurrentMessageListenerContainer<?, ?> container, int consumers, int maxPollRecords) {
		this.container = container;
		thresholds(consumers, maxPollRecords);
	}

	private void thresholds(int consumers, int maxPollRecords) {
		int headroom = consumers * maxPollRecords;
		this.pauseAt = Math.max(1, this.maxInFlight - headroom);
		this.resumeAt = Math.max(0, Math.min(this.pauseAt - 1, this.maxInFlight / 2));
		// Below the resume threshold, so that one partition held up by its oldest record
		// cannot keep the others from resuming.
		this.partitionPauseAt = Math.max(1, Math.min(this.resumeAt, this.maxInFlight / 4));
		this.partitionResumeAt = this.partitionPauseAt / 2;
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

	// --- On a consumer thread

	/**
	 * Takes a record, on a consumer thread. Never refuses one: the thresholds leave room for
	 * the rest of a poll.
	 * @param record the record
	 * @param consumer the consumer that polled it
	 */
	void offer(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer) {
		take(record, consumer, null);
	}

	/**
	 * Takes a record that failed on the consumer thread, before it reached the listener (a
	 * deserialization failure): it goes through the error handler on a worker, in its key's
	 * order, and counts as finished once handled, like any other record.
	 * @param record the record
	 * @param failure why it failed
	 * @param consumer the consumer that polled it
	 */
	void offerFailed(ConsumerRecord<?, ?> record, Exception failure, Consumer<?, ?> consumer) {
		take(record, consumer, failure);
	}

	/**
	 * A record the container's record interceptor filtered out, on a consumer thread: it
	 * never reaches the listener, and counts as finished at once, so that it does not hold
	 * back the commit of its partition.
	 * @param record the record
	 * @param consumer the consumer that polled it
	 */
	void skipped(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer) {
		ConsumerState state = stateFor(consumer);
		PartitionProgress progress = state.progress(record.topic(), record.partition());
		PartitionProgress.Entry entry = new PartitionProgress.Entry(record.offset());
		progress.take(entry);
		this.held.incrementAndGet();
		release(progress.finished(entry));
	}

	private void take(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, @Nullable Exception failure) {
		ConsumerState state = stateFor(consumer);
		state.polled();
		PartitionProgress progress = state.progress(record.topic(), record.partition());
		Task task = new Task(record, progress, laneKey(record, progress.partition()), failure);
		progress.take(task);
		int now = this.held.incrementAndGet();
		if (now > this.peakHeld.get()) {
			this.peakHeld.accumulateAndGet(now, Math::max);
		}
		this.unfinished.incrementAndGet();
		if (now >= this.pauseAt) {
			this.full = true;
		}
		dispatch(task);
	}

	/**
	 * Right before the consumer polls: pauses or resumes its partitions as the records held
	 * require, and commits the watermarks that moved when the commit interval has passed
	 * (or the listener went idle).
	 * @param consumer the consumer
	 */
	void beforePoll(Consumer<?, ?> consumer) {
		ConsumerState state = stateFor(consumer);
		Error fatal = this.fatal;
		if (fatal != null) {
			this.fatal = null;
			// Thrown where the container handles a listener's Error: it stops, reporting it.
			throw fatal;
		}
		try {
			applyPauses(state);
			commitIfDue(state);
		}
		catch (WakeupException ex) {
			// The wake-up was meant for the poll that follows: pass it on.
			consumer.wakeup();
		}
		state.inPoll.set(true);
		// A worker may have changed what is needed after it was applied, and found the
		// consumer not polling yet: look again now that wake-ups reach it.
		if (needsAttention(state)) {
			state.wake();
		}
	}

	/**
	 * The consumer finished a poll and handed its records over.
	 * @param consumer the consumer
	 */
	void afterPoll(Consumer<?, ?> consumer) {
		ConsumerState state = this.currentConsumer.get();
		if (state != null) {
			state.polled();
		}
	}

	/**
	 * Partitions were assigned, on the consumer thread inside its poll: when the listener is
	 * full they are paused before the poll fetches from them.
	 * @param consumer the consumer
	 * @param assigned the partitions
	 */
	void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
		if (assigned.isEmpty() || !isFull()) {
			return;
		}
		ConsumerState state = stateFor(consumer);
		consumer.pause(assigned);
		state.pausedByUs.addAll(assigned);
	}

	/**
	 * Partitions are going away (rebalance or stop), on the consumer thread: waits, up to
	 * the deadline, for their records, then commits their final watermark before giving
	 * them up. Records still unfinished are abandoned: the next owner processes them again.
	 * @param consumer the consumer
	 * @param revoked the partitions
	 * @param deadlineNanos the deadline, in {@link System#nanoTime()} terms
	 * @param commit whether the watermark may still be committed (not when the partitions
	 * were lost)
	 */
	void revoke(Consumer<?, ?> consumer, Collection<TopicPartition> revoked, long deadlineNanos, boolean commit) {
		ConsumerState state = stateFor(consumer);
		// Rebalance callbacks run inside the poll: no wake-up may reach the commit below.
		state.inPoll.set(false);
		state.forgetPartitions();
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		for (TopicPartition partition : revoked) {
			state.pausedByUs.remove(partition);
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
			long watermark = progress.watermark();
			if (commit && watermark >= 0) {
				offsets.put(partition, new OffsetAndMetadata(watermark));
			}
			int unreleased = progress.held();
			release(progress.revoke());
			this.partitions.remove(partition, progress);
			if (!drained) {
				logger.warn("Parallel listener {} gave up {} with {} record(s) from offset {} not finished; they were "
						+ "not committed and will be processed again by the partition's next owner", this.listenerId,
						partition, unreleased, watermark);
			}
		}
		boolean woken = false;
		if (!offsets.isEmpty()) {
			woken = commitBeforeRevocation(consumer, offsets);
		}
		ConcurrentMessageListenerContainer<?, ?> container = this.container;
		if (container != null && container.isRunning()) {
			// A rebalance inside a poll, which goes on after this: let it return rather than
			// wait if something changed. (When the container stops, the consumer is leaving
			// the group: a wake-up would only interrupt that.)
			state.inPoll.set(true);
			if (woken || needsAttention(state)) {
				state.wake();
			}
		}
	}

	private boolean commitBeforeRevocation(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
		boolean woken = false;
		for (int attempt = 1;; attempt++) {
			try {
				consumer.commitSync(offsets);
				return woken;
			}
			catch (WakeupException ex) {
				// Meant for the poll (the container's own wake-up, as workers do not wake a
				// consumer in a rebalance callback): commit, then pass it on.
				woken = true;
				if (attempt == 3) {
					logger.warn("Parallel listener {} could not commit {} before giving the partitions up (woken up "
							+ "{} times); the records after the last commit will be processed again", this.listenerId,
							offsets, attempt);
					return true;
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Parallel listener {} could not commit {} before giving the partitions up ({}); the "
						+ "records after the last commit will be processed again", this.listenerId, offsets,
						ex.toString());
				return woken;
			}
		}
	}

	private void applyPauses(ConsumerState state) {
		Consumer<?, ?> consumer = state.consumer;
		if (!isFull() && state.pausedByUs.isEmpty() && !anyPartitionHeldUp()) {
			return;
		}
		boolean full = isFull();
		Set<TopicPartition> assignment = consumer.assignment();
		Set<TopicPartition> paused = consumer.paused();
		List<TopicPartition> toPause = new ArrayList<>();
		List<TopicPartition> toResume = new ArrayList<>();
		state.pausedByUs.retainAll(assignment);
		for (TopicPartition partition : assignment) {
			PartitionProgress progress = this.partitions.get(partition);
			boolean heldUp = progress != null && heldUp(progress);
			if (full || heldUp) {
				state.pausedByUs.add(partition);
				if (!paused.contains(partition)) {
					toPause.add(partition);
				}
			}
			else if (state.pausedByUs.contains(partition) && !pauseRequested(partition)) {
				// Not while the container wants it paused too: it would not resume it later,
				// as it found it paused already.
				state.pausedByUs.remove(partition);
				if (paused.contains(partition)) {
					toResume.add(partition);
				}
			}
		}
		if (!toPause.isEmpty()) {
			consumer.pause(toPause);
			logger.debug("Parallel listener {} paused {} with {} records held", this.listenerId, toPause,
					this.held.get());
		}
		if (!toResume.isEmpty()) {
			consumer.resume(toResume);
			logger.debug("Parallel listener {} resumed {} with {} records held", this.listenerId, toResume,
					this.held.get());
		}
	}

	private boolean anyPartitionHeldUp() {
		for (PartitionProgress progress : this.partitions.values()) {
			if (progress.isPausedForHead() || progress.finishedHeld() >= this.partitionPauseAt) {
				return true;
			}
		}
		return false;
	}

	private boolean heldUp(PartitionProgress progress) {
		int waiting = progress.finishedHeld();
		boolean heldUp = progress.isPausedForHead() ? waiting > this.partitionResumeAt
				: waiting >= this.partitionPauseAt;
		progress.pausedForHead(heldUp);
		return heldUp;
	}

	private boolean isFull() {
		if (this.full && this.held.get() <= this.resumeAt) {
			this.full = false;
		}
		return this.full || this.held.get() >= this.pauseAt;
	}

	private boolean pauseRequested(TopicPartition partition) {
		ConcurrentMessageListenerContainer<?, ?> container = this.container;
		if (container == null) {
			return false;
		}
		if (container.isPauseRequested()) {
			return true;
		}
		for (KafkaMessageListenerContainer<?, ?> child : container.getContainers()) {
			if (child.isPauseRequested() || child.isPartitionPauseRequested(partition)) {
				return true;
			}
		}
		return false;
	}

	private void commitIfDue(ConsumerState state) {
		long now = System.nanoTime();
		if (!state.commitSoon && now - state.lastCommitNanos < this.commitIntervalNanos) {
			return;
		}
		state.commitSoon = false;
		state.lastCommitNanos = now;
		Map<TopicPartition, OffsetAndMetadata> offsets = null;
		for (TopicPartition partition : state.consumer.assignment()) {
			PartitionProgress progress = this.partitions.get(partition);
			long watermark = (progress != null) ? progress.commitDue() : -1;
			if (watermark >= 0) {
				if (offsets == null) {
					offsets = new HashMap<>();
				}
				offsets.put(partition, new OffsetAndMetadata(watermark));
			}
		}
		if (offsets != null) {
			state.consumer.commitAsync(offsets, this::committed);
		}
	}

	private void committed(Map<TopicPartition, OffsetAndMetadata> offsets, @Nullable Exception failure) {
		if (failure == null) {
			return;
		}
		this.commitFailures.incrementAndGet();
		offsets.forEach((partition, offset) -> {
			PartitionProgress progress = this.partitions.get(partition);
			if (progress != null) {
				progress.commitFailed(offset.offset());
			}
		});
		if (this.commitFailureLogged.compareAndSet(false, true)) {
			logger.warn("Parallel listener {} could not commit {} ({}); it tries again at the next commit and "
					+ "logs no more such failures until one succeeds", this.listenerId, offsets, failure.toString());
		}
	}

	private boolean needsAttention(ConsumerState state) {
		if (state.commitSoon) {
			return true;
		}
		if (state.pausedByUs.isEmpty()) {
			return false;
		}
		if (!isFull()) {
			for (TopicPartition partition : state.pausedByUs) {
				PartitionProgress progress = this.partitions.get(partition);
				if (progress == null || !progress.isPausedForHead()
						|| progress.finishedHeld() <= this.partitionResumeAt) {
					return true;
				}
			}
		}
		return false;
	}

	private ConsumerState stateFor(Consumer<?, ?> consumer) {
		ConsumerState state = this.currentConsumer.get();
		if (state == null || state.consumer != consumer) {
			state = new ConsumerState(consumer);
			this.currentConsumer.set(state);
			this.consumers.removeIf((known) -> !known.thread.isAlive() || known.thread == Thread.currentThread());
			this.consumers.add(state);
		}
		return state;
	}

	// --- Dispatching and finishing, on any thread

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
				if (key instanceof byte[] bytes) {
					yield new KeyInPartition(partition, ByteBuffer.wrap(bytes));
				}
				if (!VALUE_EQUALITY.get(key.getClass())) {
					// Two records of one key would be two keys: keep the partition's order.
					warnKeyType(key.getClass());
					yield partition;
				}
				yield new KeyInPartition(partition, key);
			}
		};
	}

	private void warnKeyType(Class<?> type) {
		if (this.warnedKeyTypes.add(type)) {
			logger.warn("Parallel listener {} receives keys of type {}, which has no equals/hashCode of its own: "
					+ "records cannot be ordered by key, so they are processed in partition order. Give the key "
					+ "type value equality (a record, or equals and hashCode) to process its keys in parallel",
					this.listenerId, type.getName());
		}
	}

	private void dispatch(Task task) {
		Object key = task.laneKey;
		if (key == null) {
			this.workers.execute(task);
			return;
		}
		while (true) {
			Lane lane = this.lanes.get(key);
			if (lane == null) {
				if (this.lanes.putIfAbsent(key, new Lane()) == null) {
					// A new lane: this record runs now, the key's next ones wait for it.
					this.workers.execute(task);
					return;
				}
				continue;
			}
			synchronized (lane) {
				if (!lane.closed) {
					lane.waiting().addLast(task);
					return;
				}
			}
			// Closed by its last record meanwhile: a new lane is needed.
		}
	}

	private @Nullable Task nextInLane(Object key) {
		Lane lane = this.lanes.get(key);
		if (lane == null) {
			return null;
		}
		synchronized (lane) {
			Task next = (lane.waiting != null) ? lane.waiting.pollFirst() : null;
			if (next == null) {
				lane.closed = true;
				this.lanes.remove(key, lane);
			}
			return next;
		}
	}

	private void complete(Task task, boolean finished) {
		PartitionProgress progress = task.progress;
		int released = 0;
		if (finished) {
			released = progress.finished(task);
			this.finishedCount.incrementAndGet();
		}
		else {
			progress.abandoned(task);
		}
		if (released > 0) {
			release(released);
			if (progress.isPausedForHead() && progress.finishedHeld() <= this.partitionResumeAt) {
				progress.owner().wake();
			}
		}
		if (this.unfinished.decrementAndGet() == 0) {
			// Idle: commit what is finished now rather than at the next interval.
			for (ConsumerState state : this.consumers) {
				state.commitSoon = true;
				state.wake();
			}
		}
	}

	private void release(int released) {
		int now = this.held.addAndGet(-released);
		if (this.full && now <= this.resumeAt) {
			this.full = false;
			this.consumers.forEach(ConsumerState::wake);
		}
	}

	// --- Statistics

	int inFlight() {
		return this.unfinished.get();
	}

	int held() {
		return this.held.get();
	}

	int peakHeld() {
		return this.peakHeld.get();
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

	long commitFailures() {
		return this.commitFailures.get();
	}

	int maxInFlight() {
		return this.maxInFlight;
	}

	boolean isPaused() {
		return isFull();
	}

	String listenerId() {
		return this.listenerId;
	}

	void shutdown() {
		this.workers.shutdownNow();
	}

	/**
	 * What the dispatcher knows of one of the container's consumers. Its fields other than
	 * the wake-up flag are used on the consumer's own thread only.
	 */
	final class ConsumerState {

		private final Consumer<?, ?> consumer;

		private final Thread thread = Thread.currentThread();

		// Set right before the consumer polls, cleared once the poll returned: a wake-up
		// then reaches the poll, not another blocking call.
		private final AtomicBoolean inPoll = new AtomicBoolean();

		private final Set<TopicPartition> pausedByUs = new HashSet<>();

		private long lastCommitNanos = System.nanoTime();

		private volatile boolean commitSoon;

		private @Nullable String lastTopic;

		private int lastPartition = -1;

		private @Nullable PartitionProgress lastProgress;

		ConsumerState(Consumer<?, ?> consumer) {
			this.consumer = consumer;
		}

		void polled() {
			if (this.inPoll.get()) {
				this.inPoll.set(false);
			}
		}

		void wake() {
			if (this.inPoll.compareAndSet(true, false)) {
				try {
					this.consumer.wakeup();
				}
				catch (RuntimeException ex) {
					// A consumer closed meanwhile has nothing to be woken from.
					logger.debug("Could not wake a consumer of parallel listener {}", ParallelDispatcher.this.listenerId,
							ex);
				}
			}
		}

		PartitionProgress progress(String topic, int partition) {
			PartitionProgress progress = this.lastProgress;
			// A poll returns the records of a partition together: most lookups hit.
			if (progress != null && partition == this.lastPartition && topic.equals(this.lastTopic)) {
				return progress;
			}
			progress = ParallelDispatcher.this.partitions.computeIfAbsent(new TopicPartition(topic, partition),
					(key) -> new PartitionProgress(key, this));
			this.lastTopic = topic;
			this.lastPartition = partition;
			this.lastProgress = progress;
			return progress;
		}

		void forgetPartitions() {
			this.lastProgress = null;
			this.lastTopic = null;
			this.lastPartition = -1;
		}

	}

	private final class Task extends PartitionProgress.Entry implements Runnable {

		private final ConsumerRecord<?, ?> record;

		private final PartitionProgress progress;

		private final @Nullable Object laneKey;

		private @Nullable Exception failure;

		// Whether the failure came from the listener (retry it) or from before (a record
		// that could not be deserialized: only the error handler may recover it).
		private boolean reachedListener;

		Task(ConsumerRecord<?, ?> record, PartitionProgress progress, @Nullable Object laneKey,
				@Nullable Exception failure) {
			super(record.offset());
			this.record = record;
			this.progress = progress;
			this.laneKey = laneKey;
			this.failure = failure;
		}

		@Override
		public void run() {
			runLane(this);
		}

		/**
		 * Runs this record, then the next ones of its lane, on this worker, until the lane
		 * is empty or a record waits for its asynchronous result (which resumes the lane).
		 */
		private void runLane(Task first) {
			Task task = first;
			while (task != null && task.runOne()) {
				task = (task.laneKey != null) ? nextInLane(task.laneKey) : null;
			}
		}

		private boolean runOne() {
			int now = ParallelDispatcher.this.running.incrementAndGet();
			ParallelDispatcher.this.peakRunning.accumulateAndGet(now, Math::max);
			Outcome outcome = Outcome.ABANDONED;
			try {
				// A revoked partition's queued records belong to its next owner now; after a record
				// was given up, its successors wait for the next owner too, to keep their order.
				if (!this.progress.isClosed()) {
					outcome = ParallelDispatcher.this.processor.process(this.record, this.failure,
							this.reachedListener || this.failure == null, this::completedLater);
				}
			}
			catch (Error error) {
				logger.error("Parallel listener {} stops: an Error was thrown for {}-{}@{}; nothing from this record "
						+ "on is committed", ParallelDispatcher.this.listenerId, this.record.topic(),
						this.record.partition(), this.record.offset(), error);
				ParallelDispatcher.this.fatal = error;
				ParallelDispatcher.this.consumers.forEach(ConsumerState::wake);
			}
			finally {
				ParallelDispatcher.this.running.decrementAndGet();
				if (outcome != Outcome.PENDING) {
					complete(this, outcome == Outcome.FINISHED);
				}
			}
			return outcome != Outcome.PENDING;
		}

		/**
		 * The asynchronous result of this record completed, on whatever thread completed it:
		 * the rest happens on a worker.
		 */
		private void completedLater(@Nullable RuntimeException failure) {
			if (failure == null) {
				execute(() -> {
					complete(this, true);
					Task next = (this.laneKey != null) ? nextInLane(this.laneKey) : null;
					if (next != null) {
						runLane(next);
					}
				});
			}
			else {
				// Through the error handler, then the listener again, in the lane it holds.
				this.failure = failure;
				this.reachedListener = true;
				execute(this);
			}
		}

		private void execute(Runnable runnable) {
			try {
				ParallelDispatcher.this.workers.execute(runnable);
			}
			catch (RejectedExecutionException ex) {
				// Shutting down: the record stays uncommitted.
				logger.debug("Parallel listener {} is shut down; {}-{}@{} stays uncommitted",
						ParallelDispatcher.this.listenerId, this.record.topic(), this.record.partition(),
						this.record.offset());
			}
		}

	}

	/**
	 * How the processing of a record ended.
	 */
	enum Outcome {

		/** Processed, or recovered by the error handler: it may be committed. */
		FINISHED,

		/** Given up (the listener is stopping): it must not be committed. */
		ABANDONED,

		/** Waiting for the listener's asynchronous result. */
		PENDING

	}

	private static final class Lane {

		// The lane's first record is running; these wait for it, in offset order. Guarded
		// by the lane; most lanes never have a waiting record.
		private @Nullable ArrayDeque<Task> waiting;

		// The lane ran out of records and left the map: a record of its key needs a new one.
		private boolean closed;

		ArrayDeque<Task> waiting() {
			if (this.waiting == null) {
				this.waiting = new ArrayDeque<>(4);
			}
			return this.waiting;
		}

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
		 * @param failure a failure to hand to the error handler first, or {@code null}
		 * @param reachedListener whether that failure came from the listener (which may be
		 * retried) rather than from before it
		 * @param completion called once a {@link Outcome#PENDING} result completes
		 * @return how it ended
		 */
		Outcome process(ConsumerRecord<?, ?> record, @Nullable Exception failure, boolean reachedListener,
				AsyncCompletions.Completion completion);

	}

}
