package io.github.kafkastarter.autoconfigure.priority;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.github.kafkastarter.autoconfigure.priority.PriorityProperties.PriorityListenerSettings;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Pauses a listener's lower-ranked topics while a higher-ranked one has a backlog, and
 * resumes them when it is drained, judging backlogs from the consumers' own
 * {@code records-lag} fetch metrics (no broker call). A topic paused for
 * {@code max-pause} is resumed for {@code resume-for} whatever the backlogs, so no topic
 * starves.
 */
final class PriorityGovernor {

	private static final Logger logger = LoggerFactory.getLogger(PriorityGovernor.class);

	private static final String FETCH_METRICS = "consumer-fetch-manager-metrics";

	private final MessageListenerContainer container;

	private final List<String> ranked;

	private final long maxPauseNanos;

	private final long resumeForNanos;

	private final Set<TopicPartition> pausedByUs = new HashSet<>();

	// Per ranked topic: since when it is paused, and until when it may run despite backlogs.
	private final Map<String, Long> pausedSince = new HashMap<>();

	private final Map<String, Long> graceUntil = new HashMap<>();

	// Records consumed from a topic when its turn started: a turn lasts until it shows
	// progress, or the turn would be lost to a slow fetch.
	private final Map<String, Double> consumedAtTurn = new HashMap<>();

	private final Set<TopicPartition> staleRequests = new HashSet<>();

	private final Function<List<String>, Map<String, Integer>> partitionCounts;

	private volatile @Nullable Map<String, Integer> lowerRankedPartitions;

	/**
	 * Create a governor.
	 * @param container the listener's container
	 * @param settings the listener's ranking
	 * @param partitionCounts the number of partitions of each of some topics (those it
	 * cannot tell left out)
	 */
	PriorityGovernor(MessageListenerContainer container, PriorityListenerSettings settings,
			Function<List<String>, Map<String, Integer>> partitionCounts) {
		this.container = container;
		this.ranked = List.copyOf(settings.getTopics());
		this.maxPauseNanos = settings.getMaxPause().toNanos();
		this.resumeForNanos = settings.getResumeFor().toNanos();
		this.partitionCounts = partitionCounts;
	}

	/**
	 * Asks one consumer of the container, before its first poll, to hold every partition of
	 * the topics below the highest-ranked one. The container then pauses such a partition
	 * the moment it is assigned, inside the poll that assigns it, so that this poll cannot
	 * hand out its records (a pause asked for on assignment only takes effect from the next
	 * poll); the next check resumes those that may run. Pausing the whole container instead
	 * would have Kafka resume it on assignment, and the container pause it again, with a
	 * warning at every start.
	 * @param consumer the container of one consumer (a child of the listener's container)
	 */
	void consumerStarting(MessageListenerContainer consumer) {
		// Asked of the broker outside the lock, which the checks need meanwhile.
		Map<String, Integer> partitions = lowerRankedPartitions();
		synchronized (this) {
			// Not counted as waiting before they are assigned: max-pause starts on assignment.
			partitions.forEach((topic, count) -> {
				for (int partition = 0; partition < count; partition++) {
					TopicPartition topicPartition = new TopicPartition(topic, partition);
					consumer.pausePartition(topicPartition);
					this.pausedByUs.add(topicPartition);
				}
			});
		}
	}

	// The consumers of one container may start at once: at worst they both ask.
	private Map<String, Integer> lowerRankedPartitions() {
		Map<String, Integer> partitions = this.lowerRankedPartitions;
		if (partitions == null) {
			partitions = this.partitionCounts.apply(this.ranked.subList(1, this.ranked.size()));
			if (!partitions.isEmpty()) {
				// Partitions added later are paused on assignment, from the next poll on.
				this.lowerRankedPartitions = partitions;
			}
		}
		return partitions;
	}

	/**
	 * Pauses, on assignment, every ranked topic below the highest one assigned: they run
	 * once the check sees no backlog above them.
	 * @param partitions the newly assigned partitions
	 */
	synchronized void assigned(Collection<TopicPartition> partitions) {
		pauseLowerRanked(partitions);
	}

	private void pauseLowerRanked(Collection<TopicPartition> partitions) {
		Set<String> assignedTopics = new HashSet<>();
		Collection<TopicPartition> all = this.container.getAssignedPartitions();
		if (all != null) {
			all.forEach((partition) -> assignedTopics.add(partition.topic()));
		}
		partitions.forEach((partition) -> assignedTopics.add(partition.topic()));
		int highest = highestAssignedRank(assignedTopics);
		long now = System.nanoTime();
		for (TopicPartition partition : partitions) {
			int rank = this.ranked.indexOf(partition.topic());
			if (rank > highest) {
				pause(partition);
				this.pausedSince.putIfAbsent(partition.topic(), now);
			}
		}
	}

	private int highestAssignedRank(Set<String> topics) {
		for (int rank = 0; rank < this.ranked.size(); rank++) {
			if (topics.contains(this.ranked.get(rank))) {
				return rank;
			}
		}
		return Integer.MAX_VALUE;
	}

	/**
	 * Re-judges every ranked topic; called on a short timer. A topic runs when no topic
	 * above it has a backlog. One paused that long for max-pause gets a turn of
	 * resume-for, during which the topics above it wait instead: otherwise the consumer
	 * would keep handing out their buffered records and the turn would be spent idle.
	 */
	synchronized void check() {
		if (!this.container.isRunning()) {
			return;
		}
		this.staleRequests.forEach(this.container::resumePartition);
		this.staleRequests.clear();
		Collection<TopicPartition> assigned = this.container.getAssignedPartitions();
		if (assigned == null || assigned.isEmpty()) {
			return;
		}
		Map<TopicPartition, Double> lags = new HashMap<>();
		Map<String, Double> consumed = new HashMap<>();
		readFetchMetrics(lags, consumed);
		long now = System.nanoTime();
		int turn = topicWithTurn(now, consumed);
		boolean backlogAbove = false;
		for (int rank = 0; rank < this.ranked.size(); rank++) {
			String topic = this.ranked.get(rank);
			List<TopicPartition> partitions = assigned.stream().filter((p) -> p.topic().equals(topic)).toList();
			if (partitions.isEmpty()) {
				continue;
			}
			boolean waitsForTurn = turn >= 0 && rank < turn;
			boolean blocked = rank != turn && backlogAbove;
			if (blocked) {
				Long since = this.pausedSince.putIfAbsent(topic, now);
				if (turn < 0 && since != null && now - since >= this.maxPauseNanos) {
					// Starved long enough: its turn starts with the next check.
					this.graceUntil.put(topic, now + this.resumeForNanos);
					this.consumedAtTurn.put(topic, consumed.getOrDefault(topic, 0.0));
					this.pausedSince.remove(topic);
					logger.debug("Topic {} waited max-pause; it gets a turn", topic);
				}
			}
			else {
				this.pausedSince.remove(topic);
			}
			boolean pause = waitsForTurn || blocked;
			for (TopicPartition partition : partitions) {
				if (pause) {
					pause(partition);
				}
				else {
					resume(partition);
				}
			}
			if (!backlogAbove) {
				backlogAbove = partitions.stream().anyMatch((partition) -> hasBacklog(partition, lags));
			}
		}
	}

	private int topicWithTurn(long now, Map<String, Double> consumed) {
		this.graceUntil.entrySet().removeIf((turn) -> {
			String topic = turn.getKey();
			boolean progressed = consumed.getOrDefault(topic, 0.0) > this.consumedAtTurn.getOrDefault(topic, 0.0);
			// At least resume-for, longer while nothing came through yet (up to ten times).
			boolean over = now >= turn.getValue() && (progressed || now >= turn.getValue() + 9 * this.resumeForNanos);
			if (over) {
				this.consumedAtTurn.remove(topic);
			}
			return over;
		});
		for (int rank = 0; rank < this.ranked.size(); rank++) {
			if (this.graceUntil.containsKey(this.ranked.get(rank))) {
				return rank;
			}
		}
		return -1;
	}

	private static boolean hasBacklog(TopicPartition partition, Map<TopicPartition, Double> lags) {
		Double lag = lags.get(partition);
		// Unknown until its first fetch: assume a backlog rather than let lower topics jump ahead.
		return lag == null || lag.isNaN() || lag > 0;
	}

	private void readFetchMetrics(Map<TopicPartition, Double> lags, Map<String, Double> consumed) {
		Map<String, Map<MetricName, ? extends Metric>> metrics = this.container.metrics();
		for (Map<MetricName, ? extends Metric> consumerMetrics : metrics.values()) {
			consumerMetrics.forEach((name, metric) -> {
				if (!name.group().equals(FETCH_METRICS) || !(metric.metricValue() instanceof Double value)) {
					return;
				}
				if (name.name().equals("records-lag")) {
					TopicPartition partition = partition(name);
					if (partition != null) {
						lags.merge(partition, value, Math::max);
					}
				}
				else if (name.name().equals("records-consumed-total") && name.tags().containsKey("topic")
						&& !name.tags().containsKey("partition")
						&& this.ranked.contains(name.tags().get("topic"))) {
					consumed.merge(name.tags().get("topic"), value, Double::sum);
				}
			});
		}
	}

	private @Nullable TopicPartition partition(MetricName name) {
		String topic = name.tags().get("topic");
		String partition = name.tags().get("partition");
		if (topic == null || partition == null || !this.ranked.contains(topic)) {
			// Kafka also reports a deprecated copy with dots replaced in the topic name.
			return null;
		}
		return new TopicPartition(topic, Integer.parseInt(partition));
	}

	private void pause(TopicPartition partition) {
		// A partition someone else paused stays theirs to resume.
		if (!this.pausedByUs.contains(partition) && !this.container.isPartitionPauseRequested(partition)) {
			this.container.pausePartition(partition);
			this.pausedByUs.add(partition);
		}
	}

	private void resume(TopicPartition partition) {
		if (this.pausedByUs.remove(partition)) {
			this.container.resumePartition(partition);
		}
	}

	synchronized void revoked(Collection<TopicPartition> partitions) {
		// Drop our pause requests with the partitions, or they would outlive the assignment;
		// on the next check, as resuming wakes the consumer, which is rebalancing here.
		for (TopicPartition partition : partitions) {
			if (this.pausedByUs.remove(partition)) {
				this.staleRequests.add(partition);
			}
		}
	}

}
