package io.github.kafkastarter.autoconfigure.dedup;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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

}
