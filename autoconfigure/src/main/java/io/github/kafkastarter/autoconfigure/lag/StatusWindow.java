package io.github.kafkastarter.autoconfigure.lag;


import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
/**
 * The last few samples of one group on one partition, and the status they show. Not
 * thread-safe: one refresh thread owns it.
 * <p>
 * The rules, over a full window of samples:
 * <ul>
 * <li>caught up now (no lag): {@link LagStatus#OK}, even before the window is full;</li>
 * <li>the consumed position did not move across the window although records that were
 * already there when the window began are still not consumed: {@link LagStatus#STOPPED} if
 * records kept arriving, {@link LagStatus#STALLED} if not. Requiring records older than the
 * window keeps a record that arrived just before a refresh from looking like a dead
 * consumer;</li>
 * <li>the position moves, but the lag stayed above the threshold across the window and did
 * not shrink: {@link LagStatus#LAGGING};</li>
 * <li>otherwise {@link LagStatus#OK} (behind but catching up counts as OK).</li>
 * </ul>
 * Until the window is full a partition with lag is {@link LagStatus#UNKNOWN}.
 */
final class StatusWindow {

	private final long[] endOffsets;

	private final long[] positions;

	private final long[] lags;

	private int next;

	private int count;

	StatusWindow(int size) {
		this.endOffsets = new long[size];
		this.positions = new long[size];
		this.lags = new long[size];
	}

	/**
	 * Adds a sample.
	 * @param endOffset the partition's end offset
	 * @param position the group's consumed position: its committed offset, or the earliest
	 * offset when it has none
	 * @param lag the offset lag
	 */
	void add(long endOffset, long position, long lag) {
		this.endOffsets[this.next] = endOffset;
		this.positions[this.next] = position;
		this.lags[this.next] = lag;
		this.next = (this.next + 1) % this.endOffsets.length;
		this.count = Math.min(this.count + 1, this.endOffsets.length);
	}

	LagStatus status(long laggingThreshold) {
		if (this.count == 0) {
			return LagStatus.UNKNOWN;
		}
		int size = this.endOffsets.length;
		int last = (this.next - 1 + size) % size;
		if (this.lags[last] == 0) {
			return LagStatus.OK;
		}
		if (this.count < size) {
			return LagStatus.UNKNOWN;
		}
		int first = this.next;
		boolean moved = false;
		boolean allAboveThreshold = true;
		for (int i = 0; i < size; i++) {
			moved |= this.positions[i] != this.positions[first];
			allAboveThreshold &= this.lags[i] > laggingThreshold;
		}
		if (!moved && this.positions[last] < this.endOffsets[first]) {
			return (this.endOffsets[last] > this.endOffsets[first]) ? LagStatus.STOPPED : LagStatus.STALLED;
		}
		if (moved && allAboveThreshold && this.lags[last] >= this.lags[first]) {
			return LagStatus.LAGGING;
		}
		return LagStatus.OK;
	}

}
