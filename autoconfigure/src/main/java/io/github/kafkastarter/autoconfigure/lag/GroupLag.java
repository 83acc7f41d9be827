package io.github.kafkastarter.autoconfigure.lag;

import java.util.List;

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
