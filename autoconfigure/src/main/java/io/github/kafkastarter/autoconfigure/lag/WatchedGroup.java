package io.github.kafkastarter.autoconfigure.lag;

import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * A group to watch and what is known of what it reads, besides its committed offsets.
 *
 * @param topics topics it subscribes to: all their partitions are watched, those without a
 * commit counted from the earliest offset
 * @param partitions partitions it is assigned by hand, watched likewise
 */
record WatchedGroup(Set<String> topics, Set<TopicPartition> partitions) {

	static final WatchedGroup COMMITTED_ONLY = new WatchedGroup(Set.of(), Set.of());

}
