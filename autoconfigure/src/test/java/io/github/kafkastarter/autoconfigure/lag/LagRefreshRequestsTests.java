package io.github.kafkastarter.autoconfigure.lag;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refresh makes the same Admin requests whatever the number of partitions and groups: one
 * for the committed offsets of all groups, one for the topics, one for all end offsets, one
 * for the earliest offsets of partitions without a commit; and the admin sends the same
 * network requests for them (Kafka's offset fetch carries many groups to one coordinator).
 */
class LagRefreshRequestsTests {

	@Test
	void adminRequestsPerRefreshDoNotGrowWithPartitions() throws Exception {
		try (LagTestKafka kafka = new LagTestKafka(TestBrokers.shared().getBrokersAsString())) {
			// The broker takes a while to create 1,000 partitions: start on them first.
			List<String> largeTopics = topics("requests-large");
			CompletableFuture<Void> large = CompletableFuture
				.runAsync(() -> createQuietly(kafka, largeTopics, 100));
			List<String> smallTopics = topics("requests-small");
			kafka.createTopics(smallTopics, 1);
			List<String> small = refreshCalls(kafka, smallTopics, 1);
			large.get(3, TimeUnit.MINUTES);
			try {
				List<String> many = refreshCalls(kafka, largeTopics, 100);
				assertThat(small).containsExactly("listConsumerGroupOffsets", "describeTopics", "listOffsets",
						"listOffsets");
				assertThat(many).isEqualTo(small);
			}
			finally {
				// Leave the shared broker as light as it was.
				kafka.admin().deleteTopics(largeTopics);
			}
		}
	}

	@Test
	void networkRequestsPerRefreshDoNotGrowWithGroups() throws Exception {
		try (LagTestKafka kafka = new LagTestKafka(TestBrokers.shared().getBrokersAsString())) {
			String topic = "requests-groups";
			kafka.createTopic(topic, 2);
			kafka.send(topic, 0, 3);
			Requests few = groupRefreshRequests(kafka, topic, "requests-few", 5);
			Requests many = groupRefreshRequests(kafka, topic, "requests-many", 100);
			System.out.printf("LAG refresh requests: 5 groups %s, 100 groups %s%n", few, many);
			assertThat(few.calls()).containsExactly("listConsumerGroupOffsets", "describeTopics", "listOffsets",
					"listOffsets");
			assertThat(many).isEqualTo(few);
		}
	}

	/**
	 * Groups that all read one topic of two partitions; the first has no commit, the others
	 * have committed on partition 0. Returns the Admin calls and the network requests of the
	 * second refresh (the first also creates the admin and finds the cluster).
	 */
	private Requests groupRefreshRequests(LagTestKafka kafka, String topic, String prefix, int count)
			throws Exception {
		Map<String, WatchedGroup> groups = new LinkedHashMap<>();
		List<KafkaFuture<Void>> commits = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String group = prefix + "-" + i;
			groups.put(group, new WatchedGroup(Set.of(topic), Set.of()));
			if (i == 1) {
				// Waits until the coordinator knows the topic; the others can then go at once.
				kafka.commit(group, Map.of(new TopicPartition(topic, 0), 1L));
			}
			else if (i > 1) {
				commits.add(kafka.admin()
					.alterConsumerGroupOffsets(group,
							Map.of(new TopicPartition(topic, 0),
									new OffsetAndMetadata(1)))
					.all());
			}
		}
		KafkaFuture.allOf(commits.toArray(KafkaFuture[]::new))
			.get(1, TimeUnit.MINUTES);
		List<String> calls = Collections.synchronizedList(new ArrayList<>());
		Map<String, Object> connection = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
		Admin admin = Admin.create(connection);
		AdminLagMonitor monitor = new AdminLagMonitor("default", new LagProperties(), () -> groups,
				() -> counting(admin, calls), () -> connection, () -> IsolationLevel.READ_UNCOMMITTED);
		try {
			monitor.refresh();
			calls.clear();
			double before = networkRequests(admin);
			monitor.refresh();
			long network = Math.round(networkRequests(admin) - before);
			LagSnapshot snapshot = monitor.snapshot();
			assertThat(snapshot.stale()).as("stale: %s", snapshot.lastError()).isFalse();
			assertThat(snapshot.groups()).hasSize(count)
				.allSatisfy((group) -> assertThat(group.partitions()).hasSize(2));
			return new Requests(List.copyOf(calls), network);
		}
		finally {
			monitor.close();
			admin.close();
		}
	}

	private static double networkRequests(Admin admin) {
		return admin.metrics()
			.entrySet()
			.stream()
			.filter((metric) -> metric.getKey().name().equals("request-total")
					&& metric.getKey().group().equals("admin-client-metrics"))
			.mapToDouble((metric) -> ((Number) metric.getValue().metricValue()).doubleValue())
			.sum();
	}

	/**
	 * What one refresh asked.
	 * @param calls the Admin calls
	 * @param network the network requests the admin sent for them
	 */
	record Requests(List<String> calls, long network) {
	}

	/**
	 * Ten groups, each reading one of the topics; the first has no commit, the others have
	 * committed on half of their partitions. Returns the Admin calls of the second refresh.
	 */
	private List<String> refreshCalls(LagTestKafka kafka, List<String> topics, int partitionsPerTopic)
			throws Exception {
		Map<String, WatchedGroup> groups = new LinkedHashMap<>();
		for (int i = 0; i < topics.size(); i++) {
			String topic = topics.get(i);
			String group = topic + "-group";
			if (i > 0) {
				Map<TopicPartition, Long> commits = new HashMap<>();
				for (int partition = 0; partition < partitionsPerTopic; partition += 2) {
					commits.put(new TopicPartition(topic, partition), 0L);
				}
				kafka.commit(group, commits);
			}
			groups.put(group, new WatchedGroup(Set.of(topic), Set.of()));
		}
		List<String> calls = Collections.synchronizedList(new ArrayList<>());
		Map<String, Object> connection = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
		Admin admin = Admin.create(connection);
		AdminLagMonitor monitor = new AdminLagMonitor("default", new LagProperties(), () -> groups,
				() -> counting(admin, calls), () -> connection, () -> IsolationLevel.READ_UNCOMMITTED);
		try {
			monitor.refresh();
			calls.clear();
			monitor.refresh();
			LagSnapshot snapshot = monitor.snapshot();
			assertThat(snapshot.stale()).as("stale: %s", snapshot.lastError()).isFalse();
			assertThat(snapshot.groups()).hasSize(10)
				.allSatisfy((group) -> assertThat(group.partitions()).hasSize(partitionsPerTopic));
			assertThat(snapshot.groups().get(0).partitions()).allSatisfy((partition) -> {
				assertThat(partition.fromEarliest()).isTrue();
				assertThat(partition.offsetLag()).isZero();
			});
			return List.copyOf(calls);
		}
		finally {
			monitor.close();
			admin.close();
		}
	}

	private static List<String> topics(String prefix) {
		List<String> topics = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			topics.add(prefix + "-" + i);
		}
		return topics;
	}

	private static void createQuietly(LagTestKafka kafka, List<String> topics, int partitions) {
		try {
			kafka.createTopics(topics, partitions);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static Admin counting(Admin admin, List<String> calls) {
		return (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] { Admin.class },
				(proxy, method, args) -> {
					if (!method.getName().equals("close")) {
						calls.add(method.getName());
					}
					try {
						return method.invoke(admin, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}
