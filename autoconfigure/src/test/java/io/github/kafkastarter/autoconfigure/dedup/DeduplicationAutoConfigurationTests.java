package io.github.kafkastarter.autoconfigure.dedup;

import javax.sql.DataSource;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.transaction.KafkaTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

class DeduplicationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.PRODUCER, AutoConfigs.ERROR_HANDLING,
					AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS,
					DeduplicationAutoConfiguration.class))
		.withBean(DataSource.class, () -> new DriverManagerDataSource("jdbc:h2:mem:dedup-wiring;DB_CLOSE_DELAY=-1"))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9",
				"kafka.starter.producer.verify-durability=off");

	@Test
	void aDataSourceAndKafkaTransactionsStartTogether() {
		// The database store looks for the application's transaction manager, here Kafka's,
		// which needs the producer factory the starter's customizers are shaping.
		this.runner.withPropertyValues("spring.kafka.producer.transaction-id-prefix=tx-").run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(KafkaTransactionManager.class)
				.getBean(ProcessedRecordStore.class)
				.isInstanceOf(JdbcProcessedRecordStore.class);
		});
	}

}
