package io.github.kafkastarter.autoconfigure.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.client.Acks;
import io.github.kafkastarter.autoconfigure.health.KafkaHealthProperties.BrokerHealthMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of one client's brokers, read from the last background check: never waits
 * for the network.
 * <ul>
 * <li>{@code UNKNOWN} before the first check has completed, or when checks stopped
 * completing;</li>
 * <li>{@code DOWN} when the brokers did not answer within the timeout, or, in
 * {@code cluster} mode for a client whose producer uses {@code acks=all}, when fewer
 * brokers are alive than the cluster's {@code min.insync.replicas} (such sends
 * fail);</li>
 * <li>{@code UP} otherwise.</li>
 * </ul>
 * Once a share listener container of the client was created, the details also say
 * whether the cluster has share groups ({@code shareGroups}); a cluster without them
 * stays {@code UP} here (the containers report it, in {@code kafkaListeners}).
 */
final class BrokerHealthIndicator implements HealthIndicator {

	private final BrokerCheck check;

	private final Clock clock;

	private final Supplier<@Nullable String> shareGroups;

	BrokerHealthIndicator(BrokerCheck check, Clock clock) {
		this(check, clock, () -> null);
	}

	BrokerHealthIndicator(BrokerCheck check, Clock clock, Supplier<@Nullable String> shareGroups) {
		this.check = check;
		this.clock = clock;
		this.shareGroups = shareGroups;
	}

	@Override
	public Health health() {
		BrokerCheckResult result = this.check.result();
		String mode = this.check.mode().name().toLowerCase(Locale.ROOT);
		if (result == null) {
			return Health.unknown()
				.withDetail("mode", mode)
				.withDetail("reason", "The first check has not completed yet")
				.build();
		}
		Instant now = this.clock.instant();
		Duration age = Duration.between(result.checkedAt(), now);
		Health.Builder health;
		if (age.compareTo(staleAfter()) > 0) {
			// Checks complete at least every interval + timeout; an older result is not
			// evidence of anything now.
			health = Health.unknown()
				.withDetail("reason", "No check has completed for " + Ages.format(age) + " (one is due every "
						+ Ages.format(this.check.interval()) + ")");
		}
		else if (!result.reachable()) {
			health = Health.down().withDetail("error", String.valueOf(result.error()));
			if (result.unreachableSince() != null) {
				health.withDetail("unreachableSince", result.unreachableSince().toString());
			}
		}
		else if (tooFewBrokers(result)) {
			health = Health.down()
				.withDetail("reason", "Only " + result.nodes() + " broker(s) alive, fewer than min.insync.replicas ("
						+ this.check.minInsyncReplicas() + "): sends with acks=all fail");
		}
		else {
			health = Health.up();
		}
		health.withDetail("mode", mode);
		if (result.reachable() && this.check.mode() == BrokerHealthMode.CLUSTER) {
			clusterDetails(health, result);
		}
		String shareGroups = this.shareGroups.get();
		if (shareGroups != null) {
			health.withDetail("shareGroups", shareGroups);
		}
		return health.withDetail("lastCheck", result.checkedAt().toString())
			.withDetail("lastCheckAge", Ages.format(age))
			.build();
	}

	private void clusterDetails(Health.Builder health, BrokerCheckResult result) {
		if (result.clusterId() != null) {
			health.withDetail("clusterId", result.clusterId());
		}
		health.withDetail("nodes", result.nodes());
		if (result.controller() != null) {
			health.withDetail("controller", result.controller());
		}
		if (!this.check.acksAll()) {
			return;
		}
		health.withDetail("acks", "all");
		Integer minInsyncReplicas = this.check.minInsyncReplicas();
		if (minInsyncReplicas != null) {
			health.withDetail("minInsyncReplicas", minInsyncReplicas);
		}
		else if (this.check.minInsyncReplicasUnreadable()) {
			health.withDetail("minInsyncReplicas", "unreadable (not allowed to describe the broker configuration)");
		}
	}

	private boolean tooFewBrokers(BrokerCheckResult result) {
		Integer minInsyncReplicas = this.check.minInsyncReplicas();
		return this.check.mode() == BrokerHealthMode.CLUSTER && minInsyncReplicas != null && this.check.acksAll()
				&& Acks.tooFewBrokers(result.nodes(), minInsyncReplicas);
	}

	private Duration staleAfter() {
		// Two full cycles of slack: a busy machine delays the scheduler, not the truth.
		return this.check.interval().plus(this.check.timeout()).multipliedBy(2).plusSeconds(5);
	}

	/**
	 * Short, human-readable ages for health details.
	 */
	static final class Ages {

		private Ages() {
		}

		static String format(@Nullable Duration duration) {
			if (duration == null) {
				return "unknown";
			}
			long millis = Math.max(0, duration.toMillis());
			if (millis < 1000) {
				return millis + "ms";
			}
			if (millis < 60_000) {
				return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
			}
			if (millis < 3_600_000) {
				return (millis / 60_000) + "m" + ((millis % 60_000) / 1000) + "s";
			}
			return (millis / 3_600_000) + "h" + ((millis % 3_600_000) / 60_000) + "m";
		}

	}

}
