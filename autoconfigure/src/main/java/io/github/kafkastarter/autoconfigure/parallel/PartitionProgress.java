package io.github.kafkastarter.autoconfigure.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.TopicPartition;

/**
 * The records of one partition that a parallel listener holds, in offset order, for one
 * assignment of the partition: taken but not finished, or finished but behind a record
 * that is not. The offset below which every record is finished (the watermark) is the one
 * that may be committed; records below it are released.
 * <p>
 * One consumer thread takes records (the consumer delivers a partition in offset order);
 * any worker finishes them without a lock: a record is marked finished, and whoever finds
 * the oldest held record finished moves the head over it. Only the consumer thread reads
 * the watermark and commits.
 */
final class PartitionProgress {

	static final int TAKEN = 0;

	static final int FINISHED = 1;

	static final int ABANDONED = 2;

	private final TopicPartition partition;

	private final ParallelDispatcher.ConsumerState owner;

	// Written by the consumer thread; a worker reads tail first, then ring, so that a
	// grown ring is always seen with the records it holds.
	private volatile Entry[] ring = new Entry[16];

	private volatile long tail;

	private final AtomicLong head = new AtomicLong();

	// The offset after the last record taken: the watermark once everything is finished.
	private volatile long next = -1;

	// Records finished but held behind an earlier one that is not.
	private final AtomicInteger finishedHeld = new AtomicInteger();

	// Consumer thread only.
	private long committed = -1;

	private volatile boolean revoked;

	private volatile boolean stuck;

	private volatile boolean draining;

	// Whether the consumer paused this partition because it holds too many finished
	// records behind an unfinished one.
	private volatile boolean pausedForHead;

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

	/**
	 * Takes a record, on the consumer thread.
	 * @param entry the record's entry
	 */
	void take(Entry entry) {
		long sequence = this.tail;
		Entry[] ring = this.ring;
		if (sequence - this.head.get() >= ring.length) {
			ring = grow(ring, sequence);
		}
		ring[(int) (sequence & (ring.length - 1))] = entry;
		this.next = entry.offset + 1;
		this.tail = sequence + 1;
	}

	private Entry[] grow(Entry[] ring, long tail) {
		Entry[] grown = new Entry[ring.length * 2];
		for (long sequence = this.head.get(); sequence < tail; sequence++) {
			grown[(int) (sequence & (grown.length - 1))] = ring[(int) (sequence & (ring.length - 1))];
		}
		this.ring = grown;
		return grown;
	}

	/**
	 * Marks a record finished and releases every finished record at the head.
	 * @param entry the record's entry
	 * @return how many records were released
	 */
	int finished(Entry entry) {
		entry.state = FINISHED;
		if (this.revoked) {
			// Released with the revocation already.
			return 0;
		}
		this.finishedHeld.incrementAndGet();
		int released = advance();
		if (this.draining) {
			signalDrain();
		}
		return released;
	}

	private int advance() {
		int released = 0;
		while (true) {
			long head = this.head.get();
			if (head >= this.tail) {
				break;
			}
			Entry[] ring = this.ring;
			Entry oldest = ring[(int) (head & (ring.length - 1))];
			if (oldest == null || oldest.state != FINISHED) {
				break;
			}
			if (this.head.compareAndSet(head, head + 1)) {
				released++;
			}
		}
		if (released > 0) {
			this.finishedHeld.addAndGet(-released);
		}
		return released;
	}

	/**
	 * Gives up a record without finishing it: nothing at or above it is committed by this
	 * assignment, and the partition's later records are given up too, so that its next
	 * owner processes them all again in order.
	 * @param entry the record's entry
	 */
	void abandoned(Entry entry) {
		entry.state = ABANDONED;
		this.stuck = true;
		if (this.draining) {
			signalDrain();
		}
	}

	private synchronized void signalDrain() {
		notifyAll();
	}

	/**
	 * Whether the partition's records must not be processed any more by this assignment.
	 * @return {@code true} once revoked or once a record was given up
	 */
	boolean isClosed() {
		return this.revoked || this.stuck;
	}

	/**
	 * The offset to commit if it moved since the last commit, on the consumer thread.
	 * @return the watermark, or {@code -1} if it did not move (or the partition was revoked)
	 */
	long commitDue() {
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
	void commitFailed(long offset) {
		if (this.committed == offset) {
			this.committed = -1;
		}
	}

	/**
	 * The offset below which every record taken is finished, on the consumer thread.
	 * @return the watermark, or {@code -1} before the first record
	 */
	long watermark() {
		long next = this.next;
		if (next < 0) {
			return -1;
		}
		long head = this.head.get();
		if (head >= this.tail) {
			return next;
		}
		Entry[] ring = this.ring;
		return ring[(int) (head & (ring.length - 1))].offset;
	}

	/**
	 * Waits until every record taken is finished or given up, or the deadline passes.
	 * @param deadlineNanos the deadline, in {@link System#nanoTime()} terms
	 * @return whether everything taken was finished
	 */
	boolean awaitDrained(long deadlineNanos) throws InterruptedException {
		this.draining = true;
		try {
			synchronized (this) {
				while (!drainedOrStuck()) {
					long remaining = deadlineNanos - System.nanoTime();
					if (remaining <= 0) {
						return false;
					}
					// Bounded: a worker that finished just before draining was set did not signal.
					wait(Math.max(1, Math.min(remaining / 1_000_000, 50)));
				}
			}
			return this.head.get() >= this.tail;
		}
		finally {
			this.draining = false;
		}
	}

	private boolean drainedOrStuck() {
		long head = this.head.get();
		if (head >= this.tail) {
			return true;
		}
		// An abandoned record never finishes: waiting longer cannot move the watermark.
		Entry[] ring = this.ring;
		return ring[(int) (head & (ring.length - 1))].state == ABANDONED;
	}

	/**
	 * Revokes this assignment of the partition, on the consumer thread.
	 * @return how many records it still held, released now
	 */
	int revoke() {
		this.revoked = true;
		long tail = this.tail;
		long head = this.head.getAndSet(tail);
		this.finishedHeld.set(0);
		signalDrain();
		return (int) Math.max(0, tail - head);
	}

	boolean isRevoked() {
		return this.revoked;
	}

	int held() {
		return (int) Math.max(0, this.tail - this.head.get());
	}

	int finishedHeld() {
		return this.finishedHeld.get();
	}

	boolean isPausedForHead() {
		return this.pausedForHead;
	}

	void pausedForHead(boolean paused) {
		this.pausedForHead = paused;
	}

	/**
	 * One record held: its offset and whether it is finished.
	 */
	static class Entry {

		final long offset;

		volatile int state = TAKEN;

		Entry(long offset) {
			this.offset = offset;
		}

	}

}
