package io.github.kafkastarter.autoconfigure.dedup;

import java.util.Collection;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which producers stamp record ids: by default those that are not idempotent, whose
 * retries can write a record twice; all or none when asked.
 */
class RecordIdStampingTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.PRODUCER, AutoConfigs.ERROR_HANDLING,
					AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS,
					DeduplicationAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.producer.verify-durability=off");

	@Test
	void byDefaultOnlyProducersThatAreNotIdempotentStampIds() {
		this.runner
			.withPropertyValues("kafka.starter.clients.clicks.producer.profile=low-latency",
					"kafka.starter.clients.legacy.producer.acks=1", "kafka.starter.clients.audit.client-id=audit")
			.run((context) -> {
				assertThat(stamps(context.getBean("kafkaProducerFactory"))).isFalse();
				assertThat(stamps(context.getBean("auditProducerFactory"))).isFalse();
				assertThat(stamps(context.getBean("clicksProducerFactory"))).isTrue();
				assertThat(stamps(context.getBean("legacyProducerFactory"))).isTrue();
			});
	}

	@Test
	void alwaysAndNever() {
		this.runner
			.withPropertyValues("kafka.starter.producer.record-ids=always",
					"kafka.starter.clients.clicks.producer.profile=low-latency",
					"kafka.starter.clients.clicks.producer.record-ids=never")
			.run((context) -> {
				Map<String, Object> configs = ((DefaultKafkaProducerFactory<?, ?>) context
					.getBean("kafkaProducerFactory")).getConfigurationProperties();
				assertThat(stamps(context.getBean("kafkaProducerFactory"))).isTrue();
				assertThat(configs).containsEntry(RecordIdInterceptor.HEADER_CONFIG, "record-id");
				assertThat(stamps(context.getBean("clicksProducerFactory"))).isFalse();
			});
	}

	private static boolean stamps(Object factory) {
		Object classes = ((DefaultKafkaProducerFactory<?, ?>) factory).getConfigurationProperties()
			.get(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
		return classes instanceof Collection<?> collection && collection.contains(RecordIdInterceptor.class);
	}

}
