package io.github.kafkastarter.sample;

import java.util.Map;

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
 * An interceptor that is a plain Spring bean, with its {@link MeterRegistry} injected: the
 * starter applies it to every client's producers and consumers. It counts what passes, as
 * {@code sample.records{direction=sent|received}} on {@code /actuator/metrics}.
 */
@Component
class CountingInterceptor implements ProducerInterceptor<Object, Object>, ConsumerInterceptor<Object, Object> {

	private final Counter sent;

	private final Counter received;

	CountingInterceptor(MeterRegistry registry) {
		this.sent = Counter.builder("sample.records").tag("direction", "sent").register(registry);
		this.received = Counter.builder("sample.records").tag("direction", "received").register(registry);
	}

	@Override
	public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
		this.sent.increment();
		return record;
	}

	@Override
	public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
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

	double sentCount() {
		return this.sent.count();
	}

	double receivedCount() {
		return this.received.count();
	}

}
