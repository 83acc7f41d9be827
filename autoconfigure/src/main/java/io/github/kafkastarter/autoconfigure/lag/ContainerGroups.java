package io.github.kafkastarter.autoconfigure.lag;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.util.StringUtils;

/**
 * The groups one client's monitor watches, asked at every refresh: the group of every
 * listener container of the client (with the topics or partitions it reads, known from its
 * configuration), the share group of every share-group container of the client, and the
 * groups listed in the settings (known by their commits only).
 * Containers created or removed at runtime are picked up at the next refresh.
 */
final class ContainerGroups implements Supplier<Map<String, WatchedGroup>> {

	private final String client;

	private final KafkaClientContainers containers;

	private final List<String> listed;

	ContainerGroups(String client, KafkaClientContainers containers, List<String> listed) {
		this.client = client;
		this.containers = containers;
		this.listed = List.copyOf(listed);
	}

	@Override
	public Map<String, WatchedGroup> get() {
		Map<String, Set<String>> topics = new TreeMap<>();
		Map<String, Set<TopicPartition>> partitions = new TreeMap<>();
		for (MessageListenerContainer container : this.containers.containers(this.client)) {
			String group = container.getGroupId();
			if (!StringUtils.hasText(group)) {
				continue;
			}
			Set<String> groupTopics = topics.computeIfAbsent(group, (key) -> new HashSet<>());
			Set<TopicPartition> groupPartitions = partitions.computeIfAbsent(group, (key) -> new HashSet<>());
			ContainerProperties properties = container.getContainerProperties();
			String[] subscribed = properties.getTopics();
			if (subscribed != null) {
				groupTopics.addAll(List.of(subscribed));
			}
			TopicPartitionOffset[] assigned = properties.getTopicPartitions();
			if (assigned != null) {
				for (TopicPartitionOffset partition : assigned) {
					groupPartitions.add(partition.getTopicPartition());
				}
			}
			// A topic pattern: the group's commits say which topics it reads.
		}
		Map<String, WatchedGroup> groups = new TreeMap<>();
		topics.forEach((group, groupTopics) -> groups.put(group,
				new WatchedGroup(Set.copyOf(groupTopics), Set.copyOf(partitions.get(group)))));
		for (MessageListenerContainer container : this.containers.shareContainers(this.client)) {
			String group = container.getGroupId();
			if (StringUtils.hasText(group)) {
				groups.putIfAbsent(group, WatchedGroup.SHARE);
			}
		}
		for (String group : this.listed) {
			if (StringUtils.hasText(group)) {
				groups.putIfAbsent(group.trim(), WatchedGroup.COMMITTED_ONLY);
			}
		}
		return groups;
	}

}
