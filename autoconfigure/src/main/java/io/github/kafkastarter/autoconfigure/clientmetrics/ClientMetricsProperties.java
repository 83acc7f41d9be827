package io.github.kafkastarter.autoconfigure.clientmetrics;

import java.time.Duration;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Kafka's own client metrics, bound to Micrometer for every client, and the starter's
 * producer meters built on them: back-pressure, record sizes and partition skew.
 */
@ConfigurationProperties("kafka.starter.client-metrics")
public class ClientMetricsProperties implements ValidatedSettings {

	/**
	 * Whether to bind the Kafka client metrics (kafka.consumer.*, kafka.producer.*) of every
	 * client's producers and consumers, tagged client (default for Spring Boot's client),
	 * when a MeterRegistry exists. Spring Boot alone binds the default client's only, without
	 * that tag; false restores that. A named client can be left out with
	 * kafka.starter.clients.<name>.client-metrics.enabled=false. The starter's producer
	 * back-pressure gauges and the kafkaProducers health are read from the same producers,
	 * and go with it.
	 */
	private boolean enabled = true;

	/**
	 * Whether to publish kafka.starter.producer.record.size, a distribution summary of the
	 * serialized size (key plus value) of every record the client's producers send, tagged
	 * client and topic. Off by default: a summary update costs about 50 ns per record on the
	 * producer's I/O thread, some 4 % of what a send costs the starter. The counter of
	 * records larger than batch.size (kafka.starter.producer.records.oversized) is there
	 * either way.
	 */
	private boolean recordSizes;

	/**
	 * Whether to publish kafka.starter.producer.partition.skew per client and topic: the
	 * busiest partition's records over the mean per partition, in the last skew window.
	 */
	private boolean partitionSkew = true;

	/**
	 * The window the partition skew is computed over; the gauge changes once per window.
	 * Applies to every client alike.
	 */
	private Duration skewWindow = Duration.ofMinutes(1);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isRecordSizes() {
		return this.recordSizes;
	}

	public void setRecordSizes(boolean recordSizes) {
		this.recordSizes = recordSizes;
	}

	public boolean isPartitionSkew() {
		return this.partitionSkew;
	}

	public void setPartitionSkew(boolean partitionSkew) {
		this.partitionSkew = partitionSkew;
	}

	public Duration getSkewWindow() {
		return this.skewWindow;
	}

	public void setSkewWindow(Duration skewWindow) {
		this.skewWindow = skewWindow;
	}

	@Override
	public void validate(String prefix) {
		ValidatedSettings.require(this.skewWindow != null && ValidatedSettings.positiveOrUnset(this.skewWindow),
				prefix + ".skew-window", this.skewWindow, "The partition skew window must be positive.",
				"Set a positive duration, for example '" + prefix + ".skew-window=1m'.");
	}

}
