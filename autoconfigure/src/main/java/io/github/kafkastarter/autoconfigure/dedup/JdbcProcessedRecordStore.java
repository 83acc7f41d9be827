package io.github.kafkastarter.autoconfigure.dedup;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.DigestUtils;

/**
 * A {@link ProcessedRecordStore} in a database table, so deduplication survives restarts
 * and is shared by every instance of the application. The table is created when missing
 * (portable SQL: the id columns, a one-letter state and a millisecond timestamp):
 * <pre class="code">
 * CREATE TABLE kafka_processed_records (group_id VARCHAR(255) NOT NULL,
 *     record_id VARCHAR(255) NOT NULL, state CHAR(1) NOT NULL, updated_at BIGINT NOT NULL,
 *     PRIMARY KEY (group_id, record_id))
 * </pre>
 * <p>
 * In a database transaction on this {@code DataSource} (the one {@link #atomically} opens
 * with its transaction manager, or the listener's own), the record's id is inserted as
 * processed in the same transaction as the listener's own work on this database, so
 * either both commit or neither does, and a crash in between leaves nothing behind. A
 * concurrent duplicate waits on the row's lock and then finds the record processed.
 * Otherwise (no transaction, or a Kafka one) each statement commits on its own: a claim
 * is a lease that another consumer may take over after the claim timeout, and the
 * record is marked processed after its work (its Kafka transaction) committed.
 * <p>
 * Rows older than the retention are deleted in the background.
 */
class JdbcProcessedRecordStore implements ProcessedRecordStore, InitializingBean, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(JdbcProcessedRecordStore.class);

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private static final int MAX_ID_LENGTH = 255;

	private static final String PROCESSED = "D";

	private static final String CLAIMED = "P";

	private final JdbcTemplate jdbc;

	private final String table;

	private final boolean createTable;

	private final @Nullable Supplier<PlatformTransactionManager> transactionManager;

	private volatile @Nullable TransactionTemplate transactions;

	private final long retentionMillis;

	private final long claimTimeoutMillis;

	private final Duration cleanupInterval;

	private final Clock clock;

	private final @Nullable TaskScheduler cleanupScheduler;

	private @Nullable ThreadPoolTaskScheduler ownScheduler;

	private @Nullable ScheduledFuture<?> cleanup;

	/**
	 * Create a new store.
	 * @param dataSource the database
	 * @param table the table name
	 * @param createTable whether to create the table when it is missing
	 * @param transactionManager the transaction manager for {@link #atomically}, or
	 * {@code null} to run each statement on its own
	 * @param retention how long a processed id is kept
	 * @param claimTimeout how long a claim holds before another consumer may take it over
	 * @param cleanupInterval how often expired rows are deleted
	 */
	public JdbcProcessedRecordStore(DataSource dataSource, String table, boolean createTable,
			@Nullable PlatformTransactionManager transactionManager, Duration retention, Duration claimTimeout,
			Duration cleanupInterval) {
		this(dataSource, table, createTable, transactionManager, retention, claimTimeout, cleanupInterval,
				Clock.systemUTC());
	}

	JdbcProcessedRecordStore(DataSource dataSource, String table, boolean createTable,
			@Nullable PlatformTransactionManager transactionManager, Duration retention, Duration claimTimeout,
			Duration cleanupInterval, Clock clock) {
		this(dataSource, table, createTable, (transactionManager != null) ? () -> transactionManager : null,
				retention, claimTimeout, cleanupInterval, null, clock);
	}

	/**
	 * Create a new store whose transaction manager is looked up when it is first needed.
	 * @param cleanupScheduler runs the clean-up (the starter's scheduler), or {@code null}
	 * for a thread of the store's own
	 */
	JdbcProcessedRecordStore(DataSource dataSource, String table, boolean createTable,
			@Nullable Supplier<PlatformTransactionManager> transactionManager, Duration retention,
			Duration claimTimeout, Duration cleanupInterval, @Nullable TaskScheduler cleanupScheduler, Clock clock) {
		if (!TABLE_NAME.matcher(table).matches()) {
			throw new IllegalArgumentException("'" + table + "' is not a plain table name");
		}
		this.jdbc = new JdbcTemplate(dataSource);
		this.table = table;
		this.createTable = createTable;
		this.transactionManager = transactionManager;
		this.retentionMillis = retention.toMillis();
		this.claimTimeoutMillis = claimTimeout.toMillis();
		this.cleanupInterval = cleanupInterval;
		this.cleanupScheduler = cleanupScheduler;
		this.clock = clock;
	}

	@Override
	public void afterPropertiesSet() {
		if (this.createTable && !tableExists()) {
			try {
				this.jdbc.execute("CREATE TABLE " + this.table + " (group_id VARCHAR(255) NOT NULL, "
						+ "record_id VARCHAR(255) NOT NULL, state CHAR(1) NOT NULL, updated_at BIGINT NOT NULL, "
						+ "PRIMARY KEY (group_id, record_id))");
				this.jdbc.execute("CREATE INDEX " + indexName() + " ON " + this.table + " (updated_at)");
				logger.info("Created table {} for processed Kafka records", this.table);
			}
			catch (DataAccessException ex) {
				// Another instance may have created it at the same moment.
				if (!tableExists()) {
					throw ex;
				}
			}
		}
		if (!this.cleanupInterval.isZero() && !this.cleanupInterval.isNegative()) {
			TaskScheduler scheduler = this.cleanupScheduler;
			if (scheduler == null) {
				// A store the application made itself.
				ThreadPoolTaskScheduler own = new ThreadPoolTaskScheduler();
				own.setThreadNamePrefix("kafka-processed-records-cleanup-");
				own.setDaemon(true);
				own.initialize();
				this.ownScheduler = own;
				scheduler = own;
			}
			this.cleanup = scheduler.scheduleWithFixedDelay(this::deleteExpired,
					Instant.now().plus(this.cleanupInterval), this.cleanupInterval);
		}
	}

	private boolean tableExists() {
		try {
			this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.table + " WHERE 1 = 0", Integer.class);
			return true;
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

	private String indexName() {
		String name = this.table.replace('.', '_') + "_ix";
		// Some databases limit identifiers to 30 characters.
		return (name.length() > 30) ? name.substring(name.length() - 30) : name;
	}

	@Override
	public Claim claim(String group, String recordId) {
		String groupKey = key(group);
		String recordKey = key(recordId);
		long now = this.clock.millis();
		boolean inDatabaseTransaction = inDatabaseTransaction();
		if (inDatabaseTransaction) {
			// Inside the listener's database transaction: insert the id as processed right
			// away; it only becomes visible if the transaction commits. Read first, because
			// a failed insert aborts the whole transaction on some databases.
			Claim existing = existing(groupKey, recordKey, now, true);
			if (existing != null) {
				return existing;
			}
			try {
				insert(groupKey, recordKey, PROCESSED, now);
				return Claim.ACQUIRED;
			}
			catch (DuplicateKeyException ex) {
				// A concurrent duplicate committed while we waited on its lock.
				return Claim.IN_PROGRESS;
			}
		}
		try {
			insert(groupKey, recordKey, CLAIMED, now);
			return Claim.ACQUIRED;
		}
		catch (DuplicateKeyException ex) {
			Claim existing = existing(groupKey, recordKey, now, false);
			return (existing != null) ? existing : claim(group, recordId);
		}
	}

	private @Nullable Claim existing(String group, String recordId, long now, boolean inDatabaseTransaction) {
		List<Row> rows = this.jdbc.query("SELECT state, updated_at FROM " + this.table
				+ " WHERE group_id = ? AND record_id = ?", (rs, n) -> new Row(rs.getString(1), rs.getLong(2)), group,
				recordId);
		if (rows.isEmpty()) {
			return null;
		}
		Row row = rows.get(0);
		if (PROCESSED.equals(row.state.trim())) {
			return Claim.PROCESSED;
		}
		if (now - row.updatedAt < this.claimTimeoutMillis) {
			return Claim.IN_PROGRESS;
		}
		// The claim's holder never finished: take it over, unless someone else just did.
		int taken = this.jdbc.update("UPDATE " + this.table + " SET state = ?, updated_at = ? WHERE group_id = ? "
				+ "AND record_id = ? AND state = ? AND updated_at = ?", inDatabaseTransaction ? PROCESSED : CLAIMED,
				now, group, recordId, CLAIMED, row.updatedAt);
		return (taken == 1) ? Claim.ACQUIRED : Claim.IN_PROGRESS;
	}

	private void insert(String group, String recordId, String state, long now) {
		this.jdbc.update("INSERT INTO " + this.table + " (group_id, record_id, state, updated_at) VALUES (?, ?, ?, ?)",
				group, recordId, state, now);
	}

	@Override
	public void markProcessed(String group, String recordId) {
		if (inDatabaseTransaction()) {
			// The claim inserted it as processed, in this very transaction.
			return;
		}
		int updated = this.jdbc.update(
				"UPDATE " + this.table + " SET state = ?, updated_at = ? WHERE group_id = ? AND record_id = ?",
				PROCESSED, this.clock.millis(), key(group), key(recordId));
		if (updated == 0) {
			try {
				insert(key(group), key(recordId), PROCESSED, this.clock.millis());
			}
			catch (DuplicateKeyException ex) {
				// Marked meanwhile: what counts is that it is there.
			}
		}
	}

	@Override
	public void release(String group, String recordId) {
		if (inDatabaseTransaction()) {
			// The rollback removes the claim.
			return;
		}
		this.jdbc.update("DELETE FROM " + this.table + " WHERE group_id = ? AND record_id = ? AND state = ?",
				key(group), key(recordId), CLAIMED);
	}

	/**
	 * Runs the work in a database transaction of its own, unless the caller runs in a
	 * transaction already (its listener container's, a Kafka one for example): then in
	 * that one, whose commit is the one that counts.
	 */
	@Override
	public <T> T atomically(Supplier<T> work) {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			return work.get();
		}
		TransactionTemplate transactions = transactions();
		return (transactions != null) ? transactions.execute((status) -> work.get()) : work.get();
	}

	/**
	 * Whether the caller runs in a database transaction on this store's {@code DataSource}
	 * (its own, the application's, JPA's or JTA's), in which the store's statements then
	 * commit or roll back. In any other transaction (a Kafka one) they commit on their own.
	 * @return whether the store's writes take part in the current transaction
	 */
	@Override
	public boolean joinsCurrentTransaction() {
		return inDatabaseTransaction();
	}

	private boolean inDatabaseTransaction() {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return false;
		}
		// In a transaction of another kind the connection is bound to the thread too, but
		// in auto-commit mode.
		Boolean autoCommit = this.jdbc.execute((ConnectionCallback<Boolean>) Connection::getAutoCommit);
		return !Boolean.TRUE.equals(autoCommit);
	}

	private @Nullable TransactionTemplate transactions() {
		TransactionTemplate transactions = this.transactions;
		if (transactions == null && this.transactionManager != null) {
			transactions = new TransactionTemplate(this.transactionManager.get());
			this.transactions = transactions;
		}
		return transactions;
	}

	/**
	 * Whether {@link #atomically} runs in a transaction.
	 * @return whether the store is transactional
	 */
	public boolean isTransactional() {
		return this.transactionManager != null;
	}

	/**
	 * Deletes the rows older than the retention.
	 * @return how many rows were deleted
	 */
	public int deleteExpired() {
		try {
			return this.jdbc.update("DELETE FROM " + this.table + " WHERE updated_at < ?",
					this.clock.millis() - this.retentionMillis);
		}
		catch (DataAccessException ex) {
			logger.warn("Could not delete expired rows from {}", this.table, ex);
			return 0;
		}
	}

	private static String key(String id) {
		if (id.length() <= MAX_ID_LENGTH) {
			return id;
		}
		// Longer than the column: a digest keeps it unique and stable.
		return "md5:" + DigestUtils.md5DigestAsHex(id.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public void destroy() {
		ScheduledFuture<?> cleanup = this.cleanup;
		if (cleanup != null) {
			cleanup.cancel(true);
		}
		ThreadPoolTaskScheduler own = this.ownScheduler;
		if (own != null) {
			own.shutdown();
		}
	}

	private record Row(String state, long updatedAt) {
	}

}
