package io.github.kafkastarter.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.kafkastarter.autoconfigure.lag.LagRefreshProbe;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code lag-refresh}: one refresh of the lag monitor over 10 groups reading 10 partitions in
 * all, over 10 groups reading 1,000 partitions (100 each), and over 1,000 groups reading 10
 * partitions each (100 topics of 10 partitions, 10 groups on each topic). In each, one group
 * has no commit and the others have committed on half of their partitions, a few records
 * behind the end. Prints, per case, the Admin calls, the network requests and the time of a
 * refresh (the median of the rounds, with its 95 % confidence interval):
 * {@code RESULT lag-refresh groups=.. partitions=.. calls=.. network=.. ms=.. ci95=[..] rounds=..}.
 * The request counts must be the same in every case: neither partitions nor groups add
 * requests, only bytes to the responses.
 */
final class LagRefreshScenario implements Scenario {

	@Override
	public String name() {
		return "lag-refresh";
	}

	@Override
	public List<String> run(BenchmarkContext context) throws Exception {
		List<String> results = new ArrayList<>();
		List<Measured> cases = List.of(measure(context, "lag-small", 10, 1, 1),
				measure(context, "lag-large", 10, 100, 1), measure(context, "lag-groups", 100, 10, 10));
		for (Measured measured : cases) {
			results.add(String.format(Locale.ROOT,
					"RESULT lag-refresh groups=%d partitions=%d calls=%d network=%d ms=%.1f ci95=[%.1f,%.1f] rounds=%d",
					measured.groups, measured.partitions, measured.adminCalls, measured.networkRequests,
					measured.millis.median(), measured.millis.low(), measured.millis.high(),
					measured.millis.rounds()));
		}
		if (cases.stream().map((measured) -> measured.adminCalls + "/" + measured.networkRequests).distinct().count() > 1) {
			results.add("INFO lag-refresh: the requests of a refresh grew with groups or partitions");
		}
		return results;
	}

	private Measured measure(BenchmarkContext context, String prefix, int topics, int partitionsPerTopic,
			int groupsPerTopic) throws Exception {
		Map<String, Set<String>> groups = new LinkedHashMap<>();
		prepare(context.bootstrapServers(), prefix, topics, partitionsPerTopic, groupsPerTopic, groups);
		int groupPartitions = groups.size() * partitionsPerTopic;
		try (LagRefreshProbe probe = new LagRefreshProbe(context.bootstrapServers(), groups)) {
			// The first refresh also creates the admin and learns the cluster, the second reads
			// once the last offsets of partitions that received nothing since the first, where
			// groups sit a few records short of the end: not counted.
			check(probe.refresh(), groups.size(), groupPartitions);
			check(probe.refresh(), groups.size(), groupPartitions);
			List<Double> millis = new ArrayList<>();
			LagRefreshProbe.Result last = null;
			for (int round = 1; round <= context.options().rounds(); round++) {
				last = check(probe.refresh(), groups.size(), groupPartitions);
				millis.add(last.nanos() / 1e6);
				System.out.printf(Locale.ROOT,
						"  %d groups over %d partitions, round %d: %d admin calls, %d network requests, %.1f ms%n",
						groups.size(), groupPartitions, round, last.adminCalls(), last.networkRequests(),
						last.nanos() / 1e6);
			}
			return new Measured(groups.size(), groupPartitions, last.adminCalls(), last.networkRequests(),
					Benchmarks.Estimate.of(millis));
		}
	}

	private static LagRefreshProbe.Result check(LagRefreshProbe.Result result, int groups, int partitions) {
		if (result.error() != null || result.groups() != groups || result.partitions() != partitions) {
			throw new IllegalStateException(
					"The refresh did not see " + groups + " groups over " + partitions + " partitions: " + result);
		}
		return result;
	}

	private static void prepare(String bootstrapServers, String prefix, int topicCount, int partitionsPerTopic,
			int groupsPerTopic, Map<String, Set<String>> groups) throws Exception {
		List<NewTopic> topics = new ArrayList<>();
		for (int i = 0; i < topicCount; i++) {
			String topic = prefix + "-" + i;
			topics.add(new NewTopic(topic, partitionsPerTopic, (short) 1));
			for (int g = 0; g < groupsPerTopic; g++) {
				groups.put((groupsPerTopic == 1) ? prefix + "-group-" + i : prefix + "-group-" + i + "-" + g,
						Set.of(topic));
			}
		}
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			admin.createTopics(topics).all().get(5, TimeUnit.MINUTES);
			Map<TopicPartition, OffsetSpec> all = new HashMap<>();
			topics.forEach((topic) -> {
				for (int partition = 0; partition < partitionsPerTopic; partition++) {
					all.put(new TopicPartition(topic.name(), partition), OffsetSpec.latest());
				}
			});
			awaitReady(admin, all);
			produce(bootstrapServers, all.keySet(), 5);
			// The first group has no commit (its lag counts from the earliest offsets).
			List<KafkaFuture<Void>> commits = new ArrayList<>();
			boolean first = true;
			for (Map.Entry<String, Set<String>> group : groups.entrySet()) {
				if (first) {
					first = false;
					continue;
				}
				String topic = group.getValue().iterator().next();
				Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
				for (int partition = 0; partition < partitionsPerTopic; partition += 2) {
					offsets.put(new TopicPartition(topic, partition), new OffsetAndMetadata(2));
				}
				commits.add(admin.alterConsumerGroupOffsets(group.getKey(), offsets).all());
			}
			KafkaFuture.allOf(commits.toArray(KafkaFuture[]::new)).get(5, TimeUnit.MINUTES);
		}
	}

	// The broker creates the partitions' logs a while after the topics are created: wait
	// until the topics are known and every partition answers.
	private static void awaitReady(Admin admin, Map<TopicPartition, OffsetSpec> partitions) throws Exception {
		Set<String> topics = new java.util.HashSet<>();
		partitions.keySet().forEach((partition) -> topics.add(partition.topic()));
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
		while (true) {
			try {
				admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
				admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs(2000)).all().get(5, TimeUnit.SECONDS);
				return;
			}
			catch (Exception ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(200);
			}
		}
	}

	private static void produce(String bootstrapServers, Iterable<TopicPartition> partitions, int perPartition) {
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 5),
				new ByteArraySerializer(), new ByteArraySerializer())) {
			for (TopicPartition partition : partitions) {
				for (int i = 0; i < perPartition; i++) {
					producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), null, new byte[10]));
				}
			}
			producer.flush();
		}
	}

	private record Measured(int groups, int partitions, int adminCalls, long networkRequests,
			Benchmarks.Estimate millis) {
	}

}
