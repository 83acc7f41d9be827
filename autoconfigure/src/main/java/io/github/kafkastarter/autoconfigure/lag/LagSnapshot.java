package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The latest lag of one client's consumer groups, as the monitor last computed it. Reading
 * it never touches the broker.
 *
 * @param client the client name
 * @param refreshedAt when the data was fetched from the broker, or {@code null} before the
 * first successful refresh
 * @param stale whether the last refresh failed (the data is the previous refresh's)
 * @param lastError why the last refresh failed; or, when it succeeded but some groups could
 * not be read (they are reported {@link LagStatus#UNKNOWN}, without partitions), which and
 * why; {@code null} when everything was read
 * @param groups every monitored group
 */
public record LagSnapshot(String client, @Nullable Instant refreshedAt, boolean stale, @Nullable String lastError,
		List<GroupLag> groups) {

	/**
	 * A snapshot before any data was fetched.
	 * @param client the client name
	 * @return an empty snapshot
	 */
	public static LagSnapshot empty(String client) {
		return new LagSnapshot(client, null, false, null, List.of());
	}

	/**
	 * One group's lag.
	 * @param groupId the group
	 * @return its lag, if the group is monitored
	 */
	public Optional<GroupLag> group(String groupId) {
		return this.groups.stream().filter((group) -> group.groupId().equals(groupId)).findFirst();
	}

	/**
	 * How old the data is.
	 * @param now the current time
	 * @return the age, or {@code null} before the first successful refresh
	 */
	public @Nullable Duration age(Instant now) {
		return (this.refreshedAt != null) ? Duration.between(this.refreshedAt, now) : null;
	}

	/**
	 * The lag of one consumer group.
	 *
	 * @param groupId the group
	 * @param status the group's status (the worst of its partitions')
	 * @param offsetLag the sum of its partitions' offset lag
	 * @param timeLagSeconds the largest of its partitions' time lag, in seconds
	 * @param partitions every partition the group has lag information for
	 */
	public record GroupLag(String groupId, LagStatus status, long offsetLag, double timeLagSeconds,
			List<PartitionLag> partitions) {

	}

	/**
	 * The lag of one consumer group on one partition.
	 *
	 * @param topic the topic
	 * @param partition the partition
	 * @param endOffset the partition's end offset (the offset of the next record to be
	 * written)
	 * @param committedOffset the group's committed offset, or {@code null} when the group has
	 * never committed on this partition; for a share group, its position: the end offset minus
	 * the records not yet acknowledged, as the broker counts them
	 * @param offsetLag end offset minus committed offset; without a commit, end offset minus
	 * the partition's earliest offset; 0 when all that lies between is transaction markers or
	 * records of aborted transactions, which the group never gets
	 * @param fromEarliest whether {@code offsetLag} counts from the earliest offset because
	 * the group has no commit on this partition
	 * @param timeLagSeconds how old the oldest unconsumed record is, in seconds, estimated
	 * from the history of end offsets; 0 when caught up
	 * @param status the partition's status
	 */
	public record PartitionLag(String topic, int partition, long endOffset, @Nullable Long committedOffset,
			long offsetLag, boolean fromEarliest, double timeLagSeconds, LagStatus status) {

	}

	/**
	 * How a consumer group, or one of its partitions, keeps up, judged over a sliding window
	 * of samples.
	 */
	public enum LagStatus {

		/**
		 * Caught up, or behind but catching up.
		 */
		OK,

		/**
		 * Lag above the threshold and not shrinking.
		 */
		LAGGING,

		/**
		 * The committed offset does not move while there is lag.
		 */
		STALLED,

		/**
		 * No commit for the whole window while records arrive.
		 */
		STOPPED,

		/**
		 * Not enough samples yet to judge.
		 */
		UNKNOWN

	}

}
