package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import static org.awaitility.Awaitility.await;

/**
 * Topics, records and commits on a real broker, for the lag tests.
 */
final class LagTestKafka implements AutoCloseable {

	private final String bootstrapServers;

	private final Admin admin;

	private final KafkaProducer<String, String> producer;

	private final ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "lag-test-load");
		thread.setDaemon(true);
		return thread;
	});

	/** Create time of each record sent, by partition and offset. */
	final Map<TopicPartition, Map<Long, Long>> timestamps = new ConcurrentHashMap<>();

	LagTestKafka(String bootstrapServers) {
		this.bootstrapServers = bootstrapServers;
		this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
		this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer());
	}

	String bootstrapServers() {
		return this.bootstrapServers;
	}

	Admin admin() {
		return this.admin;
	}

	void createTopic(String topic, int partitions) throws Exception {
		createTopics(List.of(topic), partitions);
	}

	void createTopics(List<String> topics, int partitions) throws Exception {
		this.admin.createTopics(topics.stream().map((topic) -> new NewTopic(topic, partitions, (short) 1)).toList())
			.all()
			.get(60, TimeUnit.SECONDS);
		// Created is not ready: the broker creates the partitions' logs after the controller
		// committed the topic; wait until every partition answers.
		Map<TopicPartition, OffsetSpec> all = new HashMap<>();
		topics.forEach((topic) -> {
			for (int partition = 0; partition < partitions; partition++) {
				all.put(new TopicPartition(topic, partition), OffsetSpec.latest());
			}
		});
		await().atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(200))
			.ignoreExceptions()
			.untilAsserted(() -> this.admin.listOffsets(all, new ListOffsetsOptions().timeoutMs(1000))
				.all()
				.get(2, TimeUnit.SECONDS));
	}

	/**
	 * Sends records to one partition and waits until they are written.
	 */
	void send(String topic, int partition, int count) throws Exception {
		for (int i = 0; i < count; i++) {
			sendOne(topic, partition);
		}
		this.producer.flush();
	}

	private void sendOne(String topic, int partition) {
		this.producer.send(new ProducerRecord<>(topic, partition, "key", "value"), (metadata, exception) -> {
			if (exception == null) {
				this.timestamps.computeIfAbsent(new TopicPartition(topic, partition), (key) -> new ConcurrentHashMap<>())
					.put(metadata.offset(), metadata.timestamp());
			}
		});
	}

	/**
	 * Keeps sending one record to a partition at a fixed rate until {@link #stopLoad()}.
	 */
	void startLoad(String topic, int partition, Duration every) {
		this.load.scheduleAtFixedRate(() -> sendOne(topic, partition), 0, every.toMillis(), TimeUnit.MILLISECONDS);
	}

	void stopLoad() throws InterruptedException {
		this.load.shutdownNow();
		this.load.awaitTermination(10, TimeUnit.SECONDS);
		this.producer.flush();
	}

	/**
	 * Commits offsets for a group no application consumer runs in.
	 */
	void commit(String group, Map<TopicPartition, Long> offsets) throws Exception {
		Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
		offsets.forEach((partition, offset) -> commits.put(partition, new OffsetAndMetadata(offset)));
		// A topic just created may not be known to the group coordinator yet.
		await().atMost(Duration.ofSeconds(60))
			.ignoreExceptions()
			.untilAsserted(() -> this.admin.alterConsumerGroupOffsets(group, commits).all().get(30, TimeUnit.SECONDS));
	}

	/**
	 * Reads the first records of a partition as a plain consumer of a group would, and
	 * commits after the last one read.
	 */
	void consumeAndCommit(String group, TopicPartition partition, int count) {
		Map<String, Object> configs = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers,
				ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
				ConsumerConfig.MAX_POLL_RECORDS_CONFIG, count);
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(configs, new StringDeserializer(),
				new StringDeserializer())) {
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			int read = 0;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (read < count && System.nanoTime() < deadline) {
				read += consumer.poll(Duration.ofMillis(200)).count();
			}
			if (read != count) {
				throw new IllegalStateException("Read " + read + " records of " + partition + ", expected " + count);
			}
			consumer.commitSync();
		}
	}

	@Override
	public void close() {
		this.load.shutdownNow();
		this.producer.close(Duration.ofSeconds(5));
		this.admin.close(Duration.ofSeconds(5));
	}

}
