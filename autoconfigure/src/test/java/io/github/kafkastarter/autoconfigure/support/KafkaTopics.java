package io.github.kafkastarter.autoconfigure.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Plain Kafka clients for tests: create topics, read a topic back from the beginning.
 */
public final class KafkaTopics {

	private KafkaTopics() {
	}

	/**
	 * Creates a topic and waits until it exists.
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

}
