package io.github.kafkastarter.benchmarks;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * An interceptor like the ones applications write: it counts what passes. The starter gets
 * it as a Spring bean (through its interceptor chain), the raw client through Kafka's own
 * {@code interceptor.classes}, so both sides do the same work and the ratio shows what the
 * starter's machinery costs.
 */
public class CountingInterceptor implements ProducerInterceptor<Object, Object>, ConsumerInterceptor<Object, Object> {

	static final LongAdder SENT = new LongAdder();

	static final LongAdder RECEIVED = new LongAdder();

	@Override
	public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
		SENT.increment();
		return record;
	}

	@Override
	public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
	}

	@Override
	public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
		RECEIVED.add(records.count());
		return records;
	}

	@Override
	public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
	}

	@Override
	public void close() {
	}

	@Override
	public void configure(Map<String, ?> configs) {
	}

}
