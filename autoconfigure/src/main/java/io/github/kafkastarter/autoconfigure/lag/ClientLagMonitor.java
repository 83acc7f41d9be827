package io.github.kafkastarter.autoconfigure.lag;

import java.util.List;

/**
 * One client's lag monitor: watches the consumer lag of that client's groups in the
 * background (all clients' monitors are in the {@link LagMonitorRegistry}). Other features
 * (health, the actuator endpoint, metrics) read its snapshot, which never waits for the
 * broker.
 */
public interface ClientLagMonitor {

	/**
	 * The client whose groups this monitor watches.
	 * @return the client name
	 */
	String client();

	/**
	 * The latest snapshot; returns at once, whatever the broker's state.
	 * @return the snapshot, {@link LagSnapshot#empty(String) empty} before the first refresh
	 */
	LagSnapshot snapshot();

	/**
	 * The snapshots of the last hour, oldest first, for charts of lag over time: one per
	 * refresh that read new data, each with its groups' totals and statuses but without
	 * their partitions. Returns at once.
	 * @return the history; by default only the latest snapshot
	 */
	default List<LagSnapshot> history() {
		LagSnapshot snapshot = snapshot();
		return (snapshot.refreshedAt() != null) ? List.of(snapshot) : List.of();
	}

}
