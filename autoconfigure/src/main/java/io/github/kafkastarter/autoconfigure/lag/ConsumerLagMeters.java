package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.PartitionLag;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import org.springframework.beans.factory.DisposableBean;

/**
 * Publishes the lag monitors' snapshots as Micrometer gauges. The gauges read values kept
 * here, updated on the monitoring thread after each refresh, so a scrape never waits for a
 * broker; gauges of groups and partitions that are no longer reported are removed then too.
 * After a failed refresh the snapshot keeps its values, and so do the gauges;
 * {@value #SNAPSHOT_AGE} tells how old they are.
 */
final class ConsumerLagMeters implements DisposableBean {

	static final String PARTITION_OFFSETS = "kafka.consumer.lag.offsets";

	static final String PARTITION_SECONDS = "kafka.consumer.lag.seconds";

	static final String GROUP_OFFSETS = "kafka.consumer.group.lag.offsets";

	static final String GROUP_SECONDS = "kafka.consumer.group.lag.seconds";

	static final String GROUP_STATUS = "kafka.consumer.group.status";

	static final String SNAPSHOT_AGE = "kafka.consumer.lag.snapshot.age";

	private static final LagStatus[] STATUSES = LagStatus.values();

	private final MeterRegistry registry;

	private final Map<String, Map<MeterKey, Registered>> byClient = new ConcurrentHashMap<>();

	private final Map<String, Gauge> ageGauges = new ConcurrentHashMap<>();

	ConsumerLagMeters(MeterRegistry registry, LagRefreshScheduler monitoring) {
		this.registry = registry;
		for (AdminLagMonitor monitor : monitoring.monitors()) {
			String client = monitor.client();
			boolean partitionTags = monitor.settings().isPartitionTags();
			this.ageGauges.put(client, Gauge.builder(SNAPSHOT_AGE, monitor, ConsumerLagMeters::ageSeconds)
				.tags("client", client)
				.baseUnit("seconds")
				.description("How old the consumer lag values are: time since the last successful refresh")
				.strongReference(true)
				.register(registry));
			monitor.addListener((snapshot) -> update(snapshot, partitionTags));
			update(monitor.snapshot(), partitionTags);
		}
	}

	private static double ageSeconds(ClientLagMonitor monitor) {
		Instant refreshedAt = monitor.snapshot().refreshedAt();
		return (refreshedAt != null) ? Duration.between(refreshedAt, Instant.now()).toMillis() / 1000.0 : Double.NaN;
	}

	/**
	 * Brings the gauges of one client in line with its snapshot.
	 * @param snapshot the snapshot
	 * @param partitionTags whether to publish partition gauges
	 */
	void update(LagSnapshot snapshot, boolean partitionTags) {
		String client = snapshot.client();
		Map<MeterKey, Double> values = new HashMap<>();
		for (GroupLag group : snapshot.groups()) {
			Tags tags = Tags.of("client", client, "group", group.groupId());
			values.put(new MeterKey(GROUP_OFFSETS, tags), (double) group.offsetLag());
			values.put(new MeterKey(GROUP_SECONDS, tags), group.timeLagSeconds());
			for (LagStatus status : STATUSES) {
				values.put(new MeterKey(GROUP_STATUS, tags.and("status", status.name())),
						(status == group.status()) ? 1.0 : 0.0);
			}
			if (partitionTags) {
				for (PartitionLag partition : group.partitions()) {
					Tags partitionTagValues = tags.and("topic", partition.topic(), "partition",
							Integer.toString(partition.partition()));
					values.put(new MeterKey(PARTITION_OFFSETS, partitionTagValues), (double) partition.offsetLag());
					values.put(new MeterKey(PARTITION_SECONDS, partitionTagValues), partition.timeLagSeconds());
				}
			}
		}
		Map<MeterKey, Registered> registered = this.byClient.computeIfAbsent(client, (key) -> new HashMap<>());
		synchronized (registered) {
			values.forEach((key, value) -> registered.computeIfAbsent(key, this::register).value = value);
			for (Iterator<Map.Entry<MeterKey, Registered>> it = registered.entrySet().iterator(); it.hasNext();) {
				Map.Entry<MeterKey, Registered> entry = it.next();
				if (!values.containsKey(entry.getKey())) {
					this.registry.remove(entry.getValue().gauge);
					it.remove();
				}
			}
		}
	}

	private Registered register(MeterKey key) {
		Registered registered = new Registered();
		Gauge.Builder<Registered> builder = Gauge.builder(key.name(), registered, (value) -> value.value)
			.tags(key.tags())
			.description(description(key.name()))
			.strongReference(true);
		if (key.name().endsWith(".seconds")) {
			builder.baseUnit("seconds");
		}
		registered.gauge = builder.register(this.registry);
		return registered;
	}

	private static String description(String name) {
		return switch (name) {
			case PARTITION_OFFSETS -> "Records of the partition the group has not consumed yet: end offset minus "
					+ "committed offset (minus the earliest offset when the group has no commit)";
			case PARTITION_SECONDS -> "Age of the oldest record of the partition the group has not consumed yet, "
					+ "estimated from the history of end offsets; 0 when caught up";
			case GROUP_OFFSETS -> "Records the group has not consumed yet, summed over its partitions";
			case GROUP_SECONDS -> "Age of the oldest record the group has not consumed yet, the largest over its "
					+ "partitions";
			case GROUP_STATUS -> "1 for the group's current status (OK, LAGGING, STALLED, STOPPED or UNKNOWN), "
					+ "0 for the others";
			default -> null;
		};
	}

	@Override
	public void destroy() {
		this.byClient.values().forEach((registered) -> {
			synchronized (registered) {
				registered.values().forEach((meter) -> this.registry.remove(meter.gauge));
				registered.clear();
			}
		});
		this.ageGauges.values().forEach(this.registry::remove);
	}

	private record MeterKey(String name, Tags tags) {
	}

	private static final class Registered {

		volatile double value;

		Meter gauge;

	}

}
