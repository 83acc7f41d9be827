package io.github.kafkastarter.benchmarks;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import org.springframework.stereotype.Component;

/**
 * An interceptor bean like the ones applications declare (it counts records in a
 * Micrometer counter), so the starter's numbers include its interceptor chain.
 */
@Component
class BenchmarkBeans implements ProducerInterceptor<Object, Object>, ConsumerInterceptor<Object, Object> {

	private final Counter sent;

	private final Counter received;

	final AtomicLong acknowledged = new AtomicLong();

	BenchmarkBeans(MeterRegistry registry) {
		this.sent = registry.counter("bench.records", "direction", "sent");
		this.received = registry.counter("bench.records", "direction", "received");
	}

	@Override
	public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
		this.sent.increment();
		return record;
	}

	@Override
	public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
		this.acknowledged.incrementAndGet();
	}

	@Override
	public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
		this.received.increment(records.count());
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
