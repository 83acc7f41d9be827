package io.github.kafkastarter.autoconfigure.dedup;

import io.github.kafkastarter.autoconfigure.dedup.Deduplication.RecordDeduplicator;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.AcknowledgingConsumerAwareMessageListener;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.adapter.AbstractDelegatingMessageListenerAdapter;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs a record listener once per record id: a record processed already is skipped (and
 * acknowledged, for a manual-ack listener), one that another consumer is processing waits
 * ({@link RecordInProgressException}), any other is claimed, processed, and marked
 * processed only once the listener returned, all as one unit of the store (one database
 * transaction with the JDBC store). In its container's transaction (a Kafka one) the
 * listener runs in that transaction, and its record is marked when that one commits.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class DeduplicatingMessageListener<K, V> extends AbstractDelegatingMessageListenerAdapter<MessageListener<K, V>>
		implements AcknowledgingConsumerAwareMessageListener<K, V> {

	private final RecordDeduplicator deduplicator;

	DeduplicatingMessageListener(MessageListener<K, V> delegate, RecordDeduplicator deduplicator) {
		super(delegate);
		this.deduplicator = deduplicator;
	}

	@Override
	public void onMessage(ConsumerRecord<K, V> record, @Nullable Acknowledgment acknowledgment,
			@Nullable Consumer<?, ?> consumer) {
		String recordId = this.deduplicator.recordId(record);
		// Without a transaction of the container's, the store's own (if any) is the one an
		// acknowledgment must wait for.
		boolean storeTransaction = !TransactionSynchronizationManager.isActualTransactionActive();
		TrackingAcknowledgment tracking = TrackingAcknowledgment.of(acknowledgment, storeTransaction);
		boolean skipped;
		try {
			skipped = this.deduplicator.atomically(() -> {
				ProcessedRecordStore.Claim claim = this.deduplicator.claim(recordId);
				if (claim == ProcessedRecordStore.Claim.PROCESSED) {
					return true;
				}
				if (claim == ProcessedRecordStore.Claim.IN_PROGRESS) {
					throw this.deduplicator.inProgress(recordId);
				}
				try {
					invokeDelegate(record, tracking, consumer);
				}
				catch (RuntimeException | Error ex) {
					this.deduplicator.failed(recordId);
					throw ex;
				}
				if (tracking != null && tracking.nacked()) {
					// Delivered again by the container: not processed; undo the claim (a
					// transaction rolls back).
					this.deduplicator.failed(recordId);
					throw Nacked.INSTANCE;
				}
				this.deduplicator.processed(recordId);
				return false;
			});
		}
		catch (Nacked ex) {
			return;
		}
		if (skipped) {
			this.deduplicator.skippedOne(record, recordId);
			if (acknowledgment != null) {
				acknowledgment.acknowledge();
			}
		}
	}

	private void invokeDelegate(ConsumerRecord<K, V> record, @Nullable Acknowledgment acknowledgment,
			@Nullable Consumer<?, ?> consumer) {
		switch (this.delegateType) {
			case ACKNOWLEDGING_CONSUMER_AWARE -> this.delegate.onMessage(record, acknowledgment, consumer);
			case ACKNOWLEDGING -> this.delegate.onMessage(record, acknowledgment);
			case CONSUMER_AWARE -> this.delegate.onMessage(record, consumer);
			case SIMPLE -> this.delegate.onMessage(record);
		}
	}

	/*
	 * The container calls the variant that matches the innermost listener's type, so all
	 * of them lead to the same place.
	 */

	@Override
	public void onMessage(ConsumerRecord<K, V> data) {
		onMessage(data, null, null);
	}

	@Override
	public void onMessage(ConsumerRecord<K, V> data, @Nullable Acknowledgment acknowledgment) {
		onMessage(data, acknowledgment, null);
	}

	@Override
	public void onMessage(ConsumerRecord<K, V> data, @Nullable Consumer<?, ?> consumer) {
		onMessage(data, null, consumer);
	}

	/**
	 * Rolls the store's unit back when the listener nacked its record; never leaves this
	 * class.
	 */
	private static final class Nacked extends RuntimeException {

		static final Nacked INSTANCE = new Nacked();

		private Nacked() {
			super("nacked", null, false, false);
		}

	}

}
