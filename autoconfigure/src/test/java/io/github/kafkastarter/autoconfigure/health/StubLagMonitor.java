package io.github.kafkastarter.autoconfigure.health;

import java.time.Instant;
import java.util.List;

import io.github.kafkastarter.autoconfigure.lag.ClientLagMonitor;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.PartitionLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot;

/**
 * A lag monitor whose snapshot the test sets, standing in for the real monitor.
 */
public final class StubLagMonitor implements ClientLagMonitor {

	private final String client;

	private volatile LagSnapshot snapshot;

	public StubLagMonitor(String client) {
		this.client = client;
		this.snapshot = LagSnapshot.empty(client);
	}

	@Override
	public String client() {
		return this.client;
	}

	@Override
	public LagSnapshot snapshot() {
		return this.snapshot;
	}

	public void set(LagSnapshot snapshot) {
		this.snapshot = snapshot;
	}

	/**
	 * Reports one group with one partition.
	 * @param group the group
	 * @param status its status
	 * @param offsetLag its offset lag
	 * @param timeLagSeconds its time lag
	 */
	public void group(String group, LagStatus status, long offsetLag, double timeLagSeconds) {
		PartitionLag partition = new PartitionLag("orders", 0, 100 + offsetLag, 100L, offsetLag, false,
				timeLagSeconds, status);
		set(new LagSnapshot(this.client, Instant.now(), false, null,
				List.of(new GroupLag(group, status, offsetLag, timeLagSeconds, List.of(partition)))));
	}

}
