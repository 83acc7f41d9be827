package io.github.kafkastarter.autoconfigure.dedup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.github.kafkastarter.autoconfigure.dedup.Deduplication.RecordDeduplicator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.BatchAcknowledgingMessageListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The deduplicating listener wrappers: what counts as processed, what is released, and
 * what happens to acknowledgments and nacks.
 */
class DeduplicatingListenersTests {

	private final ProcessedRecordStore memory = new InMemoryProcessedRecordStore(1000, Duration.ofHours(1),
			Duration.ofMinutes(5));

	@Test
	void aDuplicateIsSkippedAndAcknowledged() {
		List<String> processed = new ArrayList<>();
		RecordingAck ack = new RecordingAck();
		DeduplicatingMessageListener<String, String> listener = new DeduplicatingMessageListener<>(
				(AcknowledgingMessageListener<String, String>) (record, acknowledgment) -> processed.add(record.value()),
				deduplicator(this.memory));
		listener.onMessage(record(0, "a", "id-1"), ack, null);
		listener.onMessage(record(1, "a-again", "id-1"), ack, null);
		assertThat(processed).containsExactly("a");
		assertThat(ack.acks).isEqualTo(1);
	}

	@Test
	void aFailedRecordIsReleasedAndProcessedWhenDeliveredAgain() {
		List<String> processed = new ArrayList<>();
		boolean[] fail = { true };
		DeduplicatingMessageListener<String, String> listener = new DeduplicatingMessageListener<>(
				(AcknowledgingMessageListener<String, String>) (record, acknowledgment) -> {
					if (fail[0]) {
						fail[0] = false;
						throw new IllegalStateException("boom");
					}
					processed.add(record.value());
				}, deduplicator(this.memory));
		assertThatIllegalStateException().isThrownBy(() -> listener.onMessage(record(0, "a", "id-1"), null, null));
		listener.onMessage(record(0, "a", "id-1"), null, null);
		assertThat(processed).containsExactly("a");
	}

	@Test
	void aNackedRecordDoesNotCountAsProcessed() {
		List<String> processed = new ArrayList<>();
		boolean[] nack = { true };
		RecordingAck ack = new RecordingAck();
		DeduplicatingMessageListener<String, String> listener = new DeduplicatingMessageListener<>(
				(AcknowledgingMessageListener<String, String>) (record, acknowledgment) -> {
					if (nack[0]) {
						nack[0] = false;
						acknowledgment.nack(Duration.ofMillis(1));
						return;
					}
					processed.add(record.value());
				}, deduplicator(this.memory));
		listener.onMessage(record(0, "a", "id-1"), ack, null);
		assertThat(ack.nacks).isEqualTo(1);
		listener.onMessage(record(0, "a", "id-1"), ack, null);
		assertThat(processed).containsExactly("a");
	}

	@Test
	void inATransactionAnAcknowledgmentWaitsForTheCommit() {
		String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		DriverManagerDataSource dataSource = new DriverManagerDataSource(url);
		JdbcProcessedRecordStore store = new JdbcProcessedRecordStore(dataSource, "processed", true,
				new JdbcTransactionManager(dataSource), Duration.ofHours(1), Duration.ofMinutes(5), Duration.ZERO);
		store.afterPropertiesSet();
		RecordingAck ack = new RecordingAck();
		boolean[] fail = { true };
		DeduplicatingMessageListener<String, String> listener = new DeduplicatingMessageListener<>(
				(AcknowledgingMessageListener<String, String>) (record, acknowledgment) -> {
					acknowledgment.acknowledge();
					assertThat(ack.acks).as("acknowledged before the commit").isZero();
					if (fail[0]) {
						fail[0] = false;
						throw new IllegalStateException("after the acknowledgment");
					}
				}, deduplicator(store));
		assertThatIllegalStateException().isThrownBy(() -> listener.onMessage(record(0, "a", "id-1"), ack, null));
		// Rolled back: the offset is not committed either.
		assertThat(ack.acks).isZero();
		listener.onMessage(record(0, "a", "id-1"), ack, null);
		assertThat(ack.acks).isOne();
		store.destroy();
	}

	@Test
	void aBatchListenerGetsEachNewRecordOnceAndFailedIndexesPointAtTheRightRecords() {
		ProcessedRecordStore store = this.memory;
		RecordingAck ack = new RecordingAck();
		List<List<String>> batches = new ArrayList<>();
		DeduplicatingBatchMessageListener<String, String> listener = new DeduplicatingBatchMessageListener<>(
				(BatchAcknowledgingMessageListener<String, String>) (records, acknowledgment) -> {
					batches.add(records.stream().map(ConsumerRecord::value).toList());
					if (records.size() == 3) {
						throw new BatchListenerFailedException("third fails", 2);
					}
					acknowledgment.nack(1, Duration.ofMillis(1));
				}, deduplicator(store));
		store.claim("shop", "id-0");
		store.markProcessed("shop", "id-0");
		List<ConsumerRecord<String, String>> batch = List.of(record(0, "r0", "id-0"), record(1, "r1", "id-1"),
				record(2, "r1-again", "id-1"), record(3, "r3", "id-3"), record(4, "r4", "id-4"));
		assertThatExceptionOfType(BatchListenerFailedException.class)
			.isThrownBy(() -> listener.onMessage(batch, ack, null))
			// Index 2 of what the listener got is offset 4 of the batch.
			.satisfies((ex) -> assertThat(ex.getRecord().offset()).isEqualTo(4));
		assertThat(batches.get(0)).containsExactly("r1", "r3", "r4");
		assertThat(store.claim("shop", "id-1")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
		assertThat(store.claim("shop", "id-3")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
		// Released: the error handler delivers it again.
		assertThat(store.claim("shop", "id-4")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		store.release("shop", "id-4");
		listener.onMessage(List.of(record(4, "r4", "id-4"), record(5, "r5", "id-5")), ack, null);
		assertThat(batches.get(1)).containsExactly("r4", "r5");
		// nack(1) of the listener's list is index 1 of the container's.
		assertThat(ack.nackIndexes).containsExactly(1);
		assertThat(store.claim("shop", "id-4")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
		assertThat(store.claim("shop", "id-5")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
	}

	@Test
	void aBatchListenerFailureWrappedByTheListenerAdapterStillCountsTheRecordsBeforeTheFailedOne() {
		ProcessedRecordStore store = this.memory;
		DeduplicatingBatchMessageListener<String, String> listener = new DeduplicatingBatchMessageListener<>(
				(BatchMessageListener<String, String>) (records) -> {
					// What a @KafkaListener method's BatchListenerFailedException becomes.
					throw new ListenerExecutionFailedException("Listener method 'onBatch' threw exception",
							new BatchListenerFailedException("r2 fails", records.get(2)));
				}, deduplicator(store));
		List<ConsumerRecord<String, String>> batch = List.of(record(0, "r0", "id-0"), record(1, "r1", "id-1"),
				record(2, "r2", "id-2"), record(3, "r3", "id-3"));
		assertThatExceptionOfType(ListenerExecutionFailedException.class)
			.isThrownBy(() -> listener.onMessage(batch, null, null));
		// The error handler commits r0 and r1: a duplicate of either is skipped.
		assertThat(store.claim("shop", "id-0")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
		assertThat(store.claim("shop", "id-1")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
		assertThat(store.claim("shop", "id-2")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		assertThat(store.claim("shop", "id-3")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
	}

	@Test
	void aWrappedFailureByIndexNamesTheRecordOfTheWholeBatch() {
		DeduplicatingBatchMessageListener<String, String> listener = new DeduplicatingBatchMessageListener<>(
				(BatchMessageListener<String, String>) (records) -> {
					throw new ListenerExecutionFailedException("Listener method 'onBatch' threw exception",
							new BatchListenerFailedException("second fails", 1));
				}, deduplicator(this.memory));
		this.memory.claim("shop", "id-0");
		this.memory.markProcessed("shop", "id-0");
		assertThatExceptionOfType(BatchListenerFailedException.class)
			.isThrownBy(() -> listener.onMessage(
					List.of(record(0, "r0", "id-0"), record(1, "r1", "id-1"), record(2, "r2", "id-2")), null, null))
			// Index 1 of what the listener got (r1, r2) is offset 2.
			.satisfies((ex) -> assertThat(ex.getRecord().offset()).isEqualTo(2));
		assertThat(this.memory.claim("shop", "id-1")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
	}

	@Test
	void inATransactionARecordCountsAsProcessedOnlyOnceTheTransactionCommits() {
		TransactionTemplate transactions = new TransactionTemplate(new JdbcTransactionManager(database()));
		ProcessedRecordStore store = this.memory;
		RecordDeduplicator deduplicator = deduplicator(store);
		assertThatIllegalStateException().isThrownBy(() -> transactions.executeWithoutResult((status) -> {
			assertThat(deduplicator.claim("id-1")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
			deduplicator.processed("id-1");
			// Its work may still be rolled back.
			assertThat(store.claim("shop", "id-1")).isEqualTo(ProcessedRecordStore.Claim.IN_PROGRESS);
			throw new IllegalStateException("the transaction rolls back");
		}));
		// Released: delivered again, it is processed again.
		assertThat(store.claim("shop", "id-1")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
		store.release("shop", "id-1");
		transactions.executeWithoutResult((status) -> {
			assertThat(deduplicator.claim("id-1")).isEqualTo(ProcessedRecordStore.Claim.ACQUIRED);
			deduplicator.processed("id-1");
		});
		assertThat(store.claim("shop", "id-1")).isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
	}

	@Test
	void inTheContainersTransactionAnAcknowledgmentGoesThroughAtOnce() {
		// The container commits the offset with its own transaction (a Kafka one).
		TransactionTemplate containerTransaction = new TransactionTemplate(new JdbcTransactionManager(database()));
		RecordingAck ack = new RecordingAck();
		DeduplicatingMessageListener<String, String> listener = new DeduplicatingMessageListener<>(
				(AcknowledgingMessageListener<String, String>) (record, acknowledgment) -> {
					acknowledgment.acknowledge();
					assertThat(ack.acks).isOne();
				}, deduplicator(this.memory));
		containerTransaction.executeWithoutResult((status) -> listener.onMessage(record(0, "a", "id-1"), ack, null));
		assertThat(ack.acks).isOne();
	}

	private static DriverManagerDataSource database() {
		return new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
	}

	private static RecordDeduplicator deduplicator(ProcessedRecordStore store) {
		return new RecordDeduplicator(store, "shop", "record-id", Duration.ofMillis(100));
	}

	private static ConsumerRecord<String, String> record(long offset, String value, String id) {
		ConsumerRecord<String, String> record = new ConsumerRecord<>("payments", 0, offset, "k", value);
		record.headers().add("record-id", id.getBytes(StandardCharsets.UTF_8));
		return record;
	}

	static final class RecordingAck implements Acknowledgment {

		int acks;

		int nacks;

		final List<Integer> nackIndexes = new ArrayList<>();

		@Override
		public void acknowledge() {
			this.acks++;
		}

		@Override
		public void nack(Duration sleep) {
			this.nacks++;
		}

		@Override
		public void nack(int index, Duration sleep) {
			this.nacks++;
			this.nackIndexes.add(index);
		}

	}

}
