package io.github.kafkastarter.autoconfigure.dedup;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import io.github.kafkastarter.autoconfigure.dedup.Deduplication.RecordDeduplicator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The JDBC store against a real embedded database (H2): the table is created when
 * missing, what was processed survives a new store (a restart), a claim is a lease, and
 * in a transaction the record's id commits or rolls back with the listener's own work.
 */
class JdbcProcessedRecordStoreTests {

	private final String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

	private final DataSource dataSource = new DriverManagerDataSource(this.url);

	private final InMemoryProcessedRecordStoreTests.MutableClock clock = new InMemoryProcessedRecordStoreTests.MutableClock();

	private JdbcProcessedRecordStore store = store(null);

	@AfterEach
	void close() {
		this.store.destroy();
		new JdbcTemplate(this.dataSource).execute("SHUTDOWN");
	}

	private JdbcProcessedRecordStore store(JdbcTransactionManager transactionManager) {
		JdbcProcessedRecordStore store = new JdbcProcessedRecordStore(this.dataSource, "kafka_processed_records", true,
				transactionManager, Duration.ofHours(1), Duration.ofMinutes(5), Duration.ZERO, this.clock);
		store.afterPropertiesSet();
		return store;
	}

	@Test
	void theTableIsCreatedOnceAndWhatWasProcessedSurvivesARestart() {
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		this.store.markProcessed("shop", "a");
		this.store.destroy();
		this.store = store(null);
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
		assertThat(this.store.claim("audit", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
	}

	@Test
	void aClaimIsALeaseThatCanBeReleasedOrTakenOverWhenItExpires() {
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.IN_PROGRESS);
		this.store.release("shop", "a");
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		this.clock.advance(Duration.ofMinutes(6));
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.IN_PROGRESS);
	}

	@Test
	void idsLongerThanTheColumnAreKeptAsDigests() {
		String id = "x".repeat(1000);
		assertThat(this.store.claim("shop", id)).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		this.store.markProcessed("shop", id);
		assertThat(this.store.claim("shop", id)).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
	}

	@Test
	void expiredRowsAreDeleted() {
		this.store.claim("shop", "a");
		this.store.markProcessed("shop", "a");
		this.clock.advance(Duration.ofMinutes(30));
		this.store.claim("shop", "b");
		this.store.markProcessed("shop", "b");
		this.clock.advance(Duration.ofMinutes(31));
		assertThat(this.store.deleteExpired()).isEqualTo(1);
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		assertThat(this.store.claim("shop", "b")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
	}

	@Test
	void inATransactionTheIdCommitsAndRollsBackWithTheListenersWork() {
		this.store.destroy();
		this.store = store(new JdbcTransactionManager(this.dataSource));
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		jdbc.execute("CREATE TABLE effects (id VARCHAR(32))");
		assertThatIllegalStateException().isThrownBy(() -> this.store.atomically(() -> {
			assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
			jdbc.update("INSERT INTO effects VALUES ('a')");
			throw new IllegalStateException("listener failed");
		}));
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM effects", Integer.class)).isZero();
		this.store.atomically(() -> {
			assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
			jdbc.update("INSERT INTO effects VALUES ('a')");
			this.store.markProcessed("shop", "a");
			return null;
		});
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM effects", Integer.class)).isOne();
		assertThat(this.store.atomically(() -> this.store.claim("shop", "a")))
			.isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
	}

	@Test
	void aConcurrentDuplicateWaitsForTheFirstTransactionAndThenFindsTheRecordProcessed() throws Exception {
		this.store.destroy();
		this.store = store(new JdbcTransactionManager(this.dataSource));
		CountDownLatch claimed = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		CompletableFuture<ProcessedRecordStore.Claim> first = CompletableFuture
			.supplyAsync(() -> this.store.atomically(() -> {
				ProcessedRecordStore.Claim claim = this.store.claim("shop", "a");
				claimed.countDown();
				await(finish);
				return claim;
			}));
		assertThat(claimed.await(30, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<ProcessedRecordStore.Claim> second = CompletableFuture
			.supplyAsync(() -> this.store.atomically(() -> this.store.claim("shop", "a")));
		finish.countDown();
		assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		// Blocked on the first one's row, then told to come back (or already seeing it).
		assertThat(second.get(30, TimeUnit.SECONDS)).isIn(ProcessedRecordStore.Claim.IN_PROGRESS,
				ProcessedRecordStore.Claim.PROCESSED);
		assertThat(this.store.atomically(() -> this.store.claim("shop", "a")))
			.isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
	}

	@Test
	void inATransactionOfAnotherKindAClaimIsALeaseAndTheRecordIsMarkedWhenThatTransactionCommits()
			throws Exception {
		// Another resource's transaction, as a Kafka transaction is: this database is not in it.
		DataSource other = new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		TransactionTemplate otherTransactions = new TransactionTemplate(new JdbcTransactionManager(other));
		RecordDeduplicator deduplicator = new RecordDeduplicator(this.store, "shop", "record-id",
				Duration.ofMillis(100));
		assertThatIllegalStateException().isThrownBy(() -> otherTransactions.executeWithoutResult((status) -> {
			assertThat(this.store.joinsCurrentTransaction()).isFalse();
			assertThat(deduplicator.claim("a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
			deduplicator.processed("a");
			// Another consumer sees the claim at once, and the record not processed yet.
			assertThat(claimElsewhere("a")).isEqualTo(ProcessedRecordStore.Claim.IN_PROGRESS);
			throw new IllegalStateException("the other transaction rolls back");
		}));
		// Released with the rollback: delivered again, it is processed again.
		assertThat(claimElsewhere("a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		this.store.release("shop", "a");
		otherTransactions.executeWithoutResult((status) -> {
			assertThat(deduplicator.claim("a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
			deduplicator.processed("a");
			assertThat(claimElsewhere("a")).isEqualTo(ProcessedRecordStore.Claim.IN_PROGRESS);
		});
		assertThat(claimElsewhere("a")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
	}

	@Test
	void inATransactionOfTheListenerOnThisDatabaseTheIdIsWrittenInIt() {
		TransactionTemplate listenerTransactions = new TransactionTemplate(
				new JdbcTransactionManager(this.dataSource));
		RecordDeduplicator deduplicator = new RecordDeduplicator(this.store, "shop", "record-id",
				Duration.ofMillis(100));
		assertThatIllegalStateException().isThrownBy(() -> listenerTransactions.executeWithoutResult((status) -> {
			assertThat(this.store.joinsCurrentTransaction()).isTrue();
			assertThat(deduplicator.claim("a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
			deduplicator.processed("a");
			throw new IllegalStateException("the listener's transaction rolls back");
		}));
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		this.store.release("shop", "a");
		listenerTransactions.executeWithoutResult((status) -> {
			assertThat(deduplicator.claim("a")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
			deduplicator.processed("a");
		});
		assertThat(this.store.claim("shop", "a")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
	}

	private ProcessedRecordStore.Claim claimElsewhere(String recordId) {
		try {
			return CompletableFuture.supplyAsync(() -> this.store.claim("shop", recordId)).get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
