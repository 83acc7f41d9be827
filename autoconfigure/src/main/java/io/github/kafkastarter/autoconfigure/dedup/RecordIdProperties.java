package io.github.kafkastarter.autoconfigure.dedup;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Record ids stamped by producers, for every client; a named client overrides it under
 * {@code kafka.starter.clients.<name>.producer.record-ids}.
 */
@ConfigurationProperties("kafka.starter.producer")
public class RecordIdProperties {

	/**
	 * Whether producers stamp every record with a unique id header (see
	 * kafka.starter.deduplication.header) unless it has one, so that deduplicated
	 * listeners recognise a record delivered twice.
	 */
	private boolean recordIds = true;

	public boolean isRecordIds() {
		return this.recordIds;
	}

	public void setRecordIds(boolean recordIds) {
		this.recordIds = recordIds;
	}

}
