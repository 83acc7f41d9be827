package io.github.kafkastarter.autoconfigure.clientmetrics;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;

/**
 * Measures every record a producer sends once the broker acknowledges it: its serialized
 * size (known only then, from {@link RecordMetadata#serializedKeySize()} and
 * {@link RecordMetadata#serializedValueSize()}), whether it was larger than
 * {@code batch.size}, and its partition, for the skew gauge. Kafka instantiates it from
 * {@code interceptor.classes}, once per producer; it learns its client's meters from the
 * producer's configuration. {@link #onSend} does nothing.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class ProducerRecordMetricsInterceptor<K, V> implements ProducerInterceptor<K, V> {

	/**
	 * The configuration key that carries the client's meters.
	 */
	public static final String METERS_CONFIG = "kafka.starter.producer-record-meters";

	// Kafka's default batch.size.
	private static final int DEFAULT_BATCH_SIZE = 16_384;

	private @Nullable ProducerRecordMeters meters;

	private int batchSize = DEFAULT_BATCH_SIZE;

	@Override
	public void configure(Map<String, ?> configs) {
		if (configs.get(METERS_CONFIG) instanceof ProducerRecordMeters configured) {
			this.meters = configured;
		}
		Object batchSize = configs.get(ProducerConfig.BATCH_SIZE_CONFIG);
		if (batchSize != null) {
			try {
				this.batchSize = Integer.parseInt(batchSize.toString().trim());
			}
			catch (NumberFormatException ex) {
				// Kafka's own validation reports it.
			}
		}
	}

	@Override
	public ProducerRecord<K, V> onSend(ProducerRecord<K, V> record) {
		return record;
	}

	@Override
	public void onAcknowledgement(@Nullable RecordMetadata metadata, @Nullable Exception exception) {
		ProducerRecordMeters meters = this.meters;
		if (exception != null || metadata == null || meters == null) {
			return;
		}
		int bytes = Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize());
		meters.topic(metadata.topic()).record(bytes, metadata.partition(), this.batchSize);
	}

	@Override
	public void close() {
	}

}
