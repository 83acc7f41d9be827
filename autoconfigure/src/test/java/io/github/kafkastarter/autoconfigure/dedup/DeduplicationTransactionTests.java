package io.github.kafkastarter.autoconfigure.dedup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.Records;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deduplicated listeners of a Kafka-transactional container, on a real broker: a record
 * counts as processed exactly when the transaction that processed it commits, whether the
 * listener throws or the transaction fails to commit after the listener returned; each
 * record's output (sent in the listener's transaction) is published once, as a
 * {@code read_committed} consumer sees it. For the in-memory and the JDBC store.
 */
class DeduplicationTransactionTests {

	private static final int RECORDS = 10;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.PRODUCER, AutoConfigs.ERROR_HANDLING,
					AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS,
					DeduplicationAutoConfiguration.class))
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"spring.kafka.producer.transaction-id-prefix=dedup-tx-",
				"kafka.starter.producer.verify-durability=off", "kafka.starter.consumer.retry.backoff.delay=20ms",
				"kafka.starter.consumer.retry.backoff.max-delay=50ms");

	@Test
	void aTransactionalApplicationWithADataSourceStarts() {
		withDatabase(this.runner).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(KafkaTransactionManager.class);
			assertThat(context.getBean(ProcessedRecordStore.class)).isInstanceOf(JdbcProcessedRecordStore.class);
		});
	}

	@ParameterizedTest(name = "{0} store")
	@ValueSource(strings = { "memory", "jdbc" })
	void eachRecordIsProcessedOnceAndPublishedOnceThroughAFailedListenerAndAFailedCommit(String store) {
		String run = store + "-" + UUID.randomUUID().toString().substring(0, 8);
		String servers = TestBrokers.shared().getBrokersAsString();
		for (String topic : List.of("in-record-" + run, "in-batch-" + run, "out-" + run)) {
			Records.createTopic(servers, topic, 1);
		}
		ApplicationContextRunner runner = store.equals("jdbc") ? withDatabase(this.runner)
				: this.runner.withPropertyValues("kafka.starter.deduplication.store=memory");
		runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("test.run=" + run)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Listeners listeners = context.getBean(Listeners.class);
				send(servers, "in-record-" + run, "r");
				send(servers, "in-batch-" + run, "b");
				await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
					assertThat(Records.committed(servers, "record-" + run))
						.containsEntry(new TopicPartition("in-record-" + run, 0), (long) RECORDS);
					assertThat(Records.committed(servers, "batch-" + run))
						.containsEntry(new TopicPartition("in-batch-" + run, 0), (long) RECORDS);
				});
				List<String> published = readCommitted(servers, "out-" + run);
				Map<String, Long> publishedCounts = counts(published);
				System.out.printf("DEDUP-TX %s: published=%d invocations=%s committed=%s%n", store, published.size(),
						new TreeMap<>(listeners.invocations), new TreeMap<>(listeners.committed));
				List<String> expected = IntStream.range(0, RECORDS)
					.boxed()
					.flatMap((i) -> List.of("r" + i, "b" + i).stream())
					.toList();
				assertThat(publishedCounts).as("each output published once").containsOnlyKeys(expected)
					.allSatisfy((value, count) -> assertThat(count).as(value).isOne());
				assertThat(listeners.committed).as("each record processed once in a committed transaction")
					.containsOnlyKeys(expected)
					.allSatisfy((value, count) -> assertThat(count).as(value).isOne());
				// The failed attempts were made, and rolled back.
				assertThat(listeners.invocations.get("r3")).isEqualTo(2);
				assertThat(listeners.invocations.get("r6")).isEqualTo(2);
				// A batch is one transaction: the records before b5 in its batch were rolled back with it.
				assertThat(listeners.invocations.get("b5")).isGreaterThanOrEqualTo(2);
				assertThat(listeners.invocations.get("b8")).isGreaterThanOrEqualTo(2);
				// And the store says so, just after each commit.
				ProcessedRecordStore processed = context.getBean(ProcessedRecordStore.class);
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					for (int offset = 0; offset < RECORDS; offset++) {
						assertThat(processed.claim("record-" + run, "in-record-" + run + "-0@" + offset))
							.isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
						assertThat(processed.claim("batch-" + run, "in-batch-" + run + "-0@" + offset))
							.isEqualTo(ProcessedRecordStore.Claim.PROCESSED);
					}
				});
			});
	}

	private static ApplicationContextRunner withDatabase(ApplicationContextRunner runner) {
		String database = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		return runner
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
			// What a connection pool would be; the test classpath has none.
			.withBean(DataSource.class, () -> new DriverManagerDataSource(database));
	}

	private static void send(String servers, String topic, String prefix) {
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), new StringSerializer(),
				new StringSerializer())) {
			for (int i = 0; i < RECORDS; i++) {
				producer.send(new ProducerRecord<>(topic, prefix + i, prefix + i));
			}
			producer.flush();
		}
	}

	/**
	 * What a {@code read_committed} consumer sees: the output of committed transactions only.
	 */
	private static List<String> readCommitted(String servers, String topic) {
		Map<String, Object> configs = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
				ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
				false);
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(configs, new StringDeserializer(),
				new StringDeserializer())) {
			TopicPartition partition = new TopicPartition(topic, 0);
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			// The last stable offset: nothing is left open once the input's offsets are committed.
			long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
			List<String> values = new ArrayList<>();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (consumer.position(partition) < end && System.nanoTime() < deadline) {
				consumer.poll(Duration.ofMillis(200)).forEach((record) -> values.add(record.value()));
			}
			return values;
		}
	}

	private static Map<String, Long> counts(List<String> values) {
		return values.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

	/**
	 * Fails the commit of the transaction of the thread that asked for it, once: what a
	 * broker that does not take the commit, or a fenced producer, does after the listener
	 * returned.
	 */
	static class CommitFailingKafkaTransactionManager extends KafkaTransactionManager<Object, Object> {

		private final ThreadLocal<Boolean> failCommit = ThreadLocal.withInitial(() -> false);

		CommitFailingKafkaTransactionManager(ProducerFactory<Object, Object> producerFactory) {
			super(producerFactory);
		}

		void failThisThreadsNextCommit() {
			this.failCommit.set(true);
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			if (this.failCommit.get()) {
				this.failCommit.set(false);
				throw new TransactionSystemException("Commit failed (simulated)");
			}
			super.doCommit(status);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final Map<String, Integer> invocations = new ConcurrentHashMap<>();

		final Map<String, Integer> committed = new ConcurrentHashMap<>();

		private final AtomicBoolean r3Fails = new AtomicBoolean(true);

		private final AtomicBoolean r6CommitFails = new AtomicBoolean(true);

		private final AtomicBoolean b5Fails = new AtomicBoolean(true);

		private final AtomicBoolean b8CommitFails = new AtomicBoolean(true);

		private final KafkaTemplate<String, String> template;

		private final CommitFailingKafkaTransactionManager transactions;

		private final String output;

		Listeners(KafkaTemplate<String, String> template, CommitFailingKafkaTransactionManager transactions,
				@Value("${test.run}") String run) {
			this.template = template;
			this.transactions = transactions;
			this.output = "out-" + run;
		}

		@Bean
		static CommitFailingKafkaTransactionManager kafkaTransactionManager(
				ProducerFactory<Object, Object> producerFactory) {
			return new CommitFailingKafkaTransactionManager(producerFactory);
		}

		@KafkaListener(id = "record-${test.run}", topics = "in-record-${test.run}", groupId = "record-${test.run}")
		@Deduplicated
		void onRecord(ConsumerRecord<String, String> record) {
			process(record);
			if (record.value().equals("r3") && this.r3Fails.getAndSet(false)) {
				throw new IllegalStateException("r3 fails after sending its output");
			}
			if (record.value().equals("r6") && this.r6CommitFails.getAndSet(false)) {
				this.transactions.failThisThreadsNextCommit();
			}
		}

		@KafkaListener(id = "batch-${test.run}", topics = "in-batch-${test.run}", groupId = "batch-${test.run}",
				batch = "true")
		@Deduplicated
		void onBatch(List<ConsumerRecord<String, String>> records) {
			for (ConsumerRecord<String, String> record : records) {
				process(record);
				if (record.value().equals("b5") && this.b5Fails.getAndSet(false)) {
					throw new BatchListenerFailedException("b5 fails after sending its output", record);
				}
				if (record.value().equals("b8") && this.b8CommitFails.getAndSet(false)) {
					this.transactions.failThisThreadsNextCommit();
				}
			}
		}

		private void process(ConsumerRecord<String, String> record) {
			String value = record.value();
			this.invocations.merge(value, 1, Integer::sum);
			this.template.send(this.output, value, value);
			if (!TransactionSynchronizationManager.isSynchronizationActive()) {
				// Spring Kafka's transactions have none unless deduplication turned them on:
				// then nothing counts as committed, and the test fails.
				return;
			}
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					Listeners.this.committed.merge(value, 1, Integer::sum);
				}

			});
		}

	}

}
