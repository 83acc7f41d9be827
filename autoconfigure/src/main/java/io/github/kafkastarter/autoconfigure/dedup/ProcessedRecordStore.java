package io.github.kafkastarter.autoconfigure.dedup;

import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.dedup.Deduplication.RecordDeduplicator;

/**
 * Remembers which records a consumer group has processed, by record id, so that a
 * deduplicated listener processes each record once even when Kafka delivers it again
 * (after a crash before the offset commit, a rebalance, or a producer that sent it twice).
 * <p>
 * A record goes through {@link #claim claim}, then {@link #markProcessed markProcessed}
 * once the listener succeeded or {@link #release release} when it failed. A claim is a
 * lease: if its holder never finishes (it crashed), another consumer may take it over
 * after the claim timeout.
 * <p>
 * When the listener runs in a transaction (its container's Kafka transaction, or a
 * database transaction), a record counts as processed only if that transaction commits:
 * unless the store {@linkplain #joinsCurrentTransaction() writes in that transaction},
 * {@link RecordDeduplicator} calls {@code markProcessed} once it committed and
 * {@code release} if it rolled back.
 * <p>
 * The starter provides an in-memory store (bounded, per group, with expiry) and a JDBC
 * store, used when the application has a {@code DataSource}, that survives restarts.
 * Declare a bean of this type to use another.
 */
public interface ProcessedRecordStore {

	/**
	 * Claims a record for processing.
	 * @param group the consumer group
	 * @param recordId the record id
	 * @return {@link Claim#ACQUIRED} when the caller should process the record,
	 * {@link Claim#PROCESSED} when it was processed already, {@link Claim#IN_PROGRESS}
	 * when another consumer holds a live claim on it
	 */
	Claim claim(String group, String recordId);

	/**
	 * Records that a claimed record was processed.
	 * @param group the consumer group
	 * @param recordId the record id
	 */
	void markProcessed(String group, String recordId);

	/**
	 * Gives up a claim after processing failed, so that the record can be processed
	 * again.
	 * @param group the consumer group
	 * @param recordId the record id
	 */
	void release(String group, String recordId);

	/**
	 * Runs a claim, the listener and the mark as one unit where the store can: the JDBC
	 * store runs them in one database transaction, so the listener's own work on the same
	 * database commits, or rolls back, together with the record's id. When the caller runs
	 * in a transaction already (its listener container's), the work runs in that one. By
	 * default the work simply runs.
	 * @param work the claim, the listener and the mark
	 * @param <T> the result type
	 * @return the work's result
	 */
	default <T> T atomically(Supplier<T> work) {
		return work.get();
	}

	/**
	 * Whether what the store writes now commits or rolls back with the transaction the
	 * caller runs in: the JDBC store's writes do in a database transaction on its
	 * {@code DataSource}. When they do not (the default), a record processed in a
	 * transaction is marked only after that transaction committed.
	 * @return whether the store writes in the current transaction
	 */
	default boolean joinsCurrentTransaction() {
		return false;
	}

	/**
	 * The outcome of a claim.
	 */
	enum Claim {

		/**
		 * The caller holds the record: process it, then mark it processed or release it.
		 */
		ACQUIRED,

		/**
		 * The record was processed already: skip it.
		 */
		PROCESSED,

		/**
		 * Another consumer is processing the record right now: try again later.
		 */
		IN_PROGRESS

	}

}
