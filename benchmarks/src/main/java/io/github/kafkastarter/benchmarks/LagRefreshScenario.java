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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code lag-refresh}: one refresh of the lag monitor over 10 groups reading 10 partitions in
 * all, then over 10 groups reading 1,000 partitions (100 each); one group has no commit, the
 * others have committed on half of their partitions, a few records behind the end. Prints the Admin calls, the network
 * requests and the time of a refresh (the median of the rounds) for each:
 * {@code RESULT lag-refresh requests10=.. requests1000=.. network10=.. network1000=.. ms10=.. ms1000=..}.
 * The request counts must be equal; the time grows with the size of the responses only.
 */
final class LagRefreshScenario implements Scenario {

	@Override
	public String name() {
		return "lag-refresh";
	}

	@Override
	public List<String> run(BenchmarkContext context) throws Exception {
		Measured small = measure(context, "lag-small", 1);
		Measured large = measure(context, "lag-large", 100);
		return List.of(String.format(Locale.ROOT,
				"RESULT lag-refresh requests10=%d requests1000=%d network10=%d network1000=%d ms10=%.1f ms1000=%.1f",
				small.adminCalls, large.adminCalls, small.networkRequests, large.networkRequests, small.millis,
				large.millis));
	}

	private Measured measure(BenchmarkContext context, String prefix, int partitionsPerTopic) throws Exception {
		Map<String, Set<String>> groups = new LinkedHashMap<>();
		prepare(context.bootstrapServers(), prefix, partitionsPerTopic, groups);
		int partitions = 10 * partitionsPerTopic;
		try (LagRefreshProbe probe = new LagRefreshProbe(context.bootstrapServers(), groups)) {
			// The first refresh also creates the admin and learns the cluster, the second reads
			// once the last offsets of partitions that received nothing since the first, where
			// groups sit a few records short of the end: not counted.
			check(probe.refresh(), partitions);
			check(probe.refresh(), partitions);
			List<Double> millis = new ArrayList<>();
			LagRefreshProbe.Result last = null;
			for (int round = 1; round <= context.options().rounds(); round++) {
				last = check(probe.refresh(), partitions);
				millis.add(last.nanos() / 1e6);
				System.out.printf(Locale.ROOT, "  %d partitions, round %d: %d admin calls, %d network requests, %.1f ms%n",
						partitions, round, last.adminCalls(), last.networkRequests(), last.nanos() / 1e6);
			}
			return new Measured(last.adminCalls(), last.networkRequests(), Benchmarks.median(millis));
		}
	}

	private static LagRefreshProbe.Result check(LagRefreshProbe.Result result, int partitions) {
		if (result.error() != null || result.groups() != 10 || result.partitions() != partitions) {
			throw new IllegalStateException("The refresh did not see 10 groups over " + partitions + " partitions: "
					+ result);
		}
		return result;
	}

	private static void prepare(String bootstrapServers, String prefix, int partitionsPerTopic,
			Map<String, Set<String>> groups) throws Exception {
		List<NewTopic> topics = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			topics.add(new NewTopic(prefix + "-" + i, partitionsPerTopic, (short) 1));
			groups.put(prefix + "-group-" + i, Set.of(prefix + "-" + i));
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
			for (int i = 1; i < 10; i++) {
				Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
				for (int partition = 0; partition < partitionsPerTopic; partition += 2) {
					commits.put(new TopicPartition(prefix + "-" + i, partition), new OffsetAndMetadata(2));
				}
				admin.alterConsumerGroupOffsets(prefix + "-group-" + i, commits).all().get(1, TimeUnit.MINUTES);
			}
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

	private record Measured(int adminCalls, long networkRequests, double millis) {
	}

}
