package io.github.kafkastarter.autoconfigure.lag;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The age of the oldest unconsumed record, estimated from (time, end offset) samples.
 */
class EndOffsetHistoryTests {

	@Test
	void caughtUpOrEmptyHistoryMeansNoAge() {
		EndOffsetHistory history = new EndOffsetHistory();
		assertThat(history.ageOf(0, 1_000)).isZero();
		history.add(1_000, 100);
		assertThat(history.ageOf(100, 5_000)).isZero();
		assertThat(history.ageOf(150, 5_000)).isZero();
	}

	@Test
	void interpolatesWhenTheOffsetWasAppendedBetweenTwoSamples() {
		EndOffsetHistory history = new EndOffsetHistory();
		history.add(10_000, 0);
		history.add(20_000, 100);
		history.add(30_000, 200);
		// Offset 150 arrived about half-way between the second and third sample.
		assertThat(history.ageOf(150, 40_000)).isCloseTo(15_000, within(100L));
		// Offset 0, the first record after the first sample.
		assertThat(history.ageOf(0, 40_000)).isCloseTo(30_000, within(100L));
	}

	@Test
	void aRecordOlderThanTheHistoryIsAtLeastAsOldAsTheOldestSample() {
		EndOffsetHistory history = new EndOffsetHistory();
		history.add(10_000, 500);
		history.add(20_000, 600);
		assertThat(history.ageOf(42, 25_000)).isEqualTo(15_000);
	}

	@Test
	void aQuietPeriodKeepsOnlyItsFirstAndLastSample() {
		EndOffsetHistory history = new EndOffsetHistory();
		history.add(0, 10);
		for (int i = 1; i <= 100; i++) {
			history.add(i * 1_000L, 10);
		}
		assertThat(history.size()).isEqualTo(2);
		history.add(101_000, 11);
		// Offset 10 arrived in the last second, not at the start of the quiet period.
		assertThat(history.ageOf(10, 101_000)).isLessThanOrEqualTo(1_000);
	}

	@Test
	void aLongBacklogUnderSteadyLoadStaysAccurateWithinTheCapacity() {
		EndOffsetHistory history = new EndOffsetHistory(8);
		// 10 records a second for 1,000 seconds, sampled every second.
		for (int second = 0; second <= 1_000; second++) {
			history.add(second * 1_000L, second * 10L);
		}
		assertThat(history.size()).isLessThanOrEqualTo(8);
		// Offset 2,000 was appended at second 200: 800 seconds before the end.
		assertThat(history.ageOf(2_000, 1_000_000)).isCloseTo(800_000, within(1_000L));
	}

	@Test
	void keepsTheSampleBeforeTheOldestOffsetStillNeededAndDropsTheRest() {
		EndOffsetHistory history = new EndOffsetHistory();
		for (int i = 0; i < 10; i++) {
			history.add(i * 1_000L, i * 100L);
		}
		history.forgetBefore(450);
		assertThat(history.size()).isEqualTo(6);
		assertThat(history.ageOf(450, 10_000)).isCloseTo(5_500, within(100L));
	}

	@Test
	void aTruncatedLogStartsTheHistoryAgain() {
		EndOffsetHistory history = new EndOffsetHistory();
		history.add(0, 1_000);
		history.add(1_000, 2_000);
		history.add(2_000, 5);
		assertThat(history.size()).isEqualTo(1);
		assertThat(history.ageOf(0, 3_000)).isEqualTo(1_000);
	}

}
