package io.github.kafkastarter.autoconfigure.clientmetrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each window's skew counts only the records of that window: the per-partition counts only
 * grow, and a roll takes their growth.
 */
class ProducerSkewWindowTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ProducerRecordMeters meters = new ProducerRecordMeters(this.registry, "default", false, true,
			(topic) -> 4);

	@Test
	void aWindowCountsOnlyItsOwnRecords() {
		for (int i = 0; i < 100; i++) {
			this.meters.topic("orders").record(10, 0, 16_384);
		}
		this.meters.roll();
		assertThat(skew()).isCloseTo(4.0, within(1e-9));
		for (int partition = 0; partition < 4; partition++) {
			for (int i = 0; i < 25; i++) {
				this.meters.topic("orders").record(10, partition, 16_384);
			}
		}
		this.meters.roll();
		assertThat(skew()).isCloseTo(1.0, within(1e-9));
		this.meters.roll();
		assertThat(skew()).isZero();
	}

	@Test
	void aPartitionBeyondTheFirstCountsKeepsItsCountsAcrossTheGrowth() {
		this.meters.topic("wide").record(10, 1, 16_384);
		this.meters.topic("wide").record(10, 40, 16_384);
		this.meters.roll();
		// 41 partitions seen (more than the 4 the metadata reported), 2 records, 1 at most on one.
		assertThat(skewOf("wide")).isCloseTo(41 * 1.0 / 2, within(1e-9));
		this.meters.topic("wide").record(10, 40, 16_384);
		this.meters.roll();
		assertThat(skewOf("wide")).isCloseTo(41.0, within(1e-9));
	}

	private double skew() {
		return skewOf("orders");
	}

	private double skewOf(String topic) {
		return this.registry.get(ProducerRecordMeters.SKEW).tags("client", "default", "topic", topic).gauge().value();
	}

}
