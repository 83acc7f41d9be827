package io.github.kafkastarter.autoconfigure.dedup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deduplication for one consumer group: tells a record's id, and claims, marks and
 * releases records in the {@link ProcessedRecordStore}. The starter's deduplicating
 * listeners use it; so can any other way of consuming (a parallel listener, for example).
 */
public final class RecordDeduplicator {

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
	 * Records that a claimed record was processed. A store failure is logged, not thrown:
	 * the record was processed, so failing now would only make Kafka deliver it again.
	 * @param recordId the record's id
	 */
	public void processed(String recordId) {
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
