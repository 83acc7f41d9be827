package io.github.kafkastarter.autoconfigure.latency;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Times every record a consumer receives: now minus the record's timestamp (its create time,
 * or the log append time for topics that use it), recorded in
 * {@code kafka.consumer.e2e.latency} when the consumer's poll returns it, before any
 * listener runs. Kafka instantiates it from {@code interceptor.classes}, once per consumer;
 * it learns its client's timers and its group from the consumer's configuration.
 * <p>
 * Kept cheap: one clock read per poll and one timer lookup per partition of the poll; the
 * timers are created once per group and topic and shared by the client's consumers.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class EndToEndLatencyInterceptor<K, V> implements ConsumerInterceptor<K, V> {

	/**
	 * The configuration key that carries the client's timers.
	 */
	public static final String METERS_CONFIG = "kafka.starter.e2e-latency-meters";

	/**
	 * The group tag of consumers without a group.
	 */
	static final String NO_GROUP = "none";

	private @Nullable EndToEndLatencyMeters meters;

	private String group = NO_GROUP;

	// Only the polling thread calls onConsume, so a plain map does.
	private final Map<String, Timer> timers = new HashMap<>();

	@Override
	public void configure(Map<String, ?> configs) {
		if (configs.get(METERS_CONFIG) instanceof EndToEndLatencyMeters configured) {
			this.meters = configured;
		}
		Object group = configs.get(ConsumerConfig.GROUP_ID_CONFIG);
		if (group != null && !group.toString().isEmpty()) {
			this.group = group.toString();
		}
	}

	@Override
	public ConsumerRecords<K, V> onConsume(ConsumerRecords<K, V> records) {
		EndToEndLatencyMeters meters = this.meters;
		if (meters == null || records.isEmpty()) {
			return records;
		}
		long now = System.currentTimeMillis();
		for (TopicPartition partition : records.partitions()) {
			Timer timer = this.timers.get(partition.topic());
			if (timer == null) {
				timer = meters.timer(this.group, partition.topic());
				this.timers.put(partition.topic(), timer);
			}
			List<ConsumerRecord<K, V>> received = records.records(partition);
			for (int i = 0; i < received.size(); i++) {
				long timestamp = received.get(i).timestamp();
				if (timestamp >= 0) {
					// Clocks of producer and consumer hosts differ: never below zero.
					timer.record(Math.max(0, now - timestamp), TimeUnit.MILLISECONDS);
				}
			}
		}
		return records;
	}

	@Override
	public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
	}

	@Override
	public void close() {
	}

}
