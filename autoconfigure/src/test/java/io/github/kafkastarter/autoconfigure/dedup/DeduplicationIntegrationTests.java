package io.github.kafkastarter.autoconfigure.dedup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a real broker: producers stamp record ids; a deduplicated listener processes a record
 * once however often it arrives; with a DataSource, what was processed survives a restart
 * and the listener's database work commits together with the record's id.
 */
class DeduplicationIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.PRODUCER, AutoConfigs.ERROR_HANDLING,
					AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS,
					DeduplicationAutoConfiguration.class))
		.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"kafka.starter.producer.verify-durability=off", "kafka.starter.consumer.retry.backoff.delay=20ms",
				"kafka.starter.consumer.retry.backoff.max-delay=50ms");

	@Test
	void aRecordSentTwiceIsProcessedOnceAndProducersStampIdsWhenAsked() {
		KafkaTopics.create(TestBrokers.shared().getBrokersAsString(), "dedup-memory", 2, 1, Map.of());
		this.runner.withUserConfiguration(MemoryListeners.class)
			.withPropertyValues("kafka.starter.producer.record-ids=always")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ProcessedRecordStore.class)).isInstanceOf(InMemoryProcessedRecordStore.class);
				KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
				ProducerRecord<String, String> payment = new ProducerRecord<>("dedup-memory", "alice", "pay-1");
				payment.headers().add("record-id", "payment-1".getBytes(StandardCharsets.UTF_8));
				template.send(payment).get();
				// The same payment again, as a producer that retried at the application level would.
				ProducerRecord<String, String> again = new ProducerRecord<>("dedup-memory", "alice", "pay-1");
				again.headers().add("record-id", "payment-1".getBytes(StandardCharsets.UTF_8));
				template.send(again).get();
				template.send("dedup-memory", "bob", "pay-2").get();
				MemoryListeners listeners = context.getBean(MemoryListeners.class);
				await().atMost(Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(listeners.batch).containsExactlyInAnyOrder("pay-1", "pay-2"));
				await().atMost(Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(listeners.record).containsExactlyInAnyOrder("pay-1", "pay-2"));
				Deduplication deduplication = context.getBean(Deduplication.class);
				assertThat(deduplication.forListener("dedup-record").get().skipped()).isEqualTo(1);
				assertThat(deduplication.forListener("dedup-batch").get().skipped()).isEqualTo(1);
				// Stamped by the starter's producer.
				assertThat(listeners.ids).hasSize(2).doesNotContainNull().contains("payment-1");
			});
	}

	@Test
	void withADataSourceProcessedRecordsSurviveARestartAndTheListenersWorkCommitsWithTheId() {
		KafkaTopics.create(TestBrokers.shared().getBrokersAsString(), "dedup-jdbc", 1, 1, Map.of());
		String database = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		ApplicationContextRunner jdbc = this.runner
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
			// What a connection pool would be; the test classpath has none.
			.withBean(DataSource.class, () -> new DriverManagerDataSource(database))
			.withUserConfiguration(JdbcListener.class);
		jdbc.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ProcessedRecordStore.class)).isInstanceOf(JdbcProcessedRecordStore.class);
			JdbcTemplate db = context.getBean(JdbcTemplate.class);
			db.execute("CREATE TABLE payments (id VARCHAR(64))");
			context.getBean(JdbcListener.class).failOnce.set(true);
			KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
			template.send(withId("dedup-jdbc", "pay-1", "payment-1")).get();
			// The first delivery inserted its row and then failed: the row was rolled back
			// with the record's id, and the retry inserted it again, once.
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(db.queryForList("SELECT id FROM payments", String.class))
					.containsExactly("pay-1"));
			assertThat(context.getBean(JdbcListener.class).deliveries).hasSize(2);
		});
		jdbc.run((context) -> {
			assertThat(context).hasNotFailed();
			JdbcTemplate db = context.getBean(JdbcTemplate.class);
			KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
			template.send(withId("dedup-jdbc", "pay-1", "payment-1")).get();
			template.send(withId("dedup-jdbc", "pay-2", "payment-2")).get();
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(db.queryForList("SELECT id FROM payments", String.class))
					.containsExactlyInAnyOrder("pay-1", "pay-2"));
			// After the restart the repeated payment was recognised from the database.
			assertThat(context.getBean(Deduplication.class).forListener("dedup-jdbc").get().skipped()).isOne();
			assertThat(context.getBean(JdbcListener.class).deliveries).containsExactly("pay-2");
		});
	}

	private static ProducerRecord<String, String> withId(String topic, String value, String id) {
		ProducerRecord<String, String> record = new ProducerRecord<>(topic, value, value);
		record.headers().add("record-id", id.getBytes(StandardCharsets.UTF_8));
		return record;
	}

	@Configuration(proxyBeanMethods = false)
	static class MemoryListeners {

		final ConcurrentLinkedQueue<String> record = new ConcurrentLinkedQueue<>();

		final ConcurrentLinkedQueue<String> batch = new ConcurrentLinkedQueue<>();

		final ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();

		@KafkaListener(id = "dedup-record", topics = "dedup-memory", groupId = "dedup-record")
		@Deduplicated
		void onPayment(ConsumerRecord<String, String> payment) {
			this.record.add(payment.value());
			this.ids.add(new String(payment.headers().lastHeader("record-id").value(), StandardCharsets.UTF_8));
		}

		@KafkaListener(id = "dedup-batch", topics = "dedup-memory", groupId = "dedup-batch", batch = "true")
		@Deduplicated
		void onPayments(List<String> payments) {
			this.batch.addAll(payments);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JdbcListener {

		final AtomicBoolean failOnce = new AtomicBoolean();

		final ConcurrentLinkedQueue<String> deliveries = new ConcurrentLinkedQueue<>();

		private final JdbcTemplate db;

		JdbcListener(JdbcTemplate db) {
			this.db = db;
		}

		@KafkaListener(id = "dedup-jdbc", topics = "dedup-jdbc", groupId = "dedup-jdbc")
		@Deduplicated
		void onPayment(String payment) {
			this.deliveries.add(payment);
			this.db.update("INSERT INTO payments VALUES (?)", payment);
			if (this.failOnce.compareAndSet(true, false)) {
				throw new IllegalStateException("crash after the insert");
			}
		}

	}

}
