package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one client's consumer groups through the client's long-lived {@link Admin}. Each
 * {@link #refresh()} (run by {@link LagRefreshScheduler} in the background) reads, within
 * one timeout and whatever the number of groups and partitions:
 * <ol>
 * <li>the committed offsets of every consumer group: one {@code listConsumerGroupOffsets}
 * call, and the start offsets of every share group (where there are any): one
 * {@code listShareGroupOffsets} call;</li>
 * <li>the partitions of the topics involved: one {@code describeTopics} call (to drop
 * deleted topics and to see the partitions a group subscribes to but never committed on,
 * such as newly added ones);</li>
 * <li>the end offsets of all those partitions: one {@code listOffsets} call;</li>
 * <li>only when some group has no commit on some partition, the earliest offsets of those
 * partitions: one more {@code listOffsets} call;</li>
 * <li>only when some group sits a few offsets short of the end of a partition that received
 * nothing since the previous refresh, and only once for that end offset: one read of those
 * offsets through a consumer, for all such partitions at once, to tell records still to
 * consume from transaction markers and aborted records, which the group never gets (see
 * {@link UnreadableTails}).</li>
 * </ol>
 * A refresh that fails or times out keeps the previous snapshot, marked stale with the
 * reason; {@link #snapshot()} never waits and never throws.
 */
final class AdminLagMonitor implements ClientLagMonitor {

	private static final Logger logger = LoggerFactory.getLogger(AdminLagMonitor.class);

	private final String client;

	private final LagProperties settings;

	private final Supplier<Map<String, WatchedGroup>> groups;

	private final Supplier<Admin> admin;

	private final Supplier<IsolationLevel> isolationLevel;

	private final LagCalculator calculator;

	private final UnreadableTails tails;

	private final List<Consumer<LagSnapshot>> listeners = new CopyOnWriteArrayList<>();

	private final Object lifecycleMonitor = new Object();

	private final ReentrantLock refreshing = new ReentrantLock();

	private volatile LagSnapshot snapshot;

	private final LagHistory history;

	private volatile @Nullable IsolationLevel resolvedIsolationLevel;

	private boolean closed;

	private boolean failing;

	// Whether a refresh ever succeeded, and whether the one failure allowed before that
	// was used: the first refresh of a starting application may find a broker that is
	// still loading its group coordinators.
	private boolean read;

	private boolean startupFailureSeen;

	/**
	 * Create a monitor.
	 * @param client the client name
	 * @param settings the client's lag settings
	 * @param groups the groups to watch, asked at every refresh
	 * @param admin the client's admin, asked at every refresh (the test seam:
	 * {@code KafkaClient::sharedAdmin} otherwise); the monitor never closes it
	 * @param readerConfigs the configuration of the consumer that reads the ends of
	 * partitions, asked when it is first needed: the client's connection settings (its
	 * admin configuration) and the reader's client id
	 * @param isolationLevel the isolation level of the client's consumers, asked at the
	 * first refresh (a read_committed consumer's end is the last stable offset)
	 */
	AdminLagMonitor(String client, LagProperties settings, Supplier<Map<String, WatchedGroup>> groups,
			Supplier<Admin> admin, Supplier<Map<String, Object>> readerConfigs,
			Supplier<IsolationLevel> isolationLevel) {
		this(client, settings, groups, admin, readerConfigs, isolationLevel,
				(configs) -> new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
	}

	/**
	 * Create a monitor that reads the ends of partitions through its own consumer factory.
	 * @param client the client name
	 * @param settings the client's lag settings
	 * @param groups the groups to watch, asked at every refresh
	 * @param admin the client's admin, asked at every refresh
	 * @param readerConfigs the configuration of the consumer that reads the ends of
	 * partitions
	 * @param isolationLevel the isolation level of the client's consumers
	 * @param readerFactory creates the consumer that reads the few offsets at the end of a
	 * partition a group seems stuck before (the test seam: a {@code KafkaConsumer} otherwise)
	 */
	AdminLagMonitor(String client, LagProperties settings, Supplier<Map<String, WatchedGroup>> groups,
			Supplier<Admin> admin, Supplier<Map<String, Object>> readerConfigs, Supplier<IsolationLevel> isolationLevel,
			Function<Map<String, Object>, org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> readerFactory) {
		this.client = client;
		this.settings = settings;
		this.groups = groups;
		this.admin = admin;
		this.isolationLevel = isolationLevel;
		this.calculator = new LagCalculator(settings.getWindow(), settings.getLaggingThreshold());
		this.tails = new UnreadableTails(
				() -> UnreadableTails.readerConfigs(readerConfigs.get(), resolvedIsolationLevel()), readerFactory);
		this.snapshot = LagSnapshot.empty(client);
		this.history = new LagHistory(settings.getInterval());
	}

	@Override
	public String client() {
		return this.client;
	}

	@Override
	public LagSnapshot snapshot() {
		return this.snapshot;
	}

	@Override
	public List<LagSnapshot> history() {
		return this.history.entries();
	}

	LagProperties settings() {
		return this.settings;
	}

	/**
	 * Adds a callback run on the refresh thread after each refresh, successful or not.
	 * @param listener the callback
	 */
	void addListener(Consumer<LagSnapshot> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Reads the lag once; never throws. Called on the monitoring thread only.
	 */
	void refresh() {
		this.refreshing.lock();
		try {
			if (!isClosed()) {
				doRefresh();
			}
		}
		finally {
			this.refreshing.unlock();
		}
	}

	/**
	 * Waits for a refresh in flight to end, after {@link #close()}.
	 * @param timeout how long to wait at most
	 */
	void awaitRefresh(Duration timeout) {
		try {
			if (this.refreshing.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.refreshing.unlock();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void doRefresh() {
		LagSnapshot next;
		try {
			next = fetch();
			this.read = true;
			if (this.failing) {
				this.failing = false;
				logger.info("Consumer lag of Kafka client '{}' is read again", this.client);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (Exception ex) {
			if (isClosed()) {
				return;
			}
			String error = describe(ex);
			LagSnapshot last = this.snapshot;
			next = new LagSnapshot(this.client, last.refreshedAt(), true, error, last.groups());
			if (!this.read && !this.startupFailureSeen && expected(ex)) {
				this.startupFailureSeen = true;
				logger.info("Consumer lag of Kafka client '{}' not read yet: {}. The monitor retries every {} ms "
						+ "and warns if the next refresh fails too", this.client, error,
						this.settings.getInterval().toMillis());
			}
			else if (!this.failing) {
				this.failing = true;
				// The broker's side of things needs the message only; anything else, the trace.
				Object[] arguments = { this.client, error, this.settings.getInterval().toMillis(),
						expected(ex) ? null : ex };
				logger.warn("Could not read the consumer lag of Kafka client '{}': {}. The last values are kept, "
						+ "marked stale, and the monitor retries every {} ms", arguments);
			}
			else {
				logger.debug("Consumer lag of Kafka client '{}' still unreadable: {}", this.client, error, ex);
			}
		}
		publish(next);
	}

	/**
	 * Makes a snapshot the current one and tells the listeners.
	 * @param next the snapshot
	 */
	void publish(LagSnapshot next) {
		this.snapshot = next;
		this.history.add(next);
		for (Consumer<LagSnapshot> listener : this.listeners) {
			try {
				listener.accept(next);
			}
			catch (RuntimeException ex) {
				logger.warn("A consumer lag listener of Kafka client '{}' failed", this.client, ex);
			}
		}
	}

	/**
	 * Lets the monitor refresh again after {@link #close()}, for a context that is
	 * restarted.
	 */
	void open() {
		synchronized (this.lifecycleMonitor) {
			this.closed = false;
		}
		this.tails.open();
	}

	/**
	 * Stops refreshing: closes the consumer that reads the ends of partitions, and a
	 * refresh in flight ends quietly. The admin is the client's, and stays open.
	 */
	void close() {
		synchronized (this.lifecycleMonitor) {
			this.closed = true;
		}
		this.tails.close();
	}

	private boolean isClosed() {
		synchronized (this.lifecycleMonitor) {
			return this.closed;
		}
	}

	private LagSnapshot fetch() throws InterruptedException, ExecutionException {
		long deadline = System.nanoTime() + this.settings.getTimeout().toNanos();
		Map<String, WatchedGroup> watched = new TreeMap<>(this.groups.get());
		if (watched.isEmpty()) {
			this.calculator.clear();
			return new LagSnapshot(this.client, Instant.now(), false, null, List.of());
		}
		Admin admin = admin();
		if (this.resolvedIsolationLevel == null) {
			this.resolvedIsolationLevel = this.isolationLevel.get();
		}

		Map<String, String> groupErrors = new LinkedHashMap<>();
		Set<String> consumerGroups = new TreeSet<>();
		Set<String> shareGroups = new TreeSet<>();
		watched.forEach((group, what) -> (what.share() ? shareGroups : consumerGroups).add(group));
		Map<String, Map<TopicPartition, Long>> committed = committedOffsets(admin, consumerGroups, groupErrors,
				deadline);
		Map<String, Map<TopicPartition, Long>> shareLags = new ConcurrentHashMap<>();
		committed.putAll(shareStartOffsets(admin, shareGroups, shareLags, groupErrors, deadline));

		Set<String> topics = new TreeSet<>();
		watched.values().forEach((group) -> {
			topics.addAll(group.topics());
			group.partitions().forEach((partition) -> topics.add(partition.topic()));
		});
		committed.values().forEach((offsets) -> offsets.keySet().forEach((partition) -> topics.add(partition.topic())));
		Map<String, Set<Integer>> partitionsByTopic = topics.isEmpty() ? Map.of()
				: partitionsByTopic(admin, topics, deadline);

		Map<String, @Nullable SortedSet<TopicPartition>> groupPartitions = new LinkedHashMap<>();
		Set<TopicPartition> all = new HashSet<>();
		Set<TopicPartition> uncommitted = new HashSet<>();
		for (Map.Entry<String, WatchedGroup> entry : watched.entrySet()) {
			String group = entry.getKey();
			Map<TopicPartition, Long> groupCommitted = committed.get(group);
			if (groupCommitted == null) {
				groupPartitions.put(group, null);
				continue;
			}
			SortedSet<TopicPartition> partitions = new TreeSet<>(LagCalculator.PARTITION_ORDER);
			partitions.addAll(groupCommitted.keySet());
			partitions.addAll(entry.getValue().partitions());
			for (String topic : entry.getValue().topics()) {
				for (int partition : partitionsByTopic.getOrDefault(topic, Set.of())) {
					partitions.add(new TopicPartition(topic, partition));
				}
			}
			partitions.removeIf((partition) -> !exists(partition, partitionsByTopic));
			partitions.forEach((partition) -> {
				if (!groupCommitted.containsKey(partition)) {
					uncommitted.add(partition);
				}
			});
			all.addAll(partitions);
			groupPartitions.put(group, partitions);
		}

		long before = System.currentTimeMillis();
		Map<TopicPartition, Long> endOffsets = all.isEmpty() ? Map.of()
				: offsets(admin, all, OffsetSpec.latest(), deadline, "end offsets");
		// The broker read the end offsets somewhere between sending and receiving.
		long sampleTime = (before + System.currentTimeMillis()) / 2;
		positionShareGroups(committed, shareLags, endOffsets);
		Map<TopicPartition, Long> earliestOffsets = uncommitted.isEmpty() ? Map.of()
				: offsets(admin, uncommitted, OffsetSpec.earliest(), deadline, "earliest offsets");

		Map<String, Map<TopicPartition, Long>> consumerGroupPositions = new HashMap<>(committed);
		consumerGroupPositions.keySet().retainAll(consumerGroups);
		Map<TopicPartition, Long> unreadableFrom = this.tails.update(consumerGroupPositions, endOffsets, deadline);
		List<GroupLag> lags = this.calculator.update(sampleTime, groupPartitions, committed, endOffsets,
				earliestOffsets, unreadableFrom);
		String error = groupErrors.isEmpty() ? null : "Some groups could not be read: " + groupErrors;
		return new LagSnapshot(this.client, Instant.ofEpochMilli(sampleTime), false, error, List.copyOf(lags));
	}

	private Map<String, Map<TopicPartition, Long>> committedOffsets(Admin admin, Set<String> groups,
			Map<String, String> groupErrors, long deadline) throws InterruptedException, ExecutionException {
		if (groups.isEmpty()) {
			return new HashMap<>();
		}
		Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
		// No partitions in the spec: every partition the group has committed on.
		groups.forEach((group) -> specs.put(group, new ListConsumerGroupOffsetsSpec()));
		ListConsumerGroupOffsetsResult result = admin.listConsumerGroupOffsets(specs,
				new ListConsumerGroupOffsetsOptions().timeoutMs(remainingMillis(deadline)));
		return positions(groups, (group) -> result.partitionsToOffsetAndMetadata(group).thenApply((offsets) -> {
			Map<TopicPartition, Long> positions = new HashMap<>();
			offsets.forEach((partition, offset) -> {
				if (offset != null) {
					positions.put(partition, offset.offset());
				}
			});
			return positions;
		}), "the committed offsets of group '%s'", false, groupErrors, deadline);
	}

	private Map<String, Map<TopicPartition, Long>> shareStartOffsets(Admin admin, Set<String> groups,
			Map<String, Map<TopicPartition, Long>> brokerLags, Map<String, String> groupErrors, long deadline)
			throws InterruptedException, ExecutionException {
		if (groups.isEmpty()) {
			return new HashMap<>();
		}
		Map<String, ListShareGroupOffsetsSpec> specs = new LinkedHashMap<>();
		// No partitions in the spec: every partition the group has a start offset for.
		groups.forEach((group) -> specs.put(group, new ListShareGroupOffsetsSpec()));
		ListShareGroupOffsetsResult result = admin.listShareGroupOffsets(specs,
				new ListShareGroupOffsetsOptions().timeoutMs(remainingMillis(deadline)));
		return positions(groups, (group) -> result.partitionsToOffsetInfo(group).thenApply((offsets) -> {
			Map<TopicPartition, Long> positions = new HashMap<>();
			offsets.forEach((partition, info) -> {
				// A partition the group has not started on yet has no start offset.
				if (info != null && info.startOffset() >= 0) {
					positions.put(partition, info.startOffset());
					info.lag()
						.ifPresent((lag) -> brokerLags.computeIfAbsent(group, (key) -> new ConcurrentHashMap<>())
							.put(partition, lag));
				}
			});
			return positions;
		}), "the start offsets of share group '%s'", true, groupErrors, deadline);
	}

	/**
	 * A share group's persisted start offset may stay behind while the records above it are
	 * acknowledged (the broker moves it lazily), so where the broker reports the lag itself
	 * (Kafka 4.2 and later) the group's position is the end offset minus that lag: the same
	 * lag, and a time lag that is the age of the oldest record not yet acknowledged.
	 */
	private static void positionShareGroups(Map<String, Map<TopicPartition, Long>> positions,
			Map<String, Map<TopicPartition, Long>> brokerLags, Map<TopicPartition, Long> endOffsets) {
		brokerLags.forEach((group, lags) -> {
			Map<TopicPartition, Long> groupPositions = positions.get(group);
			if (groupPositions == null) {
				return;
			}
			lags.forEach((partition, lag) -> {
				Long end = endOffsets.get(partition);
				Long start = groupPositions.get(partition);
				if (end != null && start != null) {
					groupPositions.put(partition, Math.min(end, Math.max(start, end - lag)));
				}
			});
		});
	}

	private Map<String, Map<TopicPartition, Long>> positions(Set<String> groups,
			Function<String, KafkaFuture<Map<TopicPartition, Long>>> request, String what, boolean share,
			Map<String, String> groupErrors, long deadline) throws InterruptedException, ExecutionException {
		Map<String, Map<TopicPartition, Long>> positions = new HashMap<>();
		for (String group : groups) {
			try {
				positions.put(group, await(request.apply(group), deadline, String.format(what, group)));
			}
			catch (ExecutionException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				if (cause instanceof GroupIdNotFoundException) {
					positions.put(group, Map.of());
				}
				else if (cause instanceof RetriableException) {
					throw ex;
				}
				else if (cause instanceof UnsupportedVersionException && share) {
					// Brokers before Kafka 4.1 (or share groups switched off): say so, once per
					// group, rather than name the missing API alone.
					groupErrors.put(group, "the cluster has no share groups (Kafka 4.1+ with share groups enabled): "
							+ describe(cause));
				}
				else {
					// Not readable, such as a group the client may not describe: report the
					// others.
					groupErrors.put(group, describe(cause));
				}
			}
		}
		return positions;
	}

	private Map<String, Set<Integer>> partitionsByTopic(Admin admin, Set<String> topics, long deadline)
			throws InterruptedException, ExecutionException {
		Map<String, KafkaFuture<TopicDescription>> descriptions = admin
			.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(remainingMillis(deadline)))
			.topicNameValues();
		Map<String, Set<Integer>> partitions = new HashMap<>();
		for (Map.Entry<String, KafkaFuture<TopicDescription>> entry : descriptions.entrySet()) {
			try {
				TopicDescription description = await(entry.getValue(), deadline, "topic '" + entry.getKey() + "'");
				partitions.put(entry.getKey(),
						description.partitions().stream().map(TopicPartitionInfo::partition).collect(Collectors.toSet()));
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof UnknownTopicOrPartitionException
						|| ex.getCause() instanceof InvalidTopicException)) {
					throw ex;
				}
				// Deleted (or never created): its commits linger until they expire; skip it.
			}
		}
		return partitions;
	}

	private Map<TopicPartition, Long> offsets(Admin admin, Set<TopicPartition> partitions, OffsetSpec spec,
			long deadline, String what) throws InterruptedException, ExecutionException {
		Map<TopicPartition, OffsetSpec> request = new HashMap<>();
		partitions.forEach((partition) -> request.put(partition, spec));
		ListOffsetsOptions options = new ListOffsetsOptions(resolvedIsolationLevel())
			.timeoutMs(remainingMillis(deadline));
		Map<TopicPartition, ListOffsetsResultInfo> result = await(admin.listOffsets(request, options).all(), deadline,
				"the " + what + " of " + partitions.size() + " partition(s)");
		Map<TopicPartition, Long> offsets = new HashMap<>();
		result.forEach((partition, info) -> offsets.put(partition, info.offset()));
		return offsets;
	}

	private <T> T await(KafkaFuture<T> future, long deadline, String what)
			throws InterruptedException, ExecutionException {
		try {
			return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw timedOut(what, null);
		}
		catch (ExecutionException ex) {
			// The admin gave up at the deadline we passed it.
			if (ex.getCause() instanceof org.apache.kafka.common.errors.TimeoutException timeout) {
				throw timedOut(what, timeout);
			}
			throw ex;
		}
	}

	private LagRefreshTimeoutException timedOut(String what, @Nullable Throwable cause) {
		String message = "Timed out after " + this.settings.getTimeout().toMillis() + " ms reading " + what;
		return new LagRefreshTimeoutException((cause != null) ? message + " (" + cause.getMessage() + ")" : message);
	}

	private Admin admin() {
		if (isClosed()) {
			throw new IllegalStateException("The lag monitor is closed");
		}
		return this.admin.get();
	}

	private IsolationLevel resolvedIsolationLevel() {
		IsolationLevel level = this.resolvedIsolationLevel;
		return (level != null) ? level : IsolationLevel.READ_UNCOMMITTED;
	}

	private static boolean exists(TopicPartition partition, Map<String, Set<Integer>> partitionsByTopic) {
		Set<Integer> partitions = partitionsByTopic.get(partition.topic());
		return partitions != null && partitions.contains(partition.partition());
	}

	private static int remainingMillis(long deadline) {
		long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
	}

	private static boolean expected(Exception failure) {
		return failure instanceof ExecutionException || failure instanceof LagRefreshTimeoutException
				|| failure instanceof KafkaException;
	}

	static String describe(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		String message = cause.getMessage();
		if (cause instanceof LagRefreshTimeoutException) {
			return message;
		}
		return cause.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	/**
	 * A refresh that ran out of time.
	 */
	static final class LagRefreshTimeoutException extends RuntimeException {

		LagRefreshTimeoutException(String message) {
			super(message, null, false, false);
		}

	}

}
