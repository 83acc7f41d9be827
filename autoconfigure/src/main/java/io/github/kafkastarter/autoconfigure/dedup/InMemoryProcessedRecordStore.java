package io.github.kafkastarter.autoconfigure.dedup;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ProcessedRecordStore} in memory: per consumer group, at most
 * {@code maxEntries} ids, each kept for {@code retention}, the oldest forgotten first.
 * It deduplicates redeliveries within one application instance's lifetime (a rebalance
 * between its own consumers, a producer that sent a record twice); use the JDBC store to
 * survive restarts and to share what was processed between instances.
 */
class InMemoryProcessedRecordStore implements ProcessedRecordStore {

	private final Map<String, Group> groups = new ConcurrentHashMap<>();

	private final int maxEntries;

	private final long retentionMillis;

	private final long claimTimeoutMillis;

	private final Clock clock;

	/**
	 * Create a new store.
	 * @param maxEntries the most ids remembered per group
	 * @param retention how long a processed id is remembered
	 * @param claimTimeout how long a claim holds before another consumer may take it over
	 */
	public InMemoryProcessedRecordStore(int maxEntries, Duration retention, Duration claimTimeout) {
		this(maxEntries, retention, claimTimeout, Clock.systemUTC());
	}

	InMemoryProcessedRecordStore(int maxEntries, Duration retention, Duration claimTimeout, Clock clock) {
		this.maxEntries = maxEntries;
		this.retentionMillis = retention.toMillis();
		this.claimTimeoutMillis = claimTimeout.toMillis();
		this.clock = clock;
	}

	@Override
	public Claim claim(String group, String recordId) {
		Group entries = group(group);
		long now = this.clock.millis();
		synchronized (entries) {
			entries.expire(now);
			Mark entry = entries.get(recordId);
			if (entry != null) {
				if (entry.processed) {
					return Claim.PROCESSED;
				}
				if (now - entry.at < this.claimTimeoutMillis) {
					return Claim.IN_PROGRESS;
				}
				// The claim's holder never finished: take it over.
				entries.remove(recordId);
			}
			entries.put(recordId, new Mark(false, now));
			return Claim.ACQUIRED;
		}
	}

	@Override
	public void markProcessed(String group, String recordId) {
		Group entries = group(group);
		long now = this.clock.millis();
		synchronized (entries) {
			// Re-inserted, so that the map stays in the order ids expire.
			entries.remove(recordId);
			entries.put(recordId, new Mark(true, now));
		}
	}

	@Override
	public void release(String group, String recordId) {
		Group entries = group(group);
		synchronized (entries) {
			Mark entry = entries.get(recordId);
			if (entry != null && !entry.processed) {
				entries.remove(recordId);
			}
		}
	}

	/**
	 * How many ids a group's entry holds, claims included.
	 * @param group the consumer group
	 * @return the number of ids
	 */
	public int size(String group) {
		Group entries = this.groups.get(group);
		if (entries == null) {
			return 0;
		}
		synchronized (entries) {
			return entries.size();
		}
	}

	private Group group(String group) {
		return this.groups.computeIfAbsent(group, (name) -> new Group());
	}

	private record Mark(boolean processed, long at) {
	}

	private final class Group extends LinkedHashMap<String, Mark> {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Mark> eldest) {
			return size() > InMemoryProcessedRecordStore.this.maxEntries;
		}

		void expire(long now) {
			Iterator<Mark> iterator = values().iterator();
			while (iterator.hasNext()) {
				Mark entry = iterator.next();
				long age = now - entry.at;
				if (age < InMemoryProcessedRecordStore.this.retentionMillis) {
					return;
				}
				iterator.remove();
			}
		}

	}

}
