package io.github.kafkastarter.autoconfigure.reliability;

import java.util.Map;

import io.github.kafkastarter.autoconfigure.client.KafkaClientsAutoConfiguration;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Producer profiles fill in what a client leaves unset, for the default client and every
 * named client, and never overwrite a value the application set.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProducerProfilesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaClientsAutoConfiguration.class,
				ReliabilityAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.producer.verify-durability=off");

	@Test
	void everyClientSendsDurablyByDefault() {
		this.runner.withPropertyValues("kafka.starter.clients.audit.client-id=audit").run((context) -> {
			for (String bean : new String[] { "kafkaProducerFactory", "auditProducerFactory" }) {
				assertThat(configs(context.getBean(bean))).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
					.containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
					.containsEntry(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE)
					.containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5)
					.containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
			}
		});
	}

	@Test
	void explicitValuesWinAndTheProfileStaysCoherentWithThem() {
		this.runner.withPropertyValues("spring.kafka.producer.acks=1", "spring.kafka.producer.compression-type=zstd")
			.run((context) -> assertThat(configs(context.getBean("kafkaProducerFactory")))
				.containsEntry(ProducerConfig.ACKS_CONFIG, "1")
				// Kafka refuses idempotence with acks=1: the profile gives it up.
				.containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false)
				.containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")
				.containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000));
	}

	@Test
	void aNamedClientChoosesItsOwnProfile() {
		this.runner
			.withPropertyValues("kafka.starter.clients.metrics.producer.profile=throughput",
					"kafka.starter.clients.clicks.producer.profile=low-latency",
					"kafka.starter.clients.clicks.producer.properties.linger.ms=1")
			.run((context) -> {
				assertThat(configs(context.getBean("metricsProducerFactory")))
					.containsEntry(ProducerConfig.ACKS_CONFIG, "all")
					.containsEntry(ProducerConfig.LINGER_MS_CONFIG, 20)
					.containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)
					.containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
				assertThat(configs(context.getBean("clicksProducerFactory")))
					.containsEntry(ProducerConfig.ACKS_CONFIG, "1")
					.containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false)
					.containsEntry(ProducerConfig.LINGER_MS_CONFIG, "1");
				assertThat(configs(context.getBean("kafkaProducerFactory")))
					.containsEntry(ProducerConfig.ACKS_CONFIG, "all")
					.doesNotContainKey(ProducerConfig.LINGER_MS_CONFIG);
			});
	}

	@Test
	void profileNoneAddsNothingNotEvenToStayCoherent() {
		this.runner
			.withPropertyValues("kafka.starter.producer.profile=none",
					"spring.kafka.producer.properties.max.in.flight.requests.per.connection=10")
			.run((context) -> assertThat(configs(context.getBean("kafkaProducerFactory")))
				.doesNotContainKeys(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
						ProducerConfig.RETRIES_CONFIG, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)
				.containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "10"));
	}

	@Test
	void aTransactionalClientKeepsIdempotenceWhateverItsProfile() {
		this.runner
			.withPropertyValues("kafka.starter.clients.payments.producer.transaction-id-prefix=pay-",
					"kafka.starter.clients.payments.producer.profile=low-latency")
			.run((context) -> assertThat(configs(context.getBean("paymentsProducerFactory")))
				.containsEntry(ProducerConfig.ACKS_CONFIG, "all")
				.containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
				.containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0));
	}

	@Test
	void theDeliveryTimeoutMakesRoomForALongerRequestTimeout() {
		this.runner.withPropertyValues("spring.kafka.producer.properties.request.timeout.ms=150000")
			.run((context) -> assertThat(configs(context.getBean("kafkaProducerFactory")))
				.containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 150_005));
	}

	@Test
	void valuesSetByAFactoryCustomizerOfTheApplicationWin() {
		this.runner
			.withBean(DefaultKafkaProducerFactoryCustomizer.class,
					() -> (factory) -> factory.updateConfigs(Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 45_000)))
			.run((context) -> assertThat(configs(context.getBean("kafkaProducerFactory")))
				.containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 45_000));
	}

	@Test
	void theEffectiveSettingsAreLoggedOncePerClient(CapturedOutput output) {
		this.runner.withPropertyValues("kafka.starter.clients.audit.producer.compression-type=zstd").run((context) -> {
			assertThat(output).contains("Kafka client 'default' producer: profile durable, acks=all, "
					+ "enable.idempotence=true, retries=2147483647, max.in.flight.requests.per.connection=5, "
					+ "delivery.timeout.ms=120000");
			assertThat(output).contains("Kafka client 'audit' producer: profile durable")
				.contains("compression.type=zstd (set explicitly)");
		});
	}

	private static Map<String, Object> configs(Object factory) {
		return ((DefaultKafkaProducerFactory<?, ?>) factory).getConfigurationProperties();
	}

}
