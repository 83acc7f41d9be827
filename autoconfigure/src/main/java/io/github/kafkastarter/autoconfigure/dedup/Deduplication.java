package io.github.kafkastarter.autoconfigure.dedup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The deduplication of the application's listeners: makes a {@link RecordDeduplicator}
 * per consumer group, and tells the one of each deduplicated listener (with how many
 * duplicates it skipped).
 */
public class Deduplication {

	private final ProcessedRecordStore store;

	private final String header;

	private final Duration retryAfter;

	private final Map<String, RecordDeduplicator> byListener = new ConcurrentHashMap<>();

	/**
	 * Create a new instance.
	 * @param store where processed ids are kept
	 * @param header the record id header
	 * @param claimTimeout how long a claim holds
	 */
	public Deduplication(ProcessedRecordStore store, String header, Duration claimTimeout) {
		this.store = store;
		this.header = header;
		// Look again often enough to move on soon after the other consumer finished.
		this.retryAfter = Duration.ofMillis(Math.max(100, Math.min(1000, claimTimeout.toMillis() / 10)));
	}

	/**
	 * A deduplicator for a consumer group.
	 * @param group the consumer group
	 * @return a new deduplicator
	 */
	public RecordDeduplicator forGroup(String group) {
		return new RecordDeduplicator(this.store, group, this.header, this.retryAfter);
	}

	/**
	 * The deduplicator of a deduplicated listener.
	 * @param listenerId the listener id
	 * @return its deduplicator, if the listener is deduplicated
	 */
	public Optional<RecordDeduplicator> forListener(String listenerId) {
		return Optional.ofNullable(this.byListener.get(listenerId));
	}

	RecordDeduplicator register(String listenerId, String group) {
		RecordDeduplicator deduplicator = forGroup(group);
		this.byListener.put(listenerId, deduplicator);
		return deduplicator;
	}

	public ProcessedRecordStore store() {
		return this.store;
	}

	public String header() {
		return this.header;
	}

	/**
	 * Deduplication for one consumer group: tells a record's id, and claims, marks and
	 * releases records in the {@link ProcessedRecordStore}. The starter's deduplicating
	 * listeners use it; so can any other way of consuming (a parallel listener, for example).
	 */
	public static final class RecordDeduplicator {

		private static final Logger logger = LoggerFactory.getLogger(RecordDeduplicator.class);

		private final ProcessedRecordStore store;

		private final String group;

		private final String header;

		private final Duration retryAfter;

		private final LongAdder skipped = new LongAdder();

		/**
		 * Create a new deduplicator.
		 * @param store the store
		 * @param group the consumer group
		 * @param header the id header
		 * @param retryAfter how long a record that is in progress elsewhere waits
		 */
		public RecordDeduplicator(ProcessedRecordStore store, String group, String header, Duration retryAfter) {
			this.store = store;
			this.group = group;
			this.header = header;
			this.retryAfter = retryAfter;
		}

		/**
		 * A record's id: its id header, or else its topic, partition and offset.
		 * @param record the record
		 * @return the id
		 */
		public String recordId(ConsumerRecord<?, ?> record) {
			Header id = record.headers().lastHeader(this.header);
			if (id != null && id.value() != null && id.value().length > 0) {
				return new String(id.value(), StandardCharsets.UTF_8);
			}
			return record.topic() + "-" + record.partition() + "@" + record.offset();
		}

		/**
		 * Claims a record.
		 * @param recordId the record's id
		 * @return the claim
		 */
		public ProcessedRecordStore.Claim claim(String recordId) {
			return this.store.claim(this.group, recordId);
		}

		/**
		 * Records that a claimed record was processed. In a transaction that the store does
		 * not write in (a Kafka transaction, or the in-memory store), the record is marked
		 * once that transaction committed, and its claim released if it rolled back: until
		 * then its work may still be undone. A store failure is logged, not thrown: the record
		 * was processed, so failing now would only make Kafka deliver it again.
		 * @param recordId the record's id
		 */
		public void processed(String recordId) {
			try {
				if (TransactionSynchronizationManager.isSynchronizationActive()
						&& TransactionSynchronizationManager.isActualTransactionActive()
						&& !this.store.joinsCurrentTransaction()) {
					TransactionSynchronizationManager.registerSynchronization(new MarkOnCommit(recordId));
					return;
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Could not tell whether record {} of group {} is recorded in its transaction; recording it "
						+ "now", recordId, this.group, ex);
			}
			markProcessed(recordId);
		}

		private void markProcessed(String recordId) {
			try {
				this.store.markProcessed(this.group, recordId);
			}
			catch (RuntimeException ex) {
				logger.warn("Record {} of group {} was processed but could not be recorded as such; if Kafka delivers "
						+ "it again it is processed again once its claim expires", recordId, this.group, ex);
			}
		}

		/**
		 * Gives up the claim on a record whose processing failed.
		 * @param recordId the record's id
		 */
		public void failed(String recordId) {
			try {
				this.store.release(this.group, recordId);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not release the claim on record {} of group {}; it is processed again once the "
						+ "claim expires", recordId, this.group, ex);
			}
		}

		/**
		 * Runs work as one unit in the store (one database transaction for the JDBC store).
		 * @param work the work
		 * @param <T> the result type
		 * @return the result
		 */
		public <T> T atomically(Supplier<T> work) {
			return this.store.atomically(work);
		}

		/**
		 * The failure to throw for a record another consumer is processing.
		 * @param recordId the record's id
		 * @return the exception
		 */
		public RecordInProgressException inProgress(String recordId) {
			return new RecordInProgressException(this.group, recordId, this.retryAfter);
		}

		/**
		 * Marks a record when the transaction that processed it commits; gives its claim up
		 * when that transaction rolls back (or its outcome is unknown), so that the record,
		 * which Kafka delivers again, is processed again.
		 */
		private final class MarkOnCommit implements TransactionSynchronization {

			private final String recordId;

			MarkOnCommit(String recordId) {
				this.recordId = recordId;
			}

			@Override
			public void afterCommit() {
				markProcessed(this.recordId);
			}

			@Override
			public void afterCompletion(int status) {
				if (status != STATUS_COMMITTED) {
					failed(this.recordId);
				}
			}

		}

		void skippedOne(ConsumerRecord<?, ?> record, String recordId) {
			this.skipped.increment();
			logger.debug("Skipping {}-{}@{}: record {} was processed already by group {}", record.topic(),
					record.partition(), record.offset(), recordId, this.group);
		}

		/**
		 * How many duplicates were skipped.
		 * @return the count
		 */
		public long skipped() {
			return this.skipped.sum();
		}

		public String group() {
			return this.group;
		}

	}

}
