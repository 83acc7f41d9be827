package io.github.kafkastarter.autoconfigure.reliability;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration;
import io.github.kafkastarter.autoconfigure.dedup.Deduplicated;
import io.github.kafkastarter.autoconfigure.dedup.DeduplicationAutoConfiguration;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * The application of the consumer crash test: a deduplicated listener whose side effect
 * is a row in a database, the same database that keeps the processed record ids. The
 * test runs it in a JVM of its own and kills that JVM mid-batch.
 */
@SpringBootConfiguration
@ImportAutoConfiguration({ KafkaAutoConfiguration.class, KafkaClientsAutoConfiguration.class,
		ReliabilityAutoConfiguration.class, DeduplicationAutoConfiguration.class,
		DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class })
public class CrashingConsumerApplication {

	static final String TOPIC = "crash";

	@Bean
	DataSource dataSource(Environment environment) {
		return new DriverManagerDataSource(environment.getRequiredProperty("crash.database"));
	}

	@Bean
	Listener listener(JdbcTemplate jdbc) {
		return new Listener(jdbc);
	}

	static ConfigurableApplicationContext run(String... args) {
		return new SpringApplicationBuilder(CrashingConsumerApplication.class).web(WebApplicationType.NONE)
			.run(args);
	}

	public static void main(String[] args) {
		run(args);
	}

	static class Listener {

		private final JdbcTemplate jdbc;

		Listener(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@KafkaListener(id = "crash", topics = TOPIC, groupId = "crash")
		@Deduplicated
		void onRecord(ConsumerRecord<String, String> record) {
			this.jdbc.update("INSERT INTO effects (record_value) VALUES (?)", record.value());
			// Processing takes a moment, so that a crash lands in the middle of a batch.
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
		}

	}

}
