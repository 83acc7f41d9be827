package io.github.kafkastarter.autoconfigure.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.kafkastarter.autoconfigure.actuate.KafkaEndpoint.ClusterDescriptor;
import io.github.kafkastarter.autoconfigure.actuate.KafkaEndpoint.TopicDescriptor;
import io.github.kafkastarter.autoconfigure.actuate.KafkaEndpoint.TopicPartitionDescriptor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.jspecify.annotations.Nullable;

/**
 * The cluster and topics of one client, as its shared admin describes them, each call
 * bounded by the endpoint's timeout.
 */
final class ConsoleTopics {

	private final Duration timeout;

	ConsoleTopics(Duration timeout) {
		this.timeout = timeout;
	}

	ClusterDescriptor describe(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
		int timeoutMs = (int) Math.min(Integer.MAX_VALUE, this.timeout.toMillis());
		DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs));
		Set<String> names = new TreeSet<>(
				await(admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs).listInternal(false)).names()));
		Map<String, TopicDescription> topics = names.isEmpty() ? Map.of()
				: await(admin.describeTopics(names, new DescribeTopicsOptions().timeoutMs(timeoutMs))
					.allTopicNames());
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
		topics.values().forEach((topic) -> topic.partitions().forEach((partition) -> {
			latest.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest());
			earliest.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.earliest());
		}));
		ListOffsetsOptions options = new ListOffsetsOptions().timeoutMs(timeoutMs);
		KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> ends = latest.isEmpty()
				? KafkaFuture.completedFuture(Map.of()) : admin.listOffsets(latest, options).all();
		KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> starts = earliest.isEmpty()
				? KafkaFuture.completedFuture(Map.of()) : admin.listOffsets(earliest, options).all();
		Map<TopicPartition, ListOffsetsResultInfo> endOffsets = await(ends);
		Map<TopicPartition, ListOffsetsResultInfo> startOffsets = await(starts);
		List<TopicDescriptor> described = new ArrayList<>();
		for (String name : names) {
			TopicDescription topic = topics.get(name);
			if (topic == null) {
				continue;
			}
			List<TopicPartitionDescriptor> partitions = new ArrayList<>();
			for (TopicPartitionInfo partition : topic.partitions()) {
				TopicPartition tp = new TopicPartition(name, partition.partition());
				partitions.add(new TopicPartitionDescriptor(partition.partition(), id(partition.leader()),
						partition.replicas().stream().map(Node::id).toList(),
						partition.isr().stream().map(Node::id).toList(), offset(startOffsets.get(tp)),
						offset(endOffsets.get(tp))));
			}
			partitions.sort(Comparator.comparingInt(TopicPartitionDescriptor::partition));
			described.add(new TopicDescriptor(name, partitions));
		}
		Node controller = await(cluster.controller());
		List<String> brokers = await(cluster.nodes()).stream()
			.sorted(Comparator.comparingInt(Node::id))
			.map(ConsoleTopics::node)
			.toList();
		return new ClusterDescriptor(await(cluster.clusterId()), (controller != null) ? node(controller) : null,
				brokers, described, null);
	}

	private static String node(Node node) {
		return node.host() + ":" + node.port() + " (id " + node.idString() + ")";
	}

	private static @Nullable Integer id(@Nullable Node node) {
		return (node != null && !node.isEmpty()) ? node.id() : null;
	}

	private static @Nullable Long offset(@Nullable ListOffsetsResultInfo info) {
		return (info != null) ? info.offset() : null;
	}

	private <T> T await(KafkaFuture<T> future) throws InterruptedException, ExecutionException, TimeoutException {
		return future.get(this.timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
	}

}
