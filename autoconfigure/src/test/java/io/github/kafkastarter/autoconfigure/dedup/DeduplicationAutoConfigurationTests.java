package io.github.kafkastarter.autoconfigure.dedup;

import javax.sql.DataSource;

import io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration;
import io.github.kafkastarter.autoconfigure.errorhandling.ListenerErrorHandlingAutoConfiguration;
import io.github.kafkastarter.autoconfigure.membership.GroupMembershipAutoConfiguration;
import io.github.kafkastarter.autoconfigure.producer.ProducerReliabilityAutoConfiguration;
import io.github.kafkastarter.autoconfigure.reliability.PoisonPillAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.transaction.KafkaTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

class DeduplicationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaClientsAutoConfiguration.class,
				ProducerReliabilityAutoConfiguration.class, ListenerErrorHandlingAutoConfiguration.class,
					GroupMembershipAutoConfiguration.class, PoisonPillAutoConfiguration.class,
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
