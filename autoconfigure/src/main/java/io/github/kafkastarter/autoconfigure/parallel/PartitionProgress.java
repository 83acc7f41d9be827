package io.github.kafkastarter.autoconfigure.parallel;

import java.util.Arrays;

import org.apache.kafka.common.TopicPartition;

/**
 * The records of one partition that a parallel listener holds, in offset order, for one
 * assignment of the partition: taken but not finished, or finished but behind a record
 * that is not. The offset below which every record is finished (the watermark) is the one
 * that may be committed; records below it are released.
 * <p>
 * Records are numbered by a sequence in the order they were taken (the consumer delivers a
 * partition in offset order), and kept in a ring of primitives: what the partition holds
 * costs a {@code long} and a {@code byte} per record, whatever the record's size.
 */
final class PartitionProgress {

	private static final byte TAKEN = 0;

	private static final byte FINISHED = 1;

	private static final byte ABANDONED = 2;

	private final TopicPartition partition;

	private long[] offsets = new long[16];

	private byte[] states = new byte[16];

	// Sequence of the oldest record held (the first not finished, once the finished ones
	// at the head are released) and of the next record to take.
	private long head;

	private long tail;

	// The offset after the last record taken: the watermark once everything is finished.
	private long next = -1;

	// Records finished but held behind an earlier one that is not.
	private int finishedHeld;

	private long committed = -1;

	private boolean revoked;

	private boolean stuck;

	// Whether the consumer paused this partition because it holds too many finished
	// records behind an unfinished one. Read by workers to decide whether to wake it.
	private volatile boolean pausedForHead;

	private volatile ParallelDispatcher.ConsumerState owner;

	PartitionProgress(TopicPartition partition, ParallelDispatcher.ConsumerState owner) {
		this.partition = partition;
		this.owner = owner;
	}

	TopicPartition partition() {
		return this.partition;
	}

	ParallelDispatcher.ConsumerState owner() {
		return this.owner;
	}

	void owner(ParallelDispatcher.ConsumerState owner) {
		this.owner = owner;
	}

	/**
	 * Takes a record.
	 * @param offset its offset
	 * @return its sequence number, to finish it with
	 */
	synchronized long take(long offset) {
		long sequence = this.tail;
		if (sequence - this.head == this.offsets.length) {
			grow();
		}
		int index = index(sequence);
		this.offsets[index] = offset;
		this.states[index] = TAKEN;
		this.tail = sequence + 1;
		this.next = offset + 1;
		return sequence;
	}

	private void grow() {
		int size = this.offsets.length;
		long[] offsets = new long[size * 2];
		byte[] states = new byte[size * 2];
		for (long sequence = this.head; sequence < this.tail; sequence++) {
			int from = (int) (sequence & (size - 1));
			int to = (int) (sequence & (size * 2 - 1));
			offsets[to] = this.offsets[from];
			states[to] = this.states[from];
		}
		this.offsets = offsets;
		this.states = states;
	}

	private int index(long sequence) {
		return (int) (sequence & (this.offsets.length - 1));
	}

	/**
	 * Marks a record finished and releases every finished record at the head.
	 * @param sequence the record's sequence number
	 * @return how many records were released
	 */
	synchronized int finished(long sequence) {
		if (this.revoked) {
			// Released with the revocation already.
			return 0;
		}
		this.states[index(sequence)] = FINISHED;
		if (sequence != this.head) {
			this.finishedHeld++;
			return 0;
		}
		int released = 0;
		while (this.head < this.tail && this.states[index(this.head)] == FINISHED) {
			this.head++;
			released++;
		}
		// The record itself was not counted as held behind another.
		this.finishedHeld -= released - 1;
		if (this.head == this.tail) {
			notifyAll();
		}
		return released;
	}

	/**
	 * Gives up a record without finishing it: nothing at or above it is committed by this
	 * assignment, and the partition's later records are given up too, so that its next
	 * owner processes them all again in order.
	 * @param sequence the record's sequence number
	 */
	synchronized void abandoned(long sequence) {
		if (this.revoked) {
			return;
		}
		this.states[index(sequence)] = ABANDONED;
		this.stuck = true;
		notifyAll();
	}

	/**
	 * Whether the partition's records must not be processed any more by this assignment.
	 * @return {@code true} once revoked or once a record was given up
	 */
	synchronized boolean isClosed() {
		return this.revoked || this.stuck;
	}

	/**
	 * The offset to commit if it moved since the last commit.
	 * @return the watermark, or {@code -1} if it did not move (or the partition was revoked)
	 */
	synchronized long commitDue() {
		long watermark = watermark();
		if (this.revoked || watermark <= this.committed) {
			return -1;
		}
		this.committed = watermark;
		return watermark;
	}

	/**
	 * A commit of the given offset failed: the next {@link #commitDue()} offers it again.
	 * @param offset the offset that was not committed
	 */
	synchronized void commitFailed(long offset) {
		if (this.committed == offset) {
			this.committed = -1;
		}
	}

	synchronized long watermark() {
		if (this.next < 0) {
			return -1;
		}
		return (this.head < this.tail) ? this.offsets[index(this.head)] : this.next;
	}

	/**
	 * Waits until every record taken is finished or given up, or the deadline passes.
	 * @param deadlineNanos the deadline, in {@link System#nanoTime()} terms
	 * @return whether everything taken was finished
	 */
	synchronized boolean awaitDrained(long deadlineNanos) throws InterruptedException {
		while (!drainedOrStuck()) {
			long remaining = deadlineNanos - System.nanoTime();
			if (remaining <= 0) {
				return false;
			}
			wait(Math.max(1, remaining / 1_000_000));
		}
		return this.head == this.tail;
	}

	private boolean drainedOrStuck() {
		// An abandoned record never finishes: waiting longer cannot move the watermark.
		return this.head == this.tail || this.states[index(this.head)] == ABANDONED;
	}

	/**
	 * Revokes this assignment of the partition.
	 * @return how many records it still held, released now
	 */
	synchronized int revoke() {
		this.revoked = true;
		int held = (int) (this.tail - this.head);
		this.head = this.tail;
		this.finishedHeld = 0;
		Arrays.fill(this.states, FINISHED);
		notifyAll();
		return held;
	}

	synchronized boolean isRevoked() {
		return this.revoked;
	}

	synchronized int held() {
		return (int) (this.tail - this.head);
	}

	synchronized int finishedHeld() {
		return this.finishedHeld;
	}

	boolean isPausedForHead() {
		return this.pausedForHead;
	}

	void pausedForHead(boolean paused) {
		this.pausedForHead = paused;
	}

}
