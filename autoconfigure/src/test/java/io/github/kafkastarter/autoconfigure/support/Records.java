package io.github.kafkastarter.autoconfigure.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Topics, records and offsets on a real broker, for tests.
 */
public final class Records {

	private Records() {
	}

	/**
	 * Creates a topic and waits until every partition has a leader: producing to a topic
	 * the broker is still setting up can make an idempotent producer retry in a loop.
	 * @param servers the broker
	 * @param topic the topic
	 * @param partitions the partition count
	 */
	public static void createTopic(String servers, String topic, int partitions) {
		KafkaTopics.create(servers, topic, partitions, 1, Map.of());
	}

	/**
	 * The configuration of a test producer: idempotent with one request in flight. On a
	 * loaded machine a request can time out on the client after the broker appended it;
	 * with several in flight the producer then retries a sequence the broker has already
	 * passed and is refused (OUT_OF_ORDER_SEQUENCE_NUMBER) for ever. One at a time keeps
	 * order and exactly-once writes without that trap.
	 * @param servers the broker
	 * @return the configuration
	 */
	public static Map<String, Object> producerConfig(String servers) {
		return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ProducerConfig.LINGER_MS_CONFIG, 5,
				ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1, ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
	}

	/**
	 * Sends records keyed {@code key(i)} with value {@code i}, and waits for all of them.
	 * @param servers the broker
	 * @param topic the topic
	 * @param count how many
	 * @param key the key of record i
	 */
	public static void send(String servers, String topic, int count, IntFunction<String> key) {
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(servers),
				new StringSerializer(), new StringSerializer())) {
			for (int i = 0; i < count; i++) {
				producer.send(new ProducerRecord<>(topic, key.apply(i), Integer.toString(i)));
			}
			producer.flush();
		}
	}

	/**
	 * The end offset of every partition of a topic.
	 * @param servers the broker
	 * @param topic the topic
	 * @param partitions the partition count
	 * @return end offsets
	 */
	public static Map<TopicPartition, Long> endOffsets(String servers, String topic, int partitions) {
		Map<TopicPartition, OffsetSpec> request = new HashMap<>();
		for (int p = 0; p < partitions; p++) {
			request.put(new TopicPartition(topic, p), OffsetSpec.latest());
		}
		try (Admin admin = admin(servers)) {
			Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = admin.listOffsets(request)
				.all()
				.get(30, TimeUnit.SECONDS);
			Map<TopicPartition, Long> offsets = new HashMap<>();
			result.forEach((partition, info) -> offsets.put(partition, info.offset()));
			return offsets;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A group's committed offsets.
	 * @param servers the broker
	 * @param group the group
	 * @return committed offsets by partition
	 */
	public static Map<TopicPartition, Long> committed(String servers, String group) {
		try (Admin admin = admin(servers)) {
			Map<TopicPartition, OffsetAndMetadata> result = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get(30, TimeUnit.SECONDS);
			Map<TopicPartition, Long> offsets = new HashMap<>();
			result.forEach((partition, offset) -> {
				if (offset != null) {
					offsets.put(partition, offset.offset());
				}
			});
			return offsets;
		}
		catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Stands in for the I/O a real handler waits on (an HTTP call, a database write): the
	 * waiting is the workload these tests model, not synchronisation.
	 * @param duration how long the simulated call takes
	 */
	public static void simulatedIo(Duration duration) {
		LockSupport.parkNanos(duration.toNanos());
	}

	private static Admin admin(String servers) {
		return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
	}

}
