package io.github.kafkastarter.autoconfigure.dedup;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.kafkastarter.autoconfigure.dedup.Deduplication.RecordDeduplicator;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.BatchAcknowledgingConsumerAwareMessageListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.adapter.AbstractDelegatingMessageListenerAdapter;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Runs a batch listener on the records of a batch it has not processed yet. Records are
 * claimed one by one; the listener gets the claimed ones; once it returns they are all
 * marked processed. When it fails with a {@link BatchListenerFailedException} (also when
 * the listener adapter wrapped it), the records before the failed one are marked
 * processed (the error handler commits them) and the others released; any other failure
 * releases them all. When a record of the batch is in progress at another consumer, the
 * whole batch waits and is delivered again.
 * <p>
 * Batch listeners do not run in a transaction of the store's: one transaction for the
 * batch would undo the work for the records before a failed one, which the error handler
 * then commits. In the container's transaction (a Kafka one) the records are marked when
 * that transaction commits: if it rolls back, the records before a failed one are rolled
 * back with it, released, and processed again when Kafka delivers the batch again.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class DeduplicatingBatchMessageListener<K, V>
		extends AbstractDelegatingMessageListenerAdapter<BatchMessageListener<K, V>>
		implements BatchAcknowledgingConsumerAwareMessageListener<K, V> {

	private final RecordDeduplicator deduplicator;

	DeduplicatingBatchMessageListener(BatchMessageListener<K, V> delegate, RecordDeduplicator deduplicator) {
		super(delegate);
		this.deduplicator = deduplicator;
	}

	@Override
	public void onMessage(List<ConsumerRecord<K, V>> records, @Nullable Acknowledgment acknowledgment,
			@Nullable Consumer<?, ?> consumer) {
		List<ConsumerRecord<K, V>> claimed = new ArrayList<>(records.size());
		List<String> ids = new ArrayList<>(records.size());
		Set<String> seen = new HashSet<>();
		for (ConsumerRecord<K, V> record : records) {
			String recordId = this.deduplicator.recordId(record);
			if (!seen.add(recordId)) {
				// Twice in this very batch: the first one stands for both.
				this.deduplicator.skippedOne(record, recordId);
				continue;
			}
			ProcessedRecordStore.Claim claim = this.deduplicator.claim(recordId);
			if (claim == ProcessedRecordStore.Claim.ACQUIRED) {
				claimed.add(record);
				ids.add(recordId);
			}
			else if (claim == ProcessedRecordStore.Claim.PROCESSED) {
				this.deduplicator.skippedOne(record, recordId);
			}
			else {
				ids.forEach(this.deduplicator::failed);
				// The batch's first record: nothing of this batch may be committed yet.
				throw new BatchListenerFailedException("Record " + recordId + " is in progress elsewhere",
						this.deduplicator.inProgress(recordId), records.get(0));
			}
		}
		if (claimed.isEmpty()) {
			if (acknowledgment != null) {
				acknowledgment.acknowledge();
			}
			return;
		}
		TrackingAcknowledgment tracking = (acknowledgment != null) ? new TrackingAcknowledgment(acknowledgment,
				(index) -> indexOf(records, claimed.get(index)), false) : null;
		try {
			invokeDelegate(claimed, tracking, consumer);
		}
		catch (RuntimeException ex) {
			// A @KafkaListener's adapter wraps what the method threw.
			BatchListenerFailedException failure = batchListenerFailure(ex);
			if (failure == null) {
				ids.forEach(this.deduplicator::failed);
				throw ex;
			}
			int failed = failedIndex(failure, claimed);
			for (int i = 0; i < ids.size(); i++) {
				if (i < failed) {
					this.deduplicator.processed(ids.get(i));
				}
				else {
					this.deduplicator.failed(ids.get(i));
				}
			}
			if (failure.getRecord() == null && failed >= 0 && failed < claimed.size()) {
				// The index is into the claimed records; the error handler reads it against
				// the whole batch, so name the record instead.
				throw new BatchListenerFailedException(failure.getMessage(), failure.getCause(), claimed.get(failed));
			}
			throw ex;
		}
		catch (Error ex) {
			ids.forEach(this.deduplicator::failed);
			throw ex;
		}
		int done = (tracking != null && tracking.nacked()) ? tracking.nackIndex() : ids.size();
		for (int i = 0; i < ids.size(); i++) {
			if (i < done) {
				this.deduplicator.processed(ids.get(i));
			}
			else {
				// Nacked: the container delivers these again.
				this.deduplicator.failed(ids.get(i));
			}
		}
	}

	private static int indexOf(List<? extends ConsumerRecord<?, ?>> records, ConsumerRecord<?, ?> record) {
		for (int i = 0; i < records.size(); i++) {
			if (records.get(i) == record) {
				return i;
			}
		}
		return 0;
	}

	private static @Nullable BatchListenerFailedException batchListenerFailure(Throwable ex) {
		Throwable candidate = ex;
		for (int depth = 0; candidate != null && depth < 10; depth++) {
			if (candidate instanceof BatchListenerFailedException failure) {
				return failure;
			}
			candidate = candidate.getCause();
		}
		return null;
	}

	private static int failedIndex(BatchListenerFailedException ex, List<? extends ConsumerRecord<?, ?>> claimed) {
		ConsumerRecord<?, ?> record = ex.getRecord();
		if (record != null) {
			for (int i = 0; i < claimed.size(); i++) {
				ConsumerRecord<?, ?> candidate = claimed.get(i);
				if (candidate.topic().equals(record.topic()) && candidate.partition() == record.partition()
						&& candidate.offset() == record.offset()) {
					return i;
				}
			}
			return 0;
		}
		return Math.max(0, ex.getIndex());
	}

	private void invokeDelegate(List<ConsumerRecord<K, V>> records, @Nullable Acknowledgment acknowledgment,
			@Nullable Consumer<?, ?> consumer) {
		switch (this.delegateType) {
			case ACKNOWLEDGING_CONSUMER_AWARE -> this.delegate.onMessage(records, acknowledgment, consumer);
			case ACKNOWLEDGING -> this.delegate.onMessage(records, acknowledgment);
			case CONSUMER_AWARE -> this.delegate.onMessage(records, consumer);
			case SIMPLE -> this.delegate.onMessage(records);
		}
	}

	@Override
	public void onMessage(List<ConsumerRecord<K, V>> data) {
		onMessage(data, null, null);
	}

	@Override
	public void onMessage(List<ConsumerRecord<K, V>> data, @Nullable Acknowledgment acknowledgment) {
		onMessage(data, acknowledgment, null);
	}

	@Override
	public void onMessage(List<ConsumerRecord<K, V>> data, @Nullable Consumer<?, ?> consumer) {
		onMessage(data, null, consumer);
	}

}
