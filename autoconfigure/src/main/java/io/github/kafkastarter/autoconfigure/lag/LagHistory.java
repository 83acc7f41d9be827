package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;

/**
 * The last hour of a monitor's snapshots (at most {@link #MAX_ENTRIES}), for charts of lag
 * over time. Each entry keeps the groups' totals and statuses only: partitions would make
 * the history grow with the partition count times the number of refreshes.
 */
final class LagHistory {

	static final Duration SPAN = Duration.ofHours(1);

	static final int MAX_ENTRIES = 720;

	private final int capacity;

	private final Deque<LagSnapshot> entries = new ArrayDeque<>();

	LagHistory(Duration interval) {
		this.capacity = capacity(interval);
	}

	static int capacity(Duration interval) {
		long millis = Math.max(1, interval.toMillis());
		long perSpan = (SPAN.toMillis() + millis - 1) / millis;
		return (int) Math.max(2, Math.min(MAX_ENTRIES, perSpan));
	}

	int capacity() {
		return this.capacity;
	}

	/**
	 * Adds a snapshot, unless it holds no new data (before the first refresh, or a failed
	 * refresh that kept the previous data).
	 * @param snapshot the monitor's new snapshot
	 */
	synchronized void add(LagSnapshot snapshot) {
		if (snapshot.refreshedAt() == null) {
			return;
		}
		LagSnapshot last = this.entries.peekLast();
		if (last != null && Objects.equals(last.refreshedAt(), snapshot.refreshedAt())) {
			return;
		}
		List<GroupLag> totals = new ArrayList<>(snapshot.groups().size());
		for (GroupLag group : snapshot.groups()) {
			totals.add(new GroupLag(group.groupId(), group.status(), group.offsetLag(), group.timeLagSeconds(),
					List.of()));
		}
		this.entries.addLast(new LagSnapshot(snapshot.client(), snapshot.refreshedAt(), snapshot.stale(),
				snapshot.lastError(), List.copyOf(totals)));
		while (this.entries.size() > this.capacity) {
			this.entries.removeFirst();
		}
	}

	synchronized List<LagSnapshot> entries() {
		return List.copyOf(this.entries);
	}

}
