package io.github.kafkastarter.autoconfigure.dedup;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.client.ListenerEndpoints;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Fallback;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Deduplication (the idempotent consumer): record ids stamped by every producer, listeners
 * marked {@link Deduplicated} (or configured so) skipping records they processed, and the
 * {@link ProcessedRecordStore} that remembers them, in a database table when the
 * application has a {@code DataSource}, in memory otherwise.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.producer.ProducerReliabilityAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.errorhandling.ListenerErrorHandlingAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.membership.GroupMembershipAutoConfiguration",
				"io.github.kafkastarter.autoconfigure.poisonpill.PoisonPillAutoConfiguration" })
@ConditionalOnClass({ KafkaTemplate.class, KafkaProperties.class })
@ConditionalOnBean(KafkaProperties.class)
@EnableConfigurationProperties({ DeduplicationProperties.class, RecordIdProperties.class })
final class DeduplicationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Deduplication kafkaStarterDeduplication(ProcessedRecordStore store, DeduplicationProperties properties) {
		return new Deduplication(store, properties.getHeader(), properties.getClaimTimeout());
	}

	// The customizer runs while the Kafka beans are created, and the store may need a
	// transaction manager that needs them (Kafka's): it looks the deduplication up only
	// when a listener container is made.
	// Like every customizer of the starter, a fallback: a KafkaClientCustomizer of the
	// application is the one a lookup by type finds; all of them are applied.
	@Bean
	@Fallback
	@ConditionalOnMissingBean(name = "kafkaStarterDeduplicationCustomizer")
	KafkaClientCustomizer kafkaStarterDeduplicationCustomizer(ObjectProvider<Deduplication> deduplication,
			ObjectProvider<ListenerEndpoints> endpoints, DeduplicationProperties properties, Environment environment) {
		return new DeduplicationCustomizer(deduplication::getObject,
				endpoints::getIfAvailable, properties.getHeader(),
				Binder.get(environment));
	}

	// Registered after the nested JdbcStore (Spring loads nested configuration first), so
	// it only stands in when there is no database store.
	@Bean
	@ConditionalOnMissingBean(ProcessedRecordStore.class)
	InMemoryProcessedRecordStore kafkaProcessedRecordStore(DeduplicationProperties properties) {
		if (properties.getStore() == DeduplicationProperties.Store.JDBC) {
			throw new KafkaStarterConfigurationException("kafka.starter.deduplication.store", "jdbc",
					"Processed records are to be kept in a database, but the application has no single "
							+ "DataSource (or spring-jdbc is missing).",
					"Add spring-boot-starter-jdbc and configure spring.datasource.url, or set "
							+ "'kafka.starter.deduplication.store=auto' to keep them in memory.");
		}
		return new InMemoryProcessedRecordStore(properties.getMemory().getMaxEntries(), properties.getRetention(),
				properties.getClaimTimeout());
	}

	/**
	 * Processed ids in the application's database.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcTemplate.class)
	@ConditionalOnSingleCandidate(DataSource.class)
	@Conditional(NotMemoryStore.class)
	static class JdbcStore {

		@Bean
		@ConditionalOnMissingBean(ProcessedRecordStore.class)
		JdbcProcessedRecordStore kafkaJdbcProcessedRecordStore(DataSource dataSource,
				ObjectProvider<PlatformTransactionManager> transactionManagers, DeduplicationProperties properties,
				@Qualifier(KafkaClients.TASK_SCHEDULER) ObjectProvider<TaskScheduler> scheduler) {
			DeduplicationProperties.Jdbc jdbc = properties.getJdbc();
			// Looked up on first use: a Kafka transaction manager needs the producer factory,
			// whose customizers may need this store.
			Supplier<PlatformTransactionManager> transactionManager = jdbc.isTransactional()
					? () -> databaseTransactionManager(transactionManagers, dataSource) : null;
			return new JdbcProcessedRecordStore(dataSource, jdbc.getTable(), jdbc.isCreateTable(),
					transactionManager, properties.getRetention(), properties.getClaimTimeout(),
					jdbc.getCleanupInterval(), scheduler.getIfAvailable(), Clock.systemUTC());
		}

		/**
		 * The application's transaction manager for its database (JPA's manages it too): the
		 * only one that is not Kafka's, or the primary one; else one for the DataSource alone.
		 */
		private static PlatformTransactionManager databaseTransactionManager(
				ObjectProvider<PlatformTransactionManager> transactionManagers, DataSource dataSource) {
			List<PlatformTransactionManager> database = transactionManagers.orderedStream()
				.filter((candidate) -> !(candidate instanceof KafkaAwareTransactionManager<?, ?>))
				.toList();
			if (database.size() == 1) {
				return database.get(0);
			}
			PlatformTransactionManager primary = transactionManagers.getIfUnique();
			if (primary != null && !(primary instanceof KafkaAwareTransactionManager<?, ?>)) {
				return primary;
			}
			return new JdbcTransactionManager(dataSource);
		}

	}

	static class NotMemoryStore extends NoneNestedConditions {

		NotMemoryStore() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = "kafka.starter.deduplication.store", havingValue = "memory")
		static class Memory {

		}

	}

}
