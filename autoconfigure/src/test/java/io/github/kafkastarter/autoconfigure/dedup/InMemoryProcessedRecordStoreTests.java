package io.github.kafkastarter.autoconfigure.dedup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory store: claims, marks and releases per group, bounded and expiring.
 */
class InMemoryProcessedRecordStoreTests {

	private final MutableClock clock = new MutableClock();

	private final InMemoryProcessedRecordStore store = new InMemoryProcessedRecordStore(3, Duration.ofHours(1),
			Duration.ofMinutes(5), this.clock);

	@Test
	void aRecordIsProcessedOncePerGroup() {
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		this.store.markProcessed("shop", "a");
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
		assertThat(this.store.claim("audit", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
	}

	@Test
	void aClaimedRecordIsInProgressForOthersUntilReleasedOrTakenOver() {
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.IN_PROGRESS);
		this.store.release("shop", "a");
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		this.clock.advance(Duration.ofMinutes(6));
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
	}

	@Test
	void releasingDoesNotForgetAProcessedRecord() {
		this.store.claim("shop", "a");
		this.store.markProcessed("shop", "a");
		this.store.release("shop", "a");
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
	}

	@Test
	void theOldestIdsAreForgottenBeyondTheBound() {
		for (String id : new String[] { "a", "b", "c", "d" }) {
			this.store.claim("shop", id);
			this.store.markProcessed("shop", id);
		}
		assertThat(this.store.size("shop")).isEqualTo(3);
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		assertThat(this.store.claim("shop", "d")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
	}

	@Test
	void idsExpireAfterTheRetention() {
		this.store.claim("shop", "a");
		this.store.markProcessed("shop", "a");
		this.clock.advance(Duration.ofMinutes(61));
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
	}

	static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2025-01-01T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
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
			return this.now;
		}

	}

}
