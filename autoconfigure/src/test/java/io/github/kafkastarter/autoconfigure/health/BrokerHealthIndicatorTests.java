package io.github.kafkastarter.autoconfigure.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Broker health before any check, after a failed one, and when checks stop completing.
 */
class BrokerHealthIndicatorTests {

	private final MutableClock clock = new MutableClock();

	@Test
	void unknownBeforeTheFirstCheck() {
		BrokerCheck check = check(null);
		Health health = new BrokerHealthIndicator(check, this.clock).health();
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(health.getDetails()).containsEntry("reason", "The first check has not completed yet");
	}

	@Test
	void downWhenNoBrokerAnswersAndUnknownOnceTheResultIsOld() {
		Admin admin = Admin.create(Map.of("bootstrap.servers", "localhost:1"));
		BrokerCheck check = check(admin);
		try {
			check.check();
			BrokerHealthIndicator indicator = new BrokerHealthIndicator(check, this.clock);
			await().atMost(Duration.ofSeconds(30)).until(() -> indicator.health().getStatus().equals(Status.DOWN));
			assertThat(indicator.health().getDetails()).containsKeys("error", "unreachableSince", "lastCheckAge")
				.containsEntry("mode", "cluster");
			// No check completed for longer than two intervals and timeouts: no evidence.
			this.clock.advance(Duration.ofMinutes(1));
			Health stale = indicator.health();
			assertThat(stale.getStatus()).isEqualTo(Status.UNKNOWN);
			assertThat((String) stale.getDetails().get("reason")).startsWith("No check has completed for 1m");
		}
		finally {
			check.close();
			admin.close(Duration.ZERO);
		}
	}

	private BrokerCheck check(Admin admin) {
		KafkaHealthProperties.Broker settings = new KafkaHealthProperties.Broker();
		settings.setInterval(Duration.ofSeconds(2));
		settings.setTimeout(Duration.ofMillis(500));
		return new BrokerCheck("default", settings, () -> admin, List::of, () -> true, this.clock);
	}

	static final class MutableClock extends Clock {

		private final AtomicReference<Instant> offset = new AtomicReference<>(Instant.EPOCH);

		void advance(Duration duration) {
			this.offset.updateAndGet((instant) -> instant.plus(duration));
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return Instant.now().plusMillis(this.offset.get().toEpochMilli());
		}

	}

}
