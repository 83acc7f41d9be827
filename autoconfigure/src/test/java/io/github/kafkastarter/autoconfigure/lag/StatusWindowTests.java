package io.github.kafkastarter.autoconfigure.lag;

import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status rules over a window of samples: end offset, consumed position, lag.
 */
class StatusWindowTests {

	private static final long THRESHOLD = 10;

	@Test
	void caughtUpIsOkAtOnceAndLagIsUnknownUntilTheWindowIsFull() {
		StatusWindow window = new StatusWindow(3);
		assertThat(window.status(THRESHOLD)).isEqualTo(LagStatus.UNKNOWN);
		window.add(100, 100, 0);
		assertThat(window.status(THRESHOLD)).isEqualTo(LagStatus.OK);
		window.add(200, 150, 50);
		assertThat(window.status(THRESHOLD)).isEqualTo(LagStatus.UNKNOWN);
	}

	@Test
	void positionMovingWithLagAboveTheThresholdAndGrowingIsLagging() {
		StatusWindow window = new StatusWindow(3);
		window.add(100, 50, 50);
		window.add(200, 120, 80);
		window.add(300, 180, 120);
		assertThat(window.status(THRESHOLD)).isEqualTo(LagStatus.LAGGING);
	}

	@Test
	void behindButCatchingUpIsOk() {
		StatusWindow window = new StatusWindow(3);
		window.add(100, 0, 100);
		window.add(100, 50, 50);
		window.add(110, 90, 20);
		assertThat(window.status(THRESHOLD)).isEqualTo(LagStatus.OK);
	}

	@Test
	void lagThatDipsBelowTheThresholdIsNotLagging() {
		StatusWindow window = new StatusWindow(3);
		window.add(100, 95, 5);
		window.add(200, 150, 50);
		window.add(300, 200, 100);
		assertThat(window.status(THRESHOLD)).isEqualTo(LagStatus.OK);
	}

	@Test
	void positionStuckWithAnOldBacklogAndNoNewRecordsIsStalled() {
		StatusWindow window = new StatusWindow(3);
		for (int i = 0; i < 3; i++) {
			window.add(100, 40, 60);
		}
		assertThat(window.status(THRESHOLD)).isEqualTo(LagStatus.STALLED);
	}

	@Test
	void positionStuckWhileRecordsKeepArrivingIsStopped() {
		StatusWindow window = new StatusWindow(3);
		window.add(100, 40, 60);
		window.add(150, 40, 110);
		window.add(200, 40, 160);
		assertThat(window.status(THRESHOLD)).isEqualTo(LagStatus.STOPPED);
	}

	@Test
	void aRecordThatArrivedWithinTheWindowDoesNotMakeAnIdleConsumerStopped() {
		StatusWindow window = new StatusWindow(3);
		window.add(100, 100, 0);
		window.add(100, 100, 0);
		window.add(101, 100, 1);
		assertThat(window.status(THRESHOLD)).isEqualTo(LagStatus.OK);
		// Still not consumed a full window later: stopped.
		window.add(102, 100, 2);
		window.add(103, 100, 3);
		assertThat(window.status(THRESHOLD)).isEqualTo(LagStatus.STOPPED);
	}

}
