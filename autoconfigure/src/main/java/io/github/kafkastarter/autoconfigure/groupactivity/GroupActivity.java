package io.github.kafkastarter.autoconfigure.groupactivity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ConsumerStoppingEvent;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * What happens to the consumer groups of every client's listener containers, as this
 * application sees it: rebalances (and storms of them), offset commit failures and
 * consumers that get no partition. Fed by the rebalance listener and the commit observer
 * the starter puts on every container and consumer (once per rebalance or commit, never
 * per record); read by the {@code kafkaListeners} health, the {@code kafka} endpoint and
 * the meters.
 * <p>
 * Meters (when there is a {@link MeterRegistry}), all tagged {@code client} and
 * {@code group}:
 * <ul>
 * <li>{@value #REBALANCES} (counter, also tagged {@code kind}: {@code assigned},
 * {@code revoked}, {@code lost}): the rebalance callbacks of the application's consumers;</li>
 * <li>{@value #PARTITIONS} (counter, tagged {@code kind}): the partitions they moved;</li>
 * <li>{@value #UNOWNED} (timer): how long a partition revoked from (or lost by) one of
 * the application's consumers stayed unowned until one of them got it again;</li>
 * <li>{@value #STORM} (gauge): 1 while the group's rebalances in the storm window exceed
 * the threshold, else 0;</li>
 * <li>{@value #COMMIT_FAILURES} (counter, also tagged {@code exception}, the simple class
 * name): failed offset commits;</li>
 * <li>{@value #IDLE_MEMBERS} (gauge): the application's consumers of the group that got
 * no partition at the last assignment.</li>
 * </ul>
 */
public final class GroupActivity implements ApplicationListener<ConsumerStoppingEvent> {

	static final String REBALANCES = "kafka.starter.rebalances";

	static final String PARTITIONS = "kafka.starter.rebalance.partitions";

	static final String UNOWNED = "kafka.starter.rebalance.unowned";

	static final String STORM = "kafka.starter.rebalance.storm";

	static final String COMMIT_FAILURES = "kafka.starter.commit.failures";

	static final String IDLE_MEMBERS = "kafka.starter.group.idle.members";

	private static final Logger logger = LoggerFactory.getLogger(GroupActivity.class);

	private final GroupActivityProperties properties;

	private final Supplier<@Nullable MeterRegistry> registry;

	private final Clock clock;

	private final Supplier<@Nullable KafkaClientContainers> containers;

	private final Map<GroupKey, GroupState> groups = new ConcurrentHashMap<>();

	/**
	 * Creates the watcher.
	 * @param properties its settings
	 * @param registry the meter registry, looked up at the first rebalance or commit (the
	 * watcher is created with the Kafka beans, before the registry should be)
	 * @param clock the clock
	 * @param containers which client each listener container belongs to, for the number of
	 * consumers the application runs in a group
	 */
	GroupActivity(GroupActivityProperties properties, Supplier<@Nullable MeterRegistry> registry, Clock clock,
			Supplier<@Nullable KafkaClientContainers> containers) {
		this.properties = properties;
		this.registry = registry;
		this.clock = clock;
		this.containers = containers;
	}

	/**
	 * The groups of one client this application's consumers belong to.
	 * @param client the client name
	 * @return one report per group, by group id
	 */
	public List<GroupReport> groups(String client) {
		return this.groups.values()
			.stream()
			.filter((state) -> state.key.client().equals(client))
			.map(GroupState::report)
			.sorted(Comparator.comparing(GroupReport::groupId))
			.toList();
	}

	/**
	 * Whether a group whose commits keep failing takes its client's listener health down
	 * ({@code kafka.starter.group-activity.commit-failures-down}).
	 * @return whether it does
	 */
	public boolean commitFailuresDown() {
		return this.properties.isCommitFailuresDown();
	}

	@Override
	public void onApplicationEvent(ConsumerStoppingEvent event) {
		// A stopping consumer is no member any more: without this, one that had no
		// partition (and so gets no revocation on close) would count as idle for ever.
		Consumer<?, ?> consumer = event.getConsumer();
		for (GroupState state : this.groups.values()) {
			state.stopped(consumer);
		}
	}

	void assigned(String client, Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		state(client, consumer).assigned(consumer, partitions);
	}

	void revoked(String client, Consumer<?, ?> consumer, Collection<TopicPartition> partitions, boolean lost) {
		state(client, consumer).revoked(partitions, lost);
	}

	void commitSucceeded(String client, String group) {
		GroupState state = this.groups.get(new GroupKey(client, group));
		if (state != null) {
			state.commitSucceeded();
		}
	}

	void commitFailed(String client, String group, Throwable failure, String description) {
		this.groups.computeIfAbsent(new GroupKey(client, group), GroupState::new).commitFailed(failure, description);
	}

	private GroupState state(String client, Consumer<?, ?> consumer) {
		return this.groups.computeIfAbsent(new GroupKey(client, consumer.groupMetadata().groupId()), GroupState::new);
	}

	private static String text(Duration duration) {
		if (duration.toSeconds() % 60 == 0 && !duration.isZero() && duration.toNanosPart() == 0) {
			return duration.toMinutes() + "m";
		}
		return (duration.toNanosPart() == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

	private record GroupKey(String client, String group) {
	}

	/**
	 * One group of one client, as this application sees it.
	 * @param groupId the group
	 * @param rebalances the rebalances (generations) the application's consumers took part
	 * in since it started
	 * @param rebalancesInWindow those within the storm window
	 * @param storm whether they exceed the storm threshold
	 * @param lastStormWarning when a storm was last logged
	 * @param commitFailures the offset commits that failed since the application started
	 * @param lastCommitFailure the last failure: exception class and message
	 * @param lastCommitFailureAt when it happened
	 * @param commitsFailingSince the first failure no successful commit followed yet
	 * @param commitsFailing whether commits have kept failing longer than the threshold
	 * @param members the application's consumers in the group
	 * @param idleMembers those that got no partition at the last assignment
	 * @param partitions the partitions of the topics the group subscribes to, when some
	 * consumer is idle
	 * @param warnings what deserves attention, with its likely cause and fix
	 */
	public record GroupReport(String groupId, long rebalances, int rebalancesInWindow, boolean storm,
			@Nullable Instant lastStormWarning, long commitFailures, @Nullable String lastCommitFailure,
			@Nullable Instant lastCommitFailureAt, @Nullable Instant commitsFailingSince, boolean commitsFailing,
			int members, int idleMembers, @Nullable Integer partitions, List<String> warnings) {

		/**
		 * The report as health details: only what is set.
		 * @return the details
		 */
		public Map<String, Object> details() {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("rebalances", this.rebalances);
			details.put("rebalancesInWindow", this.rebalancesInWindow);
			details.put("storm", this.storm);
			putIfSet(details, "lastStormWarning", this.lastStormWarning);
			details.put("commitFailures", this.commitFailures);
			putIfSet(details, "lastCommitFailure", this.lastCommitFailure);
			putIfSet(details, "lastCommitFailureAt", this.lastCommitFailureAt);
			putIfSet(details, "commitsFailingSince", this.commitsFailingSince);
			details.put("commitsFailing", this.commitsFailing);
			details.put("members", this.members);
			details.put("idleMembers", this.idleMembers);
			putIfSet(details, "partitions", this.partitions);
			if (!this.warnings.isEmpty()) {
				details.put("warnings", this.warnings);
			}
			return details;
		}

		private static void putIfSet(Map<String, Object> details, String key, @Nullable Object value) {
			if (value != null) {
				details.put(key, (value instanceof Instant) ? value.toString() : value);
			}
		}

	}

	private final class GroupState {

		private final GroupKey key;

		// Rebalances are counted once per generation, however many of the application's
		// consumers take part; insertion order is the order they were first seen in.
		private final LinkedHashMap<Integer, Instant> generations = new LinkedHashMap<>();

		private final Map<TopicPartition, Long> unownedSince = new LinkedHashMap<>();

		// Spring Kafka follows each loss with a revocation of the same partitions.
		private Set<TopicPartition> justLost = Set.of();

		// Weak keys: a consumer that stopped without a ConsumerStoppingEvent must not be
		// kept alive here.
		private final Map<Consumer<?, ?>, Integer> assignedByMember = new WeakHashMap<>();

		private final AtomicInteger idle = new AtomicInteger();

		private int unknownGenerations;

		private long rebalances;

		private @Nullable Instant lastStormWarning;

		private long commitFailures;

		private @Nullable String lastCommitFailure;

		private @Nullable Instant lastCommitFailureAt;

		private @Nullable Instant commitsFailingSince;

		private @Nullable Integer partitions;

		private Set<String> topics = Set.of();

		private boolean idleWarned;

		private final Map<String, Counter> rebalanceCounters = new ConcurrentHashMap<>();

		private final Map<String, Counter> partitionCounters = new ConcurrentHashMap<>();

		private final @Nullable Timer unowned;

		GroupState(GroupKey key) {
			this.key = key;
			MeterRegistry registry = GroupActivity.this.registry.get();
			if (registry != null) {
				this.unowned = Timer.builder(UNOWNED)
					.tags("client", key.client(), "group", key.group())
					.description("How long partitions revoked from or lost by a consumer of the application "
							+ "stayed unowned until one of its consumers got them again")
					.register(registry);
				Gauge.builder(STORM, this, (state) -> state.storm() ? 1 : 0)
					.tags("client", key.client(), "group", key.group())
					.description("1 while the group's rebalances within the storm window exceed the threshold")
					.strongReference(true)
					.register(registry);
				Gauge.builder(IDLE_MEMBERS, this.idle, AtomicInteger::get)
					.tags("client", key.client(), "group", key.group())
					.description("Consumers of the application in the group that got no partition")
					.strongReference(true)
					.register(registry);
			}
			else {
				this.unowned = null;
			}
		}

		synchronized void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
			this.justLost = Set.of();
			count("assigned", assigned.size());
			Instant now = GroupActivity.this.clock.instant();
			int generation = generation(consumer);
			prune(now);
			if (this.generations.putIfAbsent(generation, now) == null) {
				this.rebalances++;
			}
			long nanos = System.nanoTime();
			for (TopicPartition partition : assigned) {
				Long since = this.unownedSince.remove(partition);
				if (since != null && this.unowned != null) {
					this.unowned.record(nanos - since, TimeUnit.NANOSECONDS);
				}
			}
			// Incremental (cooperative) assignments list only what was added.
			this.assignedByMember.put(consumer, consumer.assignment().size());
			warnOfStorm(now);
			updateIdle(consumer);
		}

		synchronized void revoked(Collection<TopicPartition> partitions, boolean lost) {
			if (partitions.isEmpty()) {
				return;
			}
			if (!lost && this.justLost.containsAll(partitions)) {
				this.justLost = Set.of();
				return;
			}
			this.justLost = lost ? Set.copyOf(partitions) : Set.of();
			count(lost ? "lost" : "revoked", partitions.size());
			long nanos = System.nanoTime();
			for (TopicPartition partition : partitions) {
				this.unownedSince.put(partition, nanos);
			}
		}

		synchronized void stopped(Consumer<?, ?> consumer) {
			if (this.assignedByMember.remove(consumer) != null) {
				updateIdle(null);
			}
		}

		synchronized void commitSucceeded() {
			this.commitsFailingSince = null;
		}

		synchronized void commitFailed(Throwable failure, String description) {
			Instant now = GroupActivity.this.clock.instant();
			this.commitFailures++;
			this.lastCommitFailure = description;
			this.lastCommitFailureAt = now;
			if (this.commitsFailingSince == null) {
				this.commitsFailingSince = now;
			}
			MeterRegistry registry = GroupActivity.this.registry.get();
			if (registry != null) {
				Counter.builder(COMMIT_FAILURES)
					.tags("client", this.key.client(), "group", this.key.group(), "exception",
							failure.getClass().getSimpleName())
					.description("Offset commits that failed")
					.register(registry)
					.increment();
			}
		}

		synchronized boolean storm() {
			prune(GroupActivity.this.clock.instant());
			return this.generations.size() > GroupActivity.this.properties.getStormThreshold();
		}

		synchronized GroupReport report() {
			Instant now = GroupActivity.this.clock.instant();
			prune(now);
			int inWindow = this.generations.size();
			boolean storm = inWindow > GroupActivity.this.properties.getStormThreshold();
			boolean commitsFailing = this.commitsFailingSince != null && !now.isBefore(
					this.commitsFailingSince.plus(GroupActivity.this.properties.getCommitFailureThreshold()));
			List<String> warnings = new ArrayList<>();
			if (storm) {
				warnings.add(stormMessage(inWindow));
			}
			if (commitsFailing) {
				warnings.add("Offset commits have failed since " + this.commitsFailingSince + " (last: "
						+ this.lastCommitFailure + "): records processed since then will be delivered again.");
			}
			int members = members();
			if (this.idle.get() > 0 && outnumbered(members)) {
				warnings.add(idleMessage(members));
			}
			return new GroupReport(this.key.group(), this.rebalances, inWindow, storm, this.lastStormWarning,
					this.commitFailures, this.lastCommitFailure, this.lastCommitFailureAt, this.commitsFailingSince,
					commitsFailing, members, this.idle.get(),
					(this.idle.get() > 0) ? this.partitions : null, List.copyOf(warnings));
		}

		private int generation(Consumer<?, ?> consumer) {
			int generation = consumer.groupMetadata().generationId();
			// Without a generation, each assignment counts on its own.
			return (generation >= 0) ? generation : Integer.MIN_VALUE + this.unknownGenerations++;
		}

		private void prune(Instant now) {
			Instant oldest = now.minus(GroupActivity.this.properties.getStormWindow());
			Iterator<Instant> seen = this.generations.values().iterator();
			while (seen.hasNext()) {
				if (seen.next().isBefore(oldest)) {
					seen.remove();
				}
			}
			// Partitions another application took over never come back here.
			long oldestNanos = System.nanoTime() - GroupActivity.this.properties.getStormWindow().toNanos();
			this.unownedSince.values().removeIf((since) -> since - oldestNanos < 0);
		}

		private void warnOfStorm(Instant now) {
			int count = this.generations.size();
			Duration window = GroupActivity.this.properties.getStormWindow();
			if (count > GroupActivity.this.properties.getStormThreshold()
					&& (this.lastStormWarning == null || !now.isBefore(this.lastStormWarning.plus(window)))) {
				this.lastStormWarning = now;
				logger.warn(stormMessage(count));
			}
		}

		private String stormMessage(int count) {
			return "Rebalance storm: consumer group '" + this.key.group() + "' (client '" + this.key.client()
					+ "') rebalanced " + count + " times within "
					+ text(GroupActivity.this.properties.getStormWindow())
					+ " (kafka.starter.group-activity.storm-threshold=" + GroupActivity.this.properties.getStormThreshold()
					+ "). Likely causes: members leaving and joining on a rolling restart without static membership, "
					+ "a listener exceeding max.poll.interval.ms between polls, or session time-outs "
					+ "(session.timeout.ms) on slow or paused instances. Fixes: static membership "
					+ "(kafka.starter.consumer.static-membership.enabled=true, restarts within session.timeout.ms "
					+ "then cause no rebalance), the consumer group protocol "
					+ "(kafka.starter.consumer.group-protocol=consumer, group.protocol=consumer: incremental "
					+ "rebalances on the broker), fewer records per poll (max.poll.records) or a longer "
					+ "max.poll.interval.ms for slow listeners.";
		}

		private void updateIdle(@Nullable Consumer<?, ?> consumer) {
			int idle = (int) this.assignedByMember.values().stream().filter((count) -> count == 0).count();
			this.idle.set(idle);
			if (idle == 0) {
				this.idleWarned = false;
				return;
			}
			if (consumer == null) {
				return;
			}
			partitions(consumer);
			int members = members();
			// A consumer without partitions is not always one too many: a cooperative
			// rebalance gives a newcomer nothing before moving partitions to it. Only more
			// consumers than partitions in this application alone is certain.
			if (!this.idleWarned && outnumbered(members)) {
				this.idleWarned = true;
				logger.warn(idleMessage(members));
			}
		}

		private boolean outnumbered(int members) {
			return this.partitions != null && members > this.partitions;
		}

		// The consumers the application runs in the group, from its running containers: the
		// rebalance callbacks of some of them may still be to come.
		private int members() {
			KafkaClientContainers containers = GroupActivity.this.containers.get();
			if (containers == null) {
				return this.assignedByMember.size();
			}
			int members = 0;
			for (MessageListenerContainer container : containers.containers(this.key.client())) {
				if (container.isRunning() && this.key.group().equals(container.getGroupId())) {
					members += (container instanceof ConcurrentMessageListenerContainer<?, ?> concurrent)
							? concurrent.getConcurrency() : 1;
				}
			}
			return members;
		}

		private void partitions(Consumer<?, ?> consumer) {
			// Subscribed topics: their metadata is in the consumer already, nothing to fetch.
			Set<String> topics = new TreeSet<>(consumer.subscription());
			int partitions = 0;
			try {
				for (String topic : topics) {
					List<PartitionInfo> infos = consumer.partitionsFor(topic);
					partitions += (infos != null) ? infos.size() : 0;
				}
				this.partitions = partitions;
				this.topics = topics;
			}
			catch (RuntimeException ex) {
				logger.debug("Could not count the partitions of {}", topics, ex);
			}
		}

		private String idleMessage(int members) {
			return "Idle consumers: consumer group '" + this.key.group() + "' (client '" + this.key.client()
					+ "') has more consumers than partitions: this application alone runs " + members
					+ " consumer(s) in it for the " + this.partitions + " partition(s) of topic(s) " + this.topics
					+ ", so at least " + (members - this.partitions) + " get no partition and sit idle. A partition "
					+ "goes to one member of a group only: lower the listener's concurrency (and the number of "
					+ "instances) to at most the partition count in total, or add partitions to the topic(s).";
		}

		private void count(String kind, int partitions) {
			MeterRegistry registry = GroupActivity.this.registry.get();
			if (registry == null) {
				return;
			}
			this.rebalanceCounters
				.computeIfAbsent(kind,
						(name) -> Counter.builder(REBALANCES)
							.tags("client", this.key.client(), "group", this.key.group(), "kind", name)
							.description("Rebalance callbacks of the application's consumers")
							.register(registry))
				.increment();
			this.partitionCounters
				.computeIfAbsent(kind,
						(name) -> Counter.builder(PARTITIONS)
							.tags("client", this.key.client(), "group", this.key.group(), "kind", name)
							.description("Partitions assigned to, revoked from or lost by the application's consumers")
							.register(registry))
				.increment(partitions);
		}

	}

}
