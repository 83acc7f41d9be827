package io.github.kafkastarter.autoconfigure.actuate;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.kafkastarter.autoconfigure.actuate.KafkaEndpoint.RecordDescriptor;
import io.github.kafkastarter.autoconfigure.actuate.KafkaEndpoint.RecordsDescriptor;
import io.github.kafkastarter.autoconfigure.actuate.KafkaEndpoint.SentRecordDescriptor;
import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * Reads the last records of a partition and sends records, for the console. Records are
 * read with a short-lived consumer of the client's connection that is assigned the
 * partition: no group, no commit, a bounded wait. Records are sent as the text typed,
 * UTF-8 encoded, by a short-lived producer of the client's producer settings without the
 * application's serializers and interceptors, which expect the application's types.
 * Neither keys nor values nor headers are ever logged.
 */
final class ConsoleRecords {

	private static final Log logger = LogFactory.getLog(ConsoleRecords.class);

	static final int DEFAULT_LIMIT = 20;

	static final int MAX_LIMIT = 100;

	/**
	 * The most bytes of a key, value or header shown; the rest is cut.
	 */
	static final int MAX_SHOWN_BYTES = 10_000;

	private final Duration timeout;

	ConsoleRecords(Duration timeout) {
		this.timeout = timeout;
	}

	RecordsDescriptor read(KafkaClient client, String topic, int partition, @Nullable Integer limit) {
		int count = (limit != null) ? Math.max(1, Math.min(MAX_LIMIT, limit)) : DEFAULT_LIMIT;
		Map<String, Object> configs = client.adminConfig();
		configs.put(ConsumerConfig.CLIENT_ID_CONFIG, client.clientId("console"));
		configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		configs.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, count);
		configs.remove(ConsumerConfig.GROUP_ID_CONFIG);
		TopicPartition tp = new TopicPartition(topic, partition);
		long deadline = System.nanoTime() + this.timeout.toNanos();
		List<RecordDescriptor> records = new ArrayList<>();
		long start;
		long end;
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(configs, new ByteArrayDeserializer(),
				new ByteArrayDeserializer())) {
			if (consumer.partitionsFor(topic, this.timeout).stream().noneMatch((info) -> info.partition() == partition)) {
				return new RecordsDescriptor(topic, partition, 0, 0, List.of(), "No partition " + partition);
			}
			consumer.assign(List.of(tp));
			long beginning = consumer.beginningOffsets(List.of(tp), this.timeout).get(tp);
			end = consumer.endOffsets(List.of(tp), this.timeout).get(tp);
			start = Math.max(beginning, end - count);
			consumer.seek(tp, start);
			// Compacted, transactional or deleted records leave gaps: read up to the end or
			// until the time is up, whichever comes first.
			while (remaining(deadline).toMillis() > 0 && consumer.position(tp, remaining(deadline)) < end) {
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(remaining(deadline))) {
					if (record.offset() < end) {
						records.add(describe(record));
					}
				}
			}
		}
		records.sort(Comparator.comparingLong(RecordDescriptor::offset).reversed());
		return new RecordsDescriptor(topic, partition, start, end, records, null);
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

	private static RecordDescriptor describe(ConsumerRecord<byte[], byte[]> record) {
		Map<String, @Nullable String> headers = new LinkedHashMap<>();
		for (Header header : record.headers()) {
			headers.put(header.key(), text(header.value()));
		}
		byte[] value = record.value();
		return new RecordDescriptor(record.offset(), Instant.ofEpochMilli(record.timestamp()).toString(),
				text(record.key()), text(value), (value != null) ? value.length : -1,
				value != null && value.length > MAX_SHOWN_BYTES, headers);
	}

	/**
	 * Bytes as text: UTF-8 when they are, otherwise Base64 prefixed {@code base64:}; cut
	 * at {@link #MAX_SHOWN_BYTES}.
	 */
	static @Nullable String text(byte @Nullable [] bytes) {
		if (bytes == null) {
			return null;
		}
		int length = Math.min(bytes.length, MAX_SHOWN_BYTES);
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes, 0, length))
				.toString();
		}
		catch (CharacterCodingException ex) {
			if (length < bytes.length) {
				// Cut in the middle of a character, maybe: the text up to it.
				String cut = new String(bytes, 0, length, StandardCharsets.UTF_8);
				if (cut.indexOf('\uFFFD') >= cut.length() - 1) {
					return cut.substring(0, cut.length() - 1);
				}
			}
			return "base64:" + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, length));
		}
	}

	SentRecordDescriptor send(KafkaClient client, String topic, @Nullable Integer partition, @Nullable String key,
			@Nullable String value, @Nullable String headers) {
		Map<String, Object> configs = client.buildProducerConfig();
		configs.put(ProducerConfig.CLIENT_ID_CONFIG, client.clientId("console"));
		configs.remove(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
		configs.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		configs.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, this.timeout.toMillis());
		List<Header> recordHeaders = new ArrayList<>();
		for (Map.Entry<String, String> header : headers(headers)) {
			recordHeaders.add(new RecordHeader(header.getKey(), header.getValue().getBytes(StandardCharsets.UTF_8)));
		}
		ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, bytes(key), bytes(value),
				recordHeaders);
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(configs, new ByteArraySerializer(),
				new ByteArraySerializer())) {
			RecordMetadata sent = producer.send(record).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			logger.info("Record sent to " + sent.topic() + "-" + sent.partition() + " offset " + sent.offset()
					+ " through the kafka actuator endpoint");
			return new SentRecordDescriptor(sent.topic(), sent.partition(), sent.offset(),
					Instant.ofEpochMilli(sent.timestamp()).toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException((ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage(),
					ex);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("No acknowledgement within " + this.timeout, ex);
		}
	}

	/**
	 * Headers given as text, one {@code name: value} a line (the endpoint's request body is
	 * flat); a name may repeat.
	 */
	static List<Map.Entry<String, String>> headers(@Nullable String text) {
		List<Map.Entry<String, String>> headers = new ArrayList<>();
		if (text != null) {
			for (String line : text.split("\\R")) {
				int colon = line.indexOf(':');
				if (colon > 0 && !line.substring(0, colon).isBlank()) {
					headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
				}
				else if (!line.isBlank()) {
					throw new IllegalArgumentException("A header is 'name: value', one a line; not '" + line + "'");
				}
			}
		}
		return headers;
	}

	private static byte @Nullable [] bytes(@Nullable String text) {
		return (text != null) ? text.getBytes(StandardCharsets.UTF_8) : null;
	}

}
