package io.github.kafkastarter.autoconfigure.lag;

import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * A group to watch and what is known of what it reads, besides its committed offsets.
 *
 * @param topics topics it subscribes to: all their partitions are watched, those without a
 * commit counted from the earliest offset
 * @param partitions partitions it is assigned by hand, watched likewise
 * @param share whether it is a share group (KIP-932): read with {@code listShareGroupOffsets}
 * and watched on the partitions it has a start offset for (a share group starts where its
 * group config says, not necessarily at the earliest offset)
 */
record WatchedGroup(Set<String> topics, Set<TopicPartition> partitions, boolean share) {

	static final WatchedGroup COMMITTED_ONLY = new WatchedGroup(Set.of(), Set.of());

	static final WatchedGroup SHARE = new WatchedGroup(Set.of(), Set.of(), true);

	WatchedGroup(Set<String> topics, Set<TopicPartition> partitions) {
		this(topics, partitions, false);
	}

}
