package io.github.kafkastarter.autoconfigure.errorhandling;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * What one client needs to dead-letter records: a template that sends bytes as they are,
 * missing dead-letter topics created like their sources (described through the client's
 * admin, created through its {@code KafkaAdmin}), and a consumer that reads a record's
 * original bytes back when the failed record holds deserialized objects. The template and
 * the consumer are created on first use (most applications never dead-letter anything)
 * and closed with the application.
 */
final class DeadLetterPublishing implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(DeadLetterPublishing.class);

	private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration LEADER_WAIT = Duration.ofSeconds(10);

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

	private final KafkaClient client;

	private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();

	private @Nullable DefaultKafkaProducerFactory<byte[], byte[]> producerFactory;

	private @Nullable KafkaTemplate<byte[], byte[]> template;

	private @Nullable Consumer<byte[], byte[]> reader;

	private volatile boolean closed;

	private volatile @Nullable Boolean keyUtf8;

	private volatile @Nullable Boolean valueUtf8;

	DeadLetterPublishing(KafkaClient client) {
		this.client = client;
	}

	/**
	 * The template dead letters are sent with: byte arrays in, byte arrays out, over the
	 * client's producer settings (its profile included), never transactional, without
	 * linger.
	 * @return the template
	 */
	synchronized KafkaTemplate<byte[], byte[]> template() {
		KafkaTemplate<byte[], byte[]> template = this.template;
		if (template == null) {
			Map<String, Object> configs = new HashMap<>(this.client.producerFactory().getConfigurationProperties());
			configs.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
			configs.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
			configs.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
			suffixClientId(configs, ProducerConfig.CLIENT_ID_CONFIG, "-dlt");
			// Each dead letter is awaited before the consumer moves on: a linger would only
			// add its whole length to every one.
			configs.put(ProducerConfig.LINGER_MS_CONFIG, 0);
			DefaultKafkaProducerFactory<byte[], byte[]> factory = new DefaultKafkaProducerFactory<>(configs,
					new ByteArraySerializer(), new ByteArraySerializer());
			this.producerFactory = factory;
			template = new KafkaTemplate<>(factory);
			this.template = template;
		}
		return template;
	}

	/**
	 * Makes sure a dead-letter topic exists, creating it with its source's partition count
	 * and replication factor. Failures are logged, not thrown: the broker may still create
	 * the topic on first send.
	 * @param source the source topic
	 * @param deadLetterTopic the dead-letter topic
	 */
	void ensureTopic(String source, String deadLetterTopic) {
		if (this.knownTopics.contains(deadLetterTopic)) {
			return;
		}
		synchronized (this.knownTopics) {
			if (this.knownTopics.contains(deadLetterTopic)) {
				return;
			}
			try {
				Map<String, TopicDescription> described = describe(this.client.sharedAdmin(),
						List.of(source, deadLetterTopic));
				if (!described.containsKey(deadLetterTopic)) {
					TopicDescription sourceTopic = described.get(source);
					int partitions = (sourceTopic != null) ? sourceTopic.partitions().size() : 1;
					short replication = (sourceTopic != null)
							? (short) sourceTopic.partitions().get(0).replicas().size() : (short) -1;
					NewTopic topic = (replication > 0) ? new NewTopic(deadLetterTopic, partitions, replication)
							: new NewTopic(deadLetterTopic, java.util.Optional.of(partitions),
									java.util.Optional.empty());
					// Spring Kafka's topic creation: one that another instance created
					// meanwhile is no failure.
					this.client.admin().createOrModifyTopics(topic);
					logger.info("Created dead-letter topic {} ({} partitions, replication {}) for topic {}",
							deadLetterTopic, partitions, (replication > 0) ? replication : "broker default", source);
					// The producer must know the new partitions before it sends: it would
					// otherwise pick another partition than the record's.
					awaitLeaders(this.client.sharedAdmin(), deadLetterTopic, partitions);
				}
				this.knownTopics.add(deadLetterTopic);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				logger.warn("Could not make sure dead-letter topic {} exists (for topic {} of client '{}'); "
						+ "sending to it anyway", deadLetterTopic, source, this.client.name(), ex);
			}
		}
	}

	/**
	 * Waits, briefly, until every partition of a topic just created has a leader: the
	 * recoverer sends to the failed record's own partition only if the producer's metadata
	 * already knows it, and otherwise lets the partitioner choose.
	 */
	private static void awaitLeaders(Admin admin, String topic, int partitions)
			throws InterruptedException, TimeoutException, ExecutionException {
		long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			TopicDescription description = describe(admin, List.of(topic)).get(topic);
			if (description != null && description.partitions().size() >= partitions
					&& description.partitions().stream().allMatch((partition) -> partition.leader() != null)) {
				return;
			}
			Thread.sleep(20);
		}
		logger.debug("Dead-letter topic {} has partitions without a leader after {}", topic, LEADER_WAIT);
	}

	private static Map<String, TopicDescription> describe(Admin admin, List<String> topics)
			throws InterruptedException, TimeoutException, ExecutionException {
		Map<String, TopicDescription> described = new HashMap<>();
		var futures = admin
			.describeTopics(topics, new DescribeTopicsOptions().timeoutMs((int) ADMIN_TIMEOUT.toMillis()))
			.topicNameValues();
		for (var entry : futures.entrySet()) {
			try {
				described.put(entry.getKey(), entry.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
					throw ex;
				}
			}
		}
		return described;
	}

	/**
	 * The bytes a key or value had on the wire. Byte arrays (and Kafka's byte wrappers) are
	 * the original; anything a deserializer produced is read back from its partition, so
	 * a JSON object or a string goes to the dead-letter topic exactly as it came.
	 * @param record the failed record
	 * @param key whether the key is wanted, otherwise the value
	 * @param original the record's bytes read back so far, shared between key and value
	 * @return the bytes, or {@code null} for a {@code null} key or value
	 */
	byte @Nullable [] originalBytes(ConsumerRecord<?, ?> record, boolean key, OriginalRecord original) {
		Object data = key ? record.key() : record.value();
		if (data == null) {
			return null;
		}
		if (data instanceof byte[] bytes) {
			return bytes;
		}
		if (data instanceof Bytes bytes) {
			return bytes.get();
		}
		if (data instanceof ByteBuffer buffer) {
			ByteBuffer copy = buffer.duplicate();
			byte[] bytes = new byte[copy.remaining()];
			copy.get(bytes);
			return bytes;
		}
		if (data instanceof String text && stringDeserializerUtf8(key) && text.indexOf('\uFFFD') < 0) {
			// What StringDeserializer decoded as UTF-8 without a replacement character
			// encodes back to the very same bytes: no need to read the record again.
			return text.getBytes(StandardCharsets.UTF_8);
		}
		ConsumerRecord<byte[], byte[]> read = original.get(record);
		if (read != null) {
			return key ? read.key() : read.value();
		}
		if (data instanceof String text) {
			// Gone from the partition (retention) or unreachable: the text is all we have.
			return text.getBytes(StandardCharsets.UTF_8);
		}
		throw new IllegalStateException("Cannot dead-letter " + record.topic() + "-" + record.partition() + "@"
				+ record.offset() + ": its " + (key ? "key" : "value") + " is a " + data.getClass().getName()
				+ " and its original bytes could not be read back from the partition");
	}

	private boolean stringDeserializerUtf8(boolean key) {
		Boolean utf8 = key ? this.keyUtf8 : this.valueUtf8;
		if (utf8 == null) {
			utf8 = isUtf8StringDeserializer(this.client.consumerFactory(), key);
			if (key) {
				this.keyUtf8 = utf8;
			}
			else {
				this.valueUtf8 = utf8;
			}
		}
		return utf8;
	}

	static boolean isUtf8StringDeserializer(ConsumerFactory<?, ?> factory, boolean key) {
		Map<String, Object> configs = factory.getConfigurationProperties();
		Object deserializer = key ? factory.getKeyDeserializer() : factory.getValueDeserializer();
		if (deserializer instanceof ErrorHandlingDeserializer<?>) {
			// Wrapped as an instance: the delegate is not visible; read back to be exact.
			return false;
		}
		Object configured = (deserializer != null) ? deserializer.getClass()
				: configs.get(key ? ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG
						: ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
		if (isClass(configured, ErrorHandlingDeserializer.class)) {
			configured = configs.get(key ? ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS
					: ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS);
		}
		if (!isClass(configured, StringDeserializer.class)) {
			return false;
		}
		Object encoding = configs.get(key ? "key.deserializer.encoding" : "value.deserializer.encoding");
		if (encoding == null) {
			encoding = configs.get("deserializer.encoding");
		}
		return encoding == null || "UTF-8".equalsIgnoreCase(encoding.toString())
				|| "UTF8".equalsIgnoreCase(encoding.toString());
	}

	private static boolean isClass(@Nullable Object configured, Class<?> type) {
		if (configured instanceof Class<?> configuredClass) {
			return configuredClass == type;
		}
		return configured instanceof String name && name.trim().equals(type.getName());
	}

	/**
	 * Reads one record's bytes back from its partition.
	 * @param record the record
	 * @return the record as stored, or {@code null} when it is gone or cannot be read in
	 * time
	 */
	synchronized @Nullable ConsumerRecord<byte[], byte[]> read(ConsumerRecord<?, ?> record) {
		if (this.closed) {
			return null;
		}
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		try {
			Consumer<byte[], byte[]> reader = reader();
			reader.assign(List.of(partition));
			reader.seek(partition, record.offset());
			long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
			while (System.nanoTime() < deadline) {
				ConsumerRecords<byte[], byte[]> polled = reader.poll(Duration.ofMillis(500));
				for (ConsumerRecord<byte[], byte[]> candidate : polled.records(partition)) {
					return (candidate.offset() == record.offset()) ? candidate : null;
				}
			}
			logger.warn("Could not read back {}-{}@{} within {} s", record.topic(), record.partition(),
					record.offset(), READ_TIMEOUT.toSeconds());
		}
		catch (RuntimeException ex) {
			logger.warn("Could not read back {}-{}@{}", record.topic(), record.partition(), record.offset(), ex);
		}
		return null;
	}

	private Consumer<byte[], byte[]> reader() {
		Consumer<byte[], byte[]> reader = this.reader;
		if (reader == null) {
			Map<String, Object> configs = new HashMap<>(this.client.consumerFactory().getConfigurationProperties());
			for (String key : List.of(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
					ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
					ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
					ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
					ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)) {
				configs.remove(key);
			}
			configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
			configs.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
			// A record that is gone must not be replaced by the next one silently.
			configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
			suffixClientId(configs, ConsumerConfig.CLIENT_ID_CONFIG, "-dlt-reader");
			reader = new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer());
			this.reader = reader;
		}
		return reader;
	}

	private static void suffixClientId(Map<String, Object> configs, String key, String suffix) {
		Object clientId = configs.get(key);
		if (clientId != null && !clientId.toString().isEmpty()) {
			configs.put(key, clientId + suffix);
		}
	}

	@Override
	public void close() {
		this.closed = true;
		DefaultKafkaProducerFactory<byte[], byte[]> factory;
		synchronized (this) {
			factory = this.producerFactory;
			this.producerFactory = null;
			this.template = null;
			if (this.reader != null) {
				this.reader.close(CloseOptions.timeout(Duration.ofSeconds(1)));
				this.reader = null;
			}
		}
		if (factory != null) {
			factory.destroy();
		}
	}

	/**
	 * A failed record's bytes, read back from its partition at most once for its key and
	 * value together.
	 */
	static final class OriginalRecord {

		private final DeadLetterPublishing publishing;

		private boolean read;

		private @Nullable ConsumerRecord<byte[], byte[]> record;

		OriginalRecord(DeadLetterPublishing publishing) {
			this.publishing = publishing;
		}

		@Nullable ConsumerRecord<byte[], byte[]> get(ConsumerRecord<?, ?> failed) {
			if (!this.read) {
				this.read = true;
				this.record = this.publishing.read(failed);
			}
			return this.record;
		}

	}

}
