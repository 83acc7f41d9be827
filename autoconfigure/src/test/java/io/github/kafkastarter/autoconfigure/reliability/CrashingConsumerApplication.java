package io.github.kafkastarter.autoconfigure.reliability;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

import io.github.kafkastarter.autoconfigure.dedup.Deduplicated;
import io.github.kafkastarter.autoconfigure.support.ImportAutoConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * The application of the consumer crash test: a deduplicated listener whose side effect
 * is a row in a database, the same database that keeps the processed record ids. The
 * test runs it in a JVM of its own and kills that JVM mid-batch.
 */
@SpringBootConfiguration
@ImportAutoConfigs({ "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
		"client.KafkaClientsAutoConfiguration",
		"producer.ProducerReliabilityAutoConfiguration",
		"errorhandling.ListenerErrorHandlingAutoConfiguration",
		"membership.GroupMembershipAutoConfiguration",
		"poisonpill.PoisonPillAutoConfiguration",
		"dedup.DeduplicationAutoConfiguration" })
public class CrashingConsumerApplication {

	static final String TOPIC = "crash";

	@Bean
	DataSource dataSource(Environment environment) {
		return new DriverManagerDataSource(environment.getRequiredProperty("crash.database"));
	}

	@Bean
	PollMarker pollMarker() {
		return new PollMarker();
	}

	@Bean
	Listener listener(JdbcTemplate jdbc, PollMarker polls, Environment environment) {
		return new Listener(jdbc, polls, environment.getProperty("crash.hold-after", Integer.class, 0));
	}

	static ConfigurableApplicationContext run(String... args) {
		return new SpringApplicationBuilder(CrashingConsumerApplication.class).web(WebApplicationType.NONE)
			.run(args);
	}

	public static void main(String[] args) {
		run(args);
	}

	/**
	 * Counts the records of the current poll: Spring Kafka calls a record interceptor's
	 * {@code setupThreadState} right before each poll.
	 */
	static class PollMarker implements RecordInterceptor<Object, Object> {

		volatile int recordsThisPoll;

		@Override
		public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
				Consumer<Object, Object> consumer) {
			this.recordsThisPoll++;
			return record;
		}

		@Override
		public void setupThreadState(Consumer<?, ?> consumer) {
			this.recordsThisPoll = 0;
		}

	}

	static class Listener {

		private final JdbcTemplate jdbc;

		private final PollMarker polls;

		private final int holdAfter;

		private final AtomicInteger processed = new AtomicInteger();

		Listener(JdbcTemplate jdbc, PollMarker polls, int holdAfter) {
			this.jdbc = jdbc;
			this.polls = polls;
			this.holdAfter = holdAfter;
		}

		@KafkaListener(id = "crash", topics = TOPIC, groupId = "crash")
		@Deduplicated
		void onRecord(ConsumerRecord<String, String> record) {
			if (this.holdAfter > 0 && this.processed.get() >= this.holdAfter && this.polls.recordsThisPoll >= 2) {
				// Stops in the middle of a poll (a record of it is done, its offsets are not
				// committed) until the test kills the process: the crash lands mid-batch
				// however loaded the machine is.
				while (!Thread.currentThread().isInterrupted()) {
					LockSupport.park(this);
				}
			}
			this.processed.incrementAndGet();
			this.jdbc.update("INSERT INTO effects (record_value) VALUES (?)", record.value());
			// Processing takes a moment, so that a crash lands in the middle of a batch.
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
		}

	}

}
