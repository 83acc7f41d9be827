package io.github.kafkastarter.autoconfigure.lag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.PartitionLag;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One refresh's offsets turned into group lag, and the state kept between refreshes.
 */
class LagCalculatorTests {

	private static final TopicPartition P0 = new TopicPartition("orders", 0);

	private static final TopicPartition P1 = new TopicPartition("orders", 1);

	@Test
	void groupLagSumsOffsetsTakesTheOldestRecordAndTheWorstStatus() {
		LagCalculator calculator = new LagCalculator(2, 0);
		Map<String, SortedSet<TopicPartition>> groups = Map.of("billing", partitions(P0, P1));
		calculator.update(1_000, new LinkedHashMap<>(groups), Map.of("billing", Map.of(P0, 10L)),
				Map.of(P0, 10L, P1, 5L), Map.of(P1, 0L), Map.of());
		List<GroupLag> lags = calculator.update(11_000, new LinkedHashMap<>(groups), Map.of("billing", Map.of(P0, 10L)),
				Map.of(P0, 20L, P1, 5L), Map.of(P1, 0L), Map.of());
		GroupLag billing = lags.get(0);
		assertThat(billing.partitions()).containsExactly(
				// Offset 10 came early in the last interval; all of the window's arrivals.
				new PartitionLag("orders", 0, 20, 10L, 10, false, 9.5, LagStatus.OK),
				// No commit: from the earliest offset, at least as old as the first sample.
				new PartitionLag("orders", 1, 5, null, 5, true, 10.0, LagStatus.STALLED));
		assertThat(billing.offsetLag()).isEqualTo(15);
		assertThat(billing.timeLagSeconds()).isEqualTo(10.0);
		assertThat(billing.status()).isEqualTo(LagStatus.STALLED);
	}

	@Test
	void aGroupWithNothingLeftItCouldReadHasNoLagWhileOneBeforeItsLastRecordHas() {
		LagCalculator calculator = new LagCalculator(2, 0);
		Map<String, SortedSet<TopicPartition>> groups = new LinkedHashMap<>();
		groups.put("caught-up", partitions(P0));
		groups.put("behind", partitions(P0));
		Map<String, Map<TopicPartition, Long>> committed = Map.of("caught-up", Map.of(P0, 10L), "behind",
				Map.of(P0, 8L));
		// Offset 10 is the commit marker of the transaction that wrote offsets up to 9.
		List<GroupLag> lags = null;
		for (long time = 1_000; time <= 3_000; time += 1_000) {
			lags = calculator.update(time, new LinkedHashMap<>(groups), committed, Map.of(P0, 11L), Map.of(),
					Map.of(P0, 10L));
		}
		assertThat(lags.get(0).partitions())
			.containsExactly(new PartitionLag("orders", 0, 11, 10L, 0, false, 0.0, LagStatus.OK));
		assertThat(lags.get(0).status()).isEqualTo(LagStatus.OK);
		assertThat(lags.get(1).partitions()).singleElement().satisfies((partition) -> {
			assertThat(partition.offsetLag()).isEqualTo(3);
			assertThat(partition.status()).isEqualTo(LagStatus.STALLED);
		});
	}

	@Test
	void aGroupThatCouldNotBeReadIsUnknownAndAGroupWithoutPartitionsToo() {
		LagCalculator calculator = new LagCalculator(2, 0);
		Map<String, SortedSet<TopicPartition>> groups = new LinkedHashMap<>();
		groups.put("forbidden", null);
		groups.put("empty", partitions());
		assertThat(calculator.update(1_000, groups, Map.of("empty", Map.of()), Map.of(), Map.of(), Map.of()))
			.containsExactly(new GroupLag("forbidden", LagStatus.UNKNOWN, 0, 0, List.of()),
					new GroupLag("empty", LagStatus.UNKNOWN, 0, 0, List.of()));
	}

	@Test
	void nothingIsKeptForPartitionsNoLongerWatched() {
		LagCalculator calculator = new LagCalculator(3, 0);
		Map<String, SortedSet<TopicPartition>> both = Map.of("billing", partitions(P0, P1));
		for (int i = 0; i < 5; i++) {
			calculator.update(i * 1_000L, new LinkedHashMap<>(both), Map.of("billing", Map.of(P0, 0L, P1, 0L)),
					Map.of(P0, i * 10L, P1, i * 10L), Map.of(), Map.of());
		}
		int withBoth = calculator.historySamples();
		calculator.update(5_000, new LinkedHashMap<>(Map.of("billing", partitions(P0))),
				Map.of("billing", Map.of(P0, 0L)), Map.of(P0, 50L), Map.of(), Map.of());
		assertThat(calculator.historySamples()).isLessThan(withBoth);
		calculator.clear();
		assertThat(calculator.historySamples()).isZero();
	}

	private static SortedSet<TopicPartition> partitions(TopicPartition... partitions) {
		SortedSet<TopicPartition> set = new TreeSet<>(LagCalculator.PARTITION_ORDER);
		set.addAll(List.of(partitions));
		return set;
	}

}
