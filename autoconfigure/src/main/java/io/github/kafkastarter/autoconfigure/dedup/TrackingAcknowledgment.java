package io.github.kafkastarter.autoconfigure.dedup;

import java.time.Duration;
import java.util.function.IntUnaryOperator;

import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.Acknowledgment;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The acknowledgment a deduplicated listener gets in place of the container's: it notes a
 * nack (a nacked record is delivered again, so it must not count as processed), defers an
 * acknowledgment made inside the store's own transaction until that transaction committed
 * (otherwise a crash in between would commit the offset of a record whose effects were
 * rolled back), and translates indexes into the listener's filtered batch to the batch the
 * container delivered. In the container's transaction an acknowledgment goes through at
 * once: the container commits the offset with that transaction (a Kafka one) itself.
 */
final class TrackingAcknowledgment implements Acknowledgment {

	private final Acknowledgment delegate;

	private final IntUnaryOperator index;

	private final boolean deferToCommit;

	private boolean nacked;

	private int nackIndex = -1;

	/**
	 * Create a new instance.
	 * @param delegate the container's acknowledgment
	 * @param index the index in the container's batch of an index in the listener's
	 * @param deferToCommit whether a transaction active when the listener acknowledges is
	 * the store's own, whose commit the acknowledgment waits for
	 */
	TrackingAcknowledgment(Acknowledgment delegate, IntUnaryOperator index, boolean deferToCommit) {
		this.delegate = delegate;
		this.index = index;
		this.deferToCommit = deferToCommit;
	}

	static @Nullable TrackingAcknowledgment of(@Nullable Acknowledgment acknowledgment, boolean deferToCommit) {
		return (acknowledgment != null)
				? new TrackingAcknowledgment(acknowledgment, IntUnaryOperator.identity(), deferToCommit) : null;
	}

	@Override
	public void acknowledge() {
		if (this.deferToCommit && TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					TrackingAcknowledgment.this.delegate.acknowledge();
				}

			});
		}
		else {
			this.delegate.acknowledge();
		}
	}

	@Override
	public void nack(Duration sleep) {
		this.nacked = true;
		this.nackIndex = 0;
		this.delegate.nack(sleep);
	}

	@Override
	public void acknowledge(int index) {
		this.delegate.acknowledge(this.index.applyAsInt(index));
	}

	@Override
	public void nack(int index, Duration sleep) {
		this.nacked = true;
		this.nackIndex = index;
		this.delegate.nack(this.index.applyAsInt(index), sleep);
	}

	@Override
	public boolean isOutOfOrderCommit() {
		return this.delegate.isOutOfOrderCommit();
	}

	boolean nacked() {
		return this.nacked;
	}

	/**
	 * The index of the first record the listener nacked, in its own list.
	 * @return the index, or -1
	 */
	int nackIndex() {
		return this.nackIndex;
	}

}
