package io.github.kafkastarter.autoconfigure.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Plain Kafka clients for tests: create topics, read a topic back from the beginning.
 */
public final class KafkaTopics {

	private KafkaTopics() {
	}

	/**
	 * Creates a topic and waits until every partition has a leader: producing to a topic
	 * the broker is still setting up can make an idempotent producer retry in a loop.
	 * @param servers the bootstrap servers
	 * @param topic the topic
	 * @param partitions the partition count
	 * @param replication the replication factor
	 * @param configs topic configuration
	 */
	public static void create(String servers, String topic, int partitions, int replication,
			Map<String, String> configs) {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
			admin.createTopics(List.of(new NewTopic(topic, partitions, (short) replication).configs(configs)))
				.all()
				.get(60, TimeUnit.SECONDS);
			await()
				.atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(50))
				// Just created: the broker may not know the topic yet.
				.ignoreExceptionsMatching((ex) -> ex instanceof ExecutionException
						&& ex.getCause() instanceof UnknownTopicOrPartitionException)
				.until(() -> admin.describeTopics(List.of(topic))
					.allTopicNames()
					.get(10, TimeUnit.SECONDS)
					.get(topic)
					.partitions()
					.stream()
					.allMatch((partition) -> partition.leader() != null && !partition.leader().isEmpty()));
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create topic " + topic, ex);
		}
	}

	/**
	 * Describes a topic.
	 * @param servers the bootstrap servers
	 * @param topic the topic
	 * @return its description
	 */
	public static TopicDescription describe(String servers, String topic) {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
			return admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not describe topic " + topic, ex);
		}
	}

	/**
	 * Reads every record of a topic, from the beginning to its end as of the call.
	 * @param servers the bootstrap servers
	 * @param topic the topic
	 * @return the records, partition by partition, in offset order
	 */
	public static List<ConsumerRecord<byte[], byte[]>> readAll(String servers, String topic) {
		Map<String, Object> configs = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(configs, new ByteArrayDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60))
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(60));
			List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
			while (!reached(consumer, end) && System.nanoTime() < deadline) {
				consumer.poll(Duration.ofMillis(500)).forEach(records::add);
			}
			return records;
		}
	}

	private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
		for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
			if (consumer.position(entry.getKey()) < entry.getValue()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Waits until a topic (created on first use, perhaps) holds at least some records.
	 * @param servers the broker
	 * @param topic the topic
	 * @param count how many records to wait for
	 * @return every record of the topic
	 */
	public static List<ConsumerRecord<byte[], byte[]>> awaitRecords(String servers, String topic, int count) {
		return await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> topicExists(servers, topic) ? KafkaTopics.readAll(servers, topic) : List.of(),
					(records) -> records.size() >= count);
	}

	private static boolean topicExists(String servers, String topic) {
		try {
			KafkaTopics.describe(servers, topic);
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	/**
	 * A header's value as text; fails when the record has no such header.
	 * @param record the record
	 * @param name the header
	 * @return its last value
	 */
	public static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		assertThat(header).as("header %s", name).isNotNull();
		return new String(header.value(), StandardCharsets.UTF_8);
	}
}
