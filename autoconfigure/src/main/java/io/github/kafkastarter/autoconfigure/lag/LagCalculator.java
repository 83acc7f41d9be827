package io.github.kafkastarter.autoconfigure.lag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;

import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.PartitionLag;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Turns one refresh's offsets into the lag of every group, keeping the little history that
 * time lag and status need: the end-offset history of each partition (shared by the groups
 * that read it) and a status window per group and partition. State for groups and
 * partitions that are no longer watched is dropped at each refresh, so nothing accumulates.
 * Not thread-safe: one refresh thread owns it.
 */
final class LagCalculator {

	static final Comparator<TopicPartition> PARTITION_ORDER = Comparator.comparing(TopicPartition::topic)
		.thenComparingInt(TopicPartition::partition);

	private static final Comparator<LagStatus> SEVERITY = Comparator.comparingInt(LagCalculator::severity);

	private final int window;

	private final long laggingThreshold;

	private final Map<TopicPartition, EndOffsetHistory> histories = new HashMap<>();

	private final Map<GroupPartition, StatusWindow> windows = new HashMap<>();

	LagCalculator(int window, long laggingThreshold) {
		this.window = Math.max(2, window);
		this.laggingThreshold = laggingThreshold;
	}

	/**
	 * Adds one refresh's offsets and computes every group's lag.
	 * @param time when the end offsets were read, epoch milliseconds
	 * @param groups every watched group with the partitions it reads, in the order to report
	 * them; a group mapped to {@code null} could not be read and is reported without
	 * partitions, as {@link LagStatus#UNKNOWN}
	 * @param committed each group's committed offsets
	 * @param endOffsets the end offset of every partition
	 * @param earliestOffsets the earliest offset of the partitions some group has no commit on
	 * @param unreadableFrom per partition, the offset from which nothing a group could read
	 * remains up to the end offset (transaction markers, aborted records): a group at or past
	 * it has no lag
	 * @return the lag of each group
	 */
	List<GroupLag> update(long time, Map<String, @Nullable SortedSet<TopicPartition>> groups,
			Map<String, Map<TopicPartition, Long>> committed, Map<TopicPartition, Long> endOffsets,
			Map<TopicPartition, Long> earliestOffsets, Map<TopicPartition, Long> unreadableFrom) {
		Map<TopicPartition, Long> oldestNeeded = new HashMap<>();
		Set<GroupPartition> watched = new HashSet<>();
		for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
			this.histories.computeIfAbsent(end.getKey(), (partition) -> new EndOffsetHistory())
				.add(time, end.getValue());
		}
		List<GroupLag> result = new ArrayList<>(groups.size());
		for (Map.Entry<String, @Nullable SortedSet<TopicPartition>> entry : groups.entrySet()) {
			String group = entry.getKey();
			SortedSet<TopicPartition> partitions = entry.getValue();
			if (partitions == null) {
				result.add(new GroupLag(group, LagStatus.UNKNOWN, 0, 0, List.of()));
				// Keep its windows: the group may be readable again next time.
				this.windows.keySet().forEach((key) -> {
					if (key.group().equals(group)) {
						watched.add(key);
					}
				});
				continue;
			}
			Map<TopicPartition, Long> groupCommitted = committed.getOrDefault(group, Map.of());
			List<PartitionLag> partitionLags = new ArrayList<>(partitions.size());
			for (TopicPartition partition : partitions) {
				Long end = endOffsets.get(partition);
				Long commit = groupCommitted.get(partition);
				Long position = (commit != null) ? commit : earliestOffsets.get(partition);
				if (end == null || position == null) {
					continue;
				}
				Long unreadable = unreadableFrom.get(partition);
				if (unreadable != null && position >= unreadable) {
					// Consumed all it can: what is left is not for it to read.
					position = Math.max(position, end);
				}
				long lag = Math.max(0, end - position);
				long ageMillis = (lag == 0) ? 0 : this.histories.get(partition).ageOf(position, time);
				GroupPartition key = new GroupPartition(group, partition);
				watched.add(key);
				StatusWindow statusWindow = this.windows.computeIfAbsent(key, (k) -> new StatusWindow(this.window));
				statusWindow.add(end, position, lag);
				partitionLags.add(new PartitionLag(partition.topic(), partition.partition(), end, commit, lag,
						commit == null, ageMillis / 1000.0, statusWindow.status(this.laggingThreshold)));
				oldestNeeded.merge(partition, position, Math::min);
			}
			result.add(groupLag(group, partitionLags));
		}
		this.windows.keySet().retainAll(watched);
		this.histories.keySet().retainAll(oldestNeeded.keySet());
		oldestNeeded.forEach((partition, offset) -> this.histories.get(partition).forgetBefore(offset));
		return result;
	}

	/**
	 * Forgets everything, for when no group is watched any more.
	 */
	void clear() {
		this.histories.clear();
		this.windows.clear();
	}

	int historySamples() {
		return this.histories.values().stream().mapToInt(EndOffsetHistory::size).sum();
	}

	private static GroupLag groupLag(String group, List<PartitionLag> partitions) {
		LagStatus status = partitions.isEmpty() ? LagStatus.UNKNOWN : LagStatus.OK;
		long offsetLag = 0;
		double timeLag = 0;
		for (PartitionLag partition : partitions) {
			if (SEVERITY.compare(partition.status(), status) > 0) {
				status = partition.status();
			}
			offsetLag += partition.offsetLag();
			timeLag = Math.max(timeLag, partition.timeLagSeconds());
		}
		return new GroupLag(group, status, offsetLag, timeLag, List.copyOf(partitions));
	}

	/**
	 * How bad a status is, for a group's status to be its worst partition's.
	 * @param status the status
	 * @return its rank, higher is worse
	 */
	static int severity(LagStatus status) {
		return switch (status) {
			case OK -> 0;
			case UNKNOWN -> 1;
			case LAGGING -> 2;
			case STALLED -> 3;
			case STOPPED -> 4;
		};
	}

	record GroupPartition(String group, TopicPartition partition) {
	}

}
