package io.github.kafkastarter.autoconfigure.dedup;

import java.time.Duration;

import io.github.kafkastarter.autoconfigure.errorhandling.RetryLaterException;

/**
 * Another consumer of the same group is processing this record right now (after a
 * rebalance, its previous owner may still be at it). The starter's error handler delivers
 * the record again a little later; by then it is processed (and skipped) or released (and
 * processed here). Never dead-lettered, never counted as a failed attempt.
 */
public class RecordInProgressException extends RetryLaterException {

	private final String recordId;

	/**
	 * Create a new exception.
	 * @param group the consumer group
	 * @param recordId the record id
	 * @param retryAfter when to look again
	 */
	public RecordInProgressException(String group, String recordId, Duration retryAfter) {
		super("Record " + recordId + " is being processed by another consumer of group " + group, retryAfter);
		this.recordId = recordId;
	}

	public String getRecordId() {
		return this.recordId;
	}

}
