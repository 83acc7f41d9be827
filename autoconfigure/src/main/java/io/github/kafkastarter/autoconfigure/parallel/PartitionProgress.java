package io.github.kafkastarter.autoconfigure.parallel;

import java.util.ArrayDeque;

import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.Acknowledgment;

/**
 * The records of one partition that a parallel listener accepted, in offset order, and the
 * watermark below which every one of them is finished: the offset that may be committed.
 * One instance per assignment of the partition; once revoked it never acknowledges again.
 */
final class PartitionProgress {

	private final TopicPartition partition;

	// Accepted in offset order (the consumer delivers a partition in order); the head is
	// the oldest record not finished yet.
	private final ArrayDeque<Entry> pending = new ArrayDeque<>();

	private @Nullable Acknowledgment watermarkAck;

	private long watermark = -1;

	private boolean ackDue;

	private boolean revoked;

	private boolean stuck;

	PartitionProgress(TopicPartition partition) {
		this.partition = partition;
	}

	TopicPartition partition() {
		return this.partition;
	}

	synchronized Entry accept(long offset, @Nullable Acknowledgment ack) {
		Entry entry = new Entry(offset, ack);
		this.pending.addLast(entry);
		return entry;
	}

	/**
	 * Marks a record finished and moves the watermark over every finished record at the
	 * head.
	 * @param entry the record
	 */
	synchronized void finished(Entry entry) {
		entry.finished = true;
		while (!this.pending.isEmpty() && this.pending.peekFirst().finished) {
			Entry head = this.pending.pollFirst();
			// A record handed over by the container's error path has no acknowledgment of
			// its own: the next finished record's acknowledgment covers its offset.
			if (head.ack != null) {
				this.watermarkAck = head.ack;
				this.watermark = head.offset + 1;
				this.ackDue = true;
			}
		}
		if (this.pending.isEmpty()) {
			notifyAll();
		}
	}

	/**
	 * Gives up a record without finishing it: nothing at or above it is committed by this
	 * assignment, and the partition's later records are given up too, so that its next
	 * owner processes them all again in order.
	 * @param entry the record
	 */
	synchronized void abandoned(Entry entry) {
		entry.abandoned = true;
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
	 * Acknowledges the watermark if it moved since the last time, unless the partition was
	 * revoked. Acknowledging only queues the offset; the container commits it.
	 */
	synchronized void acknowledgeWatermark() {
		if (this.ackDue && !this.revoked && this.watermarkAck != null) {
			this.ackDue = false;
			this.watermarkAck.acknowledge();
		}
	}

	/**
	 * Waits until every accepted record is finished or given up, or the deadline passes.
	 * @param deadlineNanos the deadline, in {@link System#nanoTime()} terms
	 * @return whether everything accepted was finished
	 */
	synchronized boolean awaitDrained(long deadlineNanos) throws InterruptedException {
		while (!drainedOrStuck()) {
			long remaining = deadlineNanos - System.nanoTime();
			if (remaining <= 0) {
				return false;
			}
			long millis = Math.max(1, remaining / 1_000_000);
			wait(millis);
		}
		return this.pending.isEmpty();
	}

	private boolean drainedOrStuck() {
		// An abandoned record never finishes: waiting longer cannot move the watermark.
		return this.pending.isEmpty() || this.pending.peekFirst().abandoned;
	}

	synchronized void revoke() {
		this.revoked = true;
	}

	synchronized boolean isRevoked() {
		return this.revoked;
	}

	synchronized int pendingCount() {
		return this.pending.size();
	}

	synchronized long watermark() {
		return this.watermark;
	}

	/**
	 * One accepted record.
	 */
	static final class Entry {

		final long offset;

		final @Nullable Acknowledgment ack;

		boolean finished;

		boolean abandoned;

		Entry(long offset, @Nullable Acknowledgment ack) {
			this.offset = offset;
			this.ack = ack;
		}

	}

}
