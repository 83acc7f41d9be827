package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.PartitionLag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lag history the console charts: an hour of refreshes, bounded, totals only.
 */
class LagHistoryTests {

	private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

	@Test
	void keepsAnHourOfRefreshesWithinItsCap() {
		assertThat(LagHistory.capacity(Duration.ofSeconds(10))).isEqualTo(360);
		assertThat(LagHistory.capacity(Duration.ofSeconds(1))).isEqualTo(LagHistory.MAX_ENTRIES);
		assertThat(LagHistory.capacity(Duration.ofHours(2))).isEqualTo(2);
	}

	@Test
	void dropsTheOldestEntriesBeyondItsCapacity() {
		LagHistory history = new LagHistory(Duration.ofMinutes(20));
		assertThat(history.capacity()).isEqualTo(3);
		for (int i = 0; i < 5; i++) {
			history.add(snapshot(START.plusSeconds(i), i));
		}
		assertThat(history.entries()).extracting(LagSnapshot::refreshedAt)
			.containsExactly(START.plusSeconds(2), START.plusSeconds(3), START.plusSeconds(4));
	}

	@Test
	void keepsGroupTotalsWithoutPartitions() {
		LagHistory history = new LagHistory(Duration.ofSeconds(10));
		history.add(snapshot(START, 7));
		GroupLag group = history.entries().get(0).groups().get(0);
		assertThat(group.offsetLag()).isEqualTo(7);
		assertThat(group.status()).isEqualTo(LagStatus.LAGGING);
		assertThat(group.partitions()).isEmpty();
	}

	@Test
	void skipsSnapshotsWithoutNewData() {
		LagHistory history = new LagHistory(Duration.ofSeconds(10));
		history.add(LagSnapshot.empty("default"));
		history.add(snapshot(START, 1));
		// A failed refresh keeps the previous data, marked stale.
		LagSnapshot stale = snapshot(START, 1);
		history.add(new LagSnapshot("default", stale.refreshedAt(), true, "broker down", stale.groups()));
		assertThat(history.entries()).hasSize(1);
	}

	@Test
	void theMonitorRecordsWhatItPublishes() {
		AdminLagMonitor monitor = new AdminLagMonitor("default", new LagProperties(), java.util.Map::of, () -> {
			throw new IllegalStateException("no admin in this test");
		}, java.util.Map::of, () -> org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED);
		monitor.publish(snapshot(START, 3));
		monitor.publish(snapshot(START.plusSeconds(10), 0));
		assertThat(monitor.history()).extracting((snapshot) -> snapshot.groups().get(0).offsetLag())
			.containsExactly(3L, 0L);
	}

	private static LagSnapshot snapshot(Instant at, long lag) {
		PartitionLag partition = new PartitionLag("orders", 0, 10, 10 - lag, lag, false, lag, LagStatus.LAGGING);
		return new LagSnapshot("default", at, false, null,
				List.of(new GroupLag("orders-group", LagStatus.LAGGING, lag, lag, List.of(partition))));
	}

}
