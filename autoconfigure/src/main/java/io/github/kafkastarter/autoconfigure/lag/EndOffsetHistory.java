package io.github.kafkastarter.autoconfigure.lag;

import java.util.Arrays;

/**
 * When a partition's end offset reached which value: a short, time-ordered list of (time,
 * end offset) samples, from which the time at which any offset was appended is estimated by
 * interpolation, without reading records.
 * <p>
 * The list stays short however long a consumer falls behind: a run of samples with the same
 * end offset keeps only its first and last sample, samples older than the oldest offset any
 * group still has to consume are dropped, and beyond the capacity the sample whose removal
 * changes the estimates least is dropped (under a steady load most samples lie on a straight
 * line and removing them changes nothing). Not thread-safe: one refresh thread owns it.
 */
final class EndOffsetHistory {

	static final int DEFAULT_CAPACITY = 64;

	private final int capacity;

	private long[] times;

	private long[] offsets;

	private int size;

	EndOffsetHistory() {
		this(DEFAULT_CAPACITY);
	}

	EndOffsetHistory(int capacity) {
		if (capacity < 3) {
			throw new IllegalArgumentException("capacity must be at least 3");
		}
		this.capacity = capacity;
		this.times = new long[8];
		this.offsets = new long[8];
	}

	/**
	 * Records the end offset seen at a time.
	 * @param time when it was seen, epoch milliseconds, not before the previous sample
	 * @param endOffset the end offset
	 */
	void add(long time, long endOffset) {
		if (this.size > 0 && endOffset < this.offsets[this.size - 1]) {
			// The log was truncated or the topic re-created: what we knew no longer holds.
			this.size = 0;
		}
		if (this.size >= 2 && this.offsets[this.size - 1] == endOffset && this.offsets[this.size - 2] == endOffset) {
			// Extend the plateau: its first sample says when the offset was reached, its last
			// that no record came until then.
			this.times[this.size - 1] = time;
			return;
		}
		if (this.size == this.times.length) {
			int grown = Math.min(this.capacity + 1, this.size * 2);
			this.times = Arrays.copyOf(this.times, grown);
			this.offsets = Arrays.copyOf(this.offsets, grown);
		}
		this.times[this.size] = time;
		this.offsets[this.size] = endOffset;
		this.size++;
		if (this.size > this.capacity) {
			removeLeastInformative();
		}
	}

	/**
	 * Drops the samples that no longer matter to a group that has consumed up to the given
	 * offset: those before the last sample at or below it.
	 * @param oldestNeeded the lowest offset a group still has to consume
	 */
	void forgetBefore(long oldestNeeded) {
		int keepFrom = 0;
		for (int i = 0; i < this.size; i++) {
			if (this.offsets[i] <= oldestNeeded) {
				keepFrom = i;
			}
			else {
				break;
			}
		}
		if (keepFrom > 0) {
			System.arraycopy(this.times, keepFrom, this.times, 0, this.size - keepFrom);
			System.arraycopy(this.offsets, keepFrom, this.offsets, 0, this.size - keepFrom);
			this.size -= keepFrom;
		}
	}

	/**
	 * How long ago the record at an offset was appended.
	 * @param offset the offset of the oldest record not yet consumed (the committed offset)
	 * @param now the current time, epoch milliseconds
	 * @return the age in milliseconds: 0 when the offset is at or past the end; a lower bound
	 * (the age of the oldest sample) when the offset is older than every sample
	 */
	long ageOf(long offset, long now) {
		if (this.size == 0 || offset >= this.offsets[this.size - 1]) {
			return 0;
		}
		int after = 0;
		while (this.offsets[after] <= offset) {
			after++;
		}
		if (after == 0) {
			return Math.max(0, now - this.times[0]);
		}
		int before = after - 1;
		long appendedBetween = this.offsets[after] - this.offsets[before];
		// Records between two samples arrived some time between them; assume evenly, and take
		// the middle of the record's share of the interval.
		double share = (offset - this.offsets[before] + 0.5) / appendedBetween;
		double appended = this.times[before] + share * (this.times[after] - this.times[before]);
		return Math.max(0, Math.round(now - appended));
	}

	int size() {
		return this.size;
	}

	private void removeLeastInformative() {
		int victim = 1;
		double smallestError = Double.MAX_VALUE;
		for (int i = 1; i < this.size - 1; i++) {
			double error = interpolationError(i);
			if (error < smallestError) {
				smallestError = error;
				victim = i;
			}
		}
		System.arraycopy(this.times, victim + 1, this.times, victim, this.size - victim - 1);
		System.arraycopy(this.offsets, victim + 1, this.offsets, victim, this.size - victim - 1);
		this.size--;
	}

	// How far off, in milliseconds, the time of sample i would be estimated from its
	// neighbours alone.
	private double interpolationError(int i) {
		long offsetSpan = this.offsets[i + 1] - this.offsets[i - 1];
		if (offsetSpan == 0) {
			return 0;
		}
		double estimated = this.times[i - 1]
				+ (double) (this.offsets[i] - this.offsets[i - 1]) / offsetSpan * (this.times[i + 1] - this.times[i - 1]);
		return Math.abs(estimated - this.times[i]);
	}

}
