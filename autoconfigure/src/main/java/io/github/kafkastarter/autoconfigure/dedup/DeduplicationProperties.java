package io.github.kafkastarter.autoconfigure.dedup;

import java.time.Duration;
import java.util.regex.Pattern;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Deduplication of records by id (the idempotent-consumer pattern). Which listeners are
 * deduplicated is chosen with {@link Deduplicated @Deduplicated} or
 * {@code kafka.starter.consumer.[listeners.<id>.]deduplicate}; this is where processed ids
 * are kept.
 */
@ConfigurationProperties("kafka.starter.deduplication")
public class DeduplicationProperties implements ValidatedSettings {

	private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	/**
	 * The header that carries a record's id, stamped by the starter's producers and read
	 * by deduplicated listeners.
	 */
	private String header = "record-id";

	/**
	 * Where processed ids are kept: 'auto' (a database table when the application has a
	 * single DataSource, memory otherwise), 'memory' or 'jdbc'.
	 */
	private Store store = Store.AUTO;

	/**
	 * How long a processed id is remembered: a duplicate arriving later is processed
	 * again.
	 */
	private Duration retention = Duration.ofHours(24);

	/**
	 * How long a consumer's claim on a record holds while it processes it. A duplicate
	 * delivered meanwhile to another consumer waits; after this time the claim is
	 * considered abandoned (its holder crashed) and the record processed again. Keep it
	 * above the longest processing time.
	 */
	private Duration claimTimeout = Duration.ofMinutes(5);

	/**
	 * The in-memory store.
	 */
	private final Memory memory = new Memory();

	/**
	 * The JDBC store.
	 */
	private final Jdbc jdbc = new Jdbc();

	public String getHeader() {
		return this.header;
	}

	public void setHeader(String header) {
		this.header = header;
	}

	public Store getStore() {
		return this.store;
	}

	public void setStore(Store store) {
		this.store = store;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

	public Duration getClaimTimeout() {
		return this.claimTimeout;
	}

	public void setClaimTimeout(Duration claimTimeout) {
		this.claimTimeout = claimTimeout;
	}

	public Memory getMemory() {
		return this.memory;
	}

	public Jdbc getJdbc() {
		return this.jdbc;
	}

	/**
	 * Where processed ids are kept.
	 */
	public enum Store {

		/**
		 * A database table when the application has a single DataSource, memory
		 * otherwise.
		 */
		AUTO,

		/**
		 * Memory: lost on restart, not shared between instances.
		 */
		MEMORY,

		/**
		 * A database table; requires a DataSource.
		 */
		JDBC

	}

	@Override
	public void validate(String prefix) {
		positive(prefix + ".retention", this.retention, "24h");
		positive(prefix + ".claim-timeout", this.claimTimeout, "5m");
		ValidatedSettings.require(!this.header.isBlank(), prefix + ".header", this.header,
				"Record ids need a header name.", "Remove '" + prefix + ".header' to use 'record-id'.");
		ValidatedSettings.require(this.memory.getMaxEntries() >= 1, prefix + ".memory.max-entries",
				this.memory.getMaxEntries(),
				"The in-memory store must be able to remember at least one record per group.",
				"Set '" + prefix + ".memory.max-entries' to the number of recent records to remember, for example "
						+ "100000.");
		String table = this.jdbc.getTable();
		ValidatedSettings.require(TABLE.matcher(table.trim()).matches(), prefix + ".jdbc.table", table,
				"'" + table + "' is not a plain table name (letters, digits and '_', optionally schema.table).",
				"Use a name such as 'kafka_processed_records'.");
	}

	private static void positive(String property, Duration duration, String example) {
		ValidatedSettings.require(ValidatedSettings.positiveOrUnset(duration), property, duration,
				"This duration must be above zero.",
				"Set '" + property + "' to a positive duration, for example " + example + ".");
	}

	/**
	 * The in-memory store.
	 */
	public static class Memory {

		/**
		 * The most ids remembered per consumer group; the oldest are forgotten first.
		 */
		private int maxEntries = 100_000;

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

	}

	/**
	 * The JDBC store.
	 */
	public static class Jdbc {

		/**
		 * The table processed ids are kept in.
		 */
		private String table = "kafka_processed_records";

		/**
		 * Whether to create the table when it does not exist.
		 */
		private boolean createTable = true;

		/**
		 * Whether a record listener runs in a database transaction with its record's id:
		 * the id and the listener's own work on the same DataSource (JdbcTemplate, JPA)
		 * commit together, so the listener's effects happen exactly once even when the
		 * application crashes. Uses the application's transaction manager, or one of its
		 * own for the DataSource. A listener whose container runs it in a transaction (a
		 * Kafka one) runs in that one instead, and its record is recorded when it commits.
		 */
		private boolean transactional = true;

		/**
		 * How often rows older than the retention are deleted.
		 */
		private Duration cleanupInterval = Duration.ofMinutes(10);

		public String getTable() {
			return this.table;
		}

		public void setTable(String table) {
			this.table = table;
		}

		public boolean isCreateTable() {
			return this.createTable;
		}

		public void setCreateTable(boolean createTable) {
			this.createTable = createTable;
		}

		public boolean isTransactional() {
			return this.transactional;
		}

		public void setTransactional(boolean transactional) {
			this.transactional = transactional;
		}

		public Duration getCleanupInterval() {
			return this.cleanupInterval;
		}

		public void setCleanupInterval(Duration cleanupInterval) {
			this.cleanupInterval = cleanupInterval;
		}

	}

}
