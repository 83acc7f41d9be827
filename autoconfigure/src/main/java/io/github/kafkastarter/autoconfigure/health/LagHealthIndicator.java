package io.github.kafkastarter.autoconfigure.health;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.client.KafkaSecrets;
import io.github.kafkastarter.autoconfigure.health.KafkaHealthProperties.LagHealthStatus;
import io.github.kafkastarter.autoconfigure.lag.ClientLagMonitor;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.PartitionLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Lag health of one client, from its lag monitor's snapshot only (reading it never waits
 * for the broker). A group is unhealthy when the monitor finds it {@code STALLED} or
 * {@code STOPPED}, or when it is over {@code max-offsets} or {@code max-seconds}; the
 * client then reports the configured status ({@code OUT_OF_SERVICE} unless set to
 * {@code DOWN}). {@code UNKNOWN} until the monitor has data.
 */
final class LagHealthIndicator implements HealthIndicator {

	private final ClientLagMonitor monitor;

	private final KafkaHealthProperties.Lag settings;

	private final Supplier<List<String>> secrets;

	private final Clock clock;

	LagHealthIndicator(ClientLagMonitor monitor, KafkaHealthProperties.Lag settings, Supplier<List<String>> secrets,
			Clock clock) {
		this.monitor = monitor;
		this.settings = settings;
		this.secrets = secrets;
		this.clock = clock;
	}

	@Override
	public Health health() {
		LagSnapshot snapshot = this.monitor.snapshot();
		Instant now = this.clock.instant();
		if (snapshot.refreshedAt() == null) {
			Health.Builder unknown = Health.unknown().withDetail("reason", "The lag monitor has no data yet");
			if (snapshot.lastError() != null) {
				unknown.withDetail("lastError", KafkaSecrets.mask(snapshot.lastError(), this.secrets.get()));
			}
			return unknown.build();
		}
		List<String> problems = new ArrayList<>();
		Map<String, Object> groups = new LinkedHashMap<>();
		List<Ranked> partitions = new ArrayList<>();
		for (GroupLag group : snapshot.groups()) {
			String problem = problem(group);
			if (problem != null) {
				problems.add(problem);
			}
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("status", group.status().name());
			details.put("offsetLag", group.offsetLag());
			details.put("timeLagSeconds", group.timeLagSeconds());
			groups.put(group.groupId(), details);
			group.partitions().forEach((partition) -> partitions.add(new Ranked(group.groupId(), partition)));
		}
		Health.Builder health = problems.isEmpty() ? Health.up() : Health.status(unhealthyStatus());
		if (!problems.isEmpty()) {
			health.withDetail("problems", problems);
		}
		health.withDetail("groups", groups).withDetail("worstPartitions", worst(partitions));
		health.withDetail("refreshedAt", snapshot.refreshedAt().toString())
			.withDetail("age", BrokerHealthIndicator.Ages.format(snapshot.age(now)));
		if (snapshot.stale()) {
			health.withDetail("stale", true);
		}
		if (snapshot.lastError() != null) {
			health.withDetail("lastError", KafkaSecrets.mask(snapshot.lastError(), this.secrets.get()));
		}
		return health.build();
	}

	private String problem(GroupLag group) {
		if (group.status() == LagStatus.STALLED) {
			return "Group '" + group.groupId() + "' is STALLED: its committed offset does not move while it lags";
		}
		if (group.status() == LagStatus.STOPPED) {
			return "Group '" + group.groupId() + "' is STOPPED: it has not committed while records arrive";
		}
		Long maxOffsets = this.settings.getMaxOffsets();
		if (maxOffsets != null && group.offsetLag() > maxOffsets) {
			return "Group '" + group.groupId() + "' is " + group.offsetLag() + " records behind (max-offsets "
					+ maxOffsets + ")";
		}
		Long maxSeconds = this.settings.getMaxSeconds();
		if (maxSeconds != null && group.timeLagSeconds() > maxSeconds) {
			return "Group '" + group.groupId() + "' is " + Math.round(group.timeLagSeconds())
					+ " s behind (max-seconds " + maxSeconds + ")";
		}
		return null;
	}

	private Status unhealthyStatus() {
		return (this.settings.getUnhealthyStatus() == LagHealthStatus.DOWN) ? Status.DOWN : Status.OUT_OF_SERVICE;
	}

	private List<Map<String, Object>> worst(List<Ranked> partitions) {
		// Stalled and stopped partitions first, then the furthest behind.
		return partitions.stream()
			.sorted(Comparator.comparingInt((Ranked ranked) -> severity(ranked.partition().status()))
				.thenComparing((ranked) -> ranked.partition().offsetLag(), Comparator.reverseOrder())
				.thenComparing((ranked) -> ranked.partition().timeLagSeconds(), Comparator.reverseOrder()))
			.filter((ranked) -> ranked.partition().offsetLag() > 0 || severity(ranked.partition().status()) == 0)
			.limit(Math.max(0, this.settings.getWorstPartitions()))
			.map(Ranked::details)
			.toList();
	}

	private static int severity(LagStatus status) {
		return switch (status) {
			case STALLED, STOPPED -> 0;
			case LAGGING -> 1;
			default -> 2;
		};
	}

	private record Ranked(String groupId, PartitionLag partition) {

		Map<String, Object> details() {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("group", this.groupId);
			details.put("topic", this.partition.topic());
			details.put("partition", this.partition.partition());
			details.put("offsetLag", this.partition.offsetLag());
			details.put("timeLagSeconds", this.partition.timeLagSeconds());
			details.put("status", this.partition.status().name());
			return details;
		}

	}

}
