package io.github.kafkastarter.autoconfigure.poisonpill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Takes the records that could not be deserialized out of a batch before a batch
 * listener sees it, and hands each to the recoverer (the dead-letter topic): a batch
 * listener then only ever receives records it can read, as a record listener does.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class PoisonPillBatchInterceptor<K, V> implements BatchInterceptor<K, V> {

	private static final Logger logger = LoggerFactory.getLogger(PoisonPillBatchInterceptor.class);

	private static final LogAccessor logAccessor = new LogAccessor(PoisonPillBatchInterceptor.class);

	private final @Nullable ConsumerRecordRecoverer recoverer;

	private final boolean keys;

	private final boolean values;

	// The highest offset recovered per partition: a batch that is retried, or fetched
	// again after a seek, must not send its poison pills to the dead-letter topic twice.
	private final Map<TopicPartition, Long> recovered = new ConcurrentHashMap<>();

	PoisonPillBatchInterceptor(@Nullable ConsumerRecordRecoverer recoverer, boolean keys, boolean values) {
		this.recoverer = recoverer;
		this.keys = keys;
		this.values = values;
	}

	@Override
	public @Nullable ConsumerRecords<K, V> intercept(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
		Map<TopicPartition, List<ConsumerRecord<K, V>>> kept = null;
		for (TopicPartition partition : records.partitions()) {
			List<ConsumerRecord<K, V>> partitionRecords = records.records(partition);
			for (int i = 0; i < partitionRecords.size(); i++) {
				ConsumerRecord<K, V> record = partitionRecords.get(i);
				DeserializationException failure = failure(record);
				if (failure == null) {
					if (kept != null) {
						kept.computeIfAbsent(partition, (p) -> new ArrayList<>()).add(record);
					}
					continue;
				}
				if (kept == null) {
					// First poison pill: copy what came before it, then filter from here on.
					kept = new LinkedHashMap<>();
					for (TopicPartition earlier : records.partitions()) {
						if (earlier.equals(partition)) {
							if (i > 0) {
								kept.put(partition, new ArrayList<>(partitionRecords.subList(0, i)));
							}
							break;
						}
						kept.put(earlier, new ArrayList<>(records.records(earlier)));
					}
				}
				recover(partition, record, failure, consumer);
			}
		}
		if (kept == null) {
			return records;
		}
		kept.values().removeIf(List::isEmpty);
		return kept.isEmpty() ? null : new ConsumerRecords<>(kept, records.nextOffsets());
	}

	private @Nullable DeserializationException failure(ConsumerRecord<K, V> record) {
		// ErrorHandlingDeserializer returns null on failure: only then look at the headers.
		if (this.values && record.value() == null) {
			DeserializationException failure = SerializationUtils.getExceptionFromHeader(record,
					KafkaUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, logAccessor);
			if (failure != null) {
				return failure;
			}
		}
		if (this.keys && record.key() == null) {
			return SerializationUtils.getExceptionFromHeader(record, KafkaUtils.KEY_DESERIALIZER_EXCEPTION_HEADER,
					logAccessor);
		}
		return null;
	}

	private void recover(TopicPartition partition, ConsumerRecord<K, V> record, DeserializationException failure,
			Consumer<K, V> consumer) {
		Long done = this.recovered.get(partition);
		if (done != null && record.offset() <= done) {
			return;
		}
		if (this.recoverer instanceof ConsumerAwareRecordRecoverer aware) {
			aware.accept(record, consumer, failure);
		}
		else if (this.recoverer != null) {
			this.recoverer.accept(record, failure);
		}
		else {
			logger.error("Skipping {}-{}@{}: it cannot be deserialized", record.topic(), record.partition(),
					record.offset(), failure);
		}
		this.recovered.merge(partition, record.offset(), Math::max);
	}

}
