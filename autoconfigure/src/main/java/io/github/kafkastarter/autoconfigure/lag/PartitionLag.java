package io.github.kafkastarter.autoconfigure.lag;

import org.jspecify.annotations.Nullable;

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
