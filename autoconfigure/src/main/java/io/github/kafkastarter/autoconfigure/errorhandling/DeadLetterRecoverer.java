package io.github.kafkastarter.autoconfigure.errorhandling;

import java.nio.charset.StandardCharsets;

import io.github.kafkastarter.autoconfigure.consumer.ConsumerReliabilityProperties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.KafkaUtils;

/**
 * Spring Kafka's {@link DeadLetterPublishingRecoverer}, sending the failed record's
 * original bytes: the bytes a deserializer failed on, or, when the record holds
 * deserialized objects, the bytes read back from its partition. The record goes to the
 * same partition of the dead-letter topic (created like its source when missing), with
 * its headers and Spring Kafka's {@code kafka_dlt-*} headers: exception class, cause,
 * message and stack trace, original topic, partition, offset, timestamp and consumer
 * group. The record is only committed once the dead-letter topic acknowledged it.
 */
class DeadLetterRecoverer extends DeadLetterPublishingRecoverer {

	private static final Logger log = LoggerFactory.getLogger(DeadLetterRecoverer.class);

	private final DeadLetterPublishing publishing;

	DeadLetterRecoverer(DeadLetterPublishing publishing, ConsumerReliabilityProperties.DeadLetter settings) {
		super((record) -> publishing.template(), false, (record, exception) -> {
			String topic = settings.topicFor(record.topic());
			if (settings.isCreateTopic()) {
				publishing.ensureTopic(record.topic(), topic);
			}
			return new TopicPartition(topic, record.partition());
		});
		this.publishing = publishing;
		// Spring Kafka names the group only for failures inside the listener; a record that
		// could not even be deserialized deserves it as much.
		addHeadersFunction((record, exception) -> {
			String group = KafkaUtils.getConsumerGroupId();
			if (group == null || exception instanceof ListenerExecutionFailedException) {
				return null;
			}
			return new RecordHeaders().add(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP,
					group.getBytes(StandardCharsets.UTF_8));
		});
	}

	@Override
	public void accept(ConsumerRecord<?, ?> record, @Nullable Consumer<?, ?> consumer, Exception exception) {
		super.accept(record, consumer, exception);
		log.warn("{}-{}@{} failed and was sent to its dead-letter topic: {}", record.topic(), record.partition(),
				record.offset(), rootMessage(exception));
	}

	private static String rootMessage(Throwable exception) {
		Throwable cause = exception;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

	@Override
	protected ProducerRecord<Object, Object> createProducerRecord(ConsumerRecord<?, ?> record,
			TopicPartition topicPartition, Headers headers, byte @Nullable [] key, byte @Nullable [] value) {
		DeadLetterPublishing.OriginalRecord original = new DeadLetterPublishing.OriginalRecord(this.publishing);
		byte[] keyBytes = (key != null) ? key : this.publishing.originalBytes(record, true, original);
		byte[] valueBytes = (value != null) ? value : this.publishing.originalBytes(record, false, original);
		return new ProducerRecord<>(topicPartition.topic(),
				(topicPartition.partition() < 0) ? null : topicPartition.partition(), keyBytes, valueBytes, headers);
	}

}
