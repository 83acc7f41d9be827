package io.github.kafkastarter.autoconfigure.dedup;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Record ids stamped by producers, for every client; a named client overrides it under
 * {@code kafka.starter.clients.<name>.producer.record-ids}.
 */
@ConfigurationProperties("kafka.starter.producer")
public class RecordIdProperties {

	/**
	 * Which producers stamp every record with a unique id header (see
	 * kafka.starter.deduplication.header) unless it has one: 'auto' those that are not
	 * idempotent (their retries can write a record twice; an idempotent producer's
	 * cannot), 'always' all (to recognise records replayed or mirrored at other offsets),
	 * 'never' none. A header costs throughput on small records; without one, a
	 * deduplicated listener knows a record by its topic, partition and offset.
	 */
	private RecordIds recordIds = RecordIds.AUTO;

	public RecordIds getRecordIds() {
		return this.recordIds;
	}

	public void setRecordIds(RecordIds recordIds) {
		this.recordIds = recordIds;
	}

	/**
	 * Which producers stamp record ids.
	 */
	public enum RecordIds {

		/**
		 * Producers that are not idempotent.
		 */
		AUTO,

		/**
		 * Every producer.
		 */
		ALWAYS,

		/**
		 * No producer.
		 */
		NEVER

	}

}
