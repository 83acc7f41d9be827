package io.github.kafkastarter.autoconfigure.producer;

import java.util.HashMap;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
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
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				ProducerReliabilityAutoConfiguration.class, AutoConfigs.ERROR_HANDLING,
					AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.producer.verify-durability=off");

	@Test
	void everyClientSendsDurablyByDefaultWithKafkasOwnDefaults() {
		this.runner.withPropertyValues("kafka.starter.clients.audit.client-id=audit").run((context) -> {
			for (String bean : new String[] { "kafkaProducerFactory", "auditProducerFactory" }) {
				// Nothing restated: the durable profile is Kafka's defaults.
				assertThat(configs(context.getBean(bean))).doesNotContainKeys(ProducerConfig.ACKS_CONFIG,
						ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.RETRIES_CONFIG,
						ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
				ProducerConfig kafka = kafka(context.getBean(bean));
				assertThat(kafka.getString(ProducerConfig.ACKS_CONFIG)).isEqualTo("-1");
				assertThat(kafka.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
				assertThat(kafka.getInt(ProducerConfig.RETRIES_CONFIG)).isEqualTo(Integer.MAX_VALUE);
				assertThat(kafka.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)).isEqualTo(5);
				assertThat(kafka.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isEqualTo(120_000);
			}
		});
	}

	@Test
	void explicitValuesWinAndKafkaResolvesWhatTheyImply() {
		this.runner.withPropertyValues("spring.kafka.producer.acks=1", "spring.kafka.producer.compression-type=zstd")
			.run((context) -> {
				assertThat(configs(context.getBean("kafkaProducerFactory"))).containsEntry(ProducerConfig.ACKS_CONFIG, "1")
					.containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")
					.doesNotContainKey(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
				// Kafka turns idempotence off itself where acks=1 rules it out.
				assertThat(kafka(context.getBean("kafkaProducerFactory"))
					.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isFalse();
			});
	}

	@Test
	void aNamedClientChoosesItsOwnProfile() {
		this.runner
			.withPropertyValues("kafka.starter.clients.metrics.producer.profile=throughput",
					"kafka.starter.clients.clicks.producer.profile=low-latency",
					"kafka.starter.clients.clicks.producer.properties.linger.ms=1")
			.run((context) -> {
				assertThat(configs(context.getBean("metricsProducerFactory")))
					.doesNotContainKey(ProducerConfig.ACKS_CONFIG)
					.containsEntry(ProducerConfig.LINGER_MS_CONFIG, 20)
					.containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)
					.containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
				assertThat(configs(context.getBean("clicksProducerFactory")))
					.containsEntry(ProducerConfig.ACKS_CONFIG, "1")
					.containsEntry(ProducerConfig.LINGER_MS_CONFIG, "1");
				assertThat(kafka(context.getBean("clicksProducerFactory"))
					.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isFalse();
				assertThat(configs(context.getBean("kafkaProducerFactory")))
					.doesNotContainKeys(ProducerConfig.ACKS_CONFIG, ProducerConfig.LINGER_MS_CONFIG);
			});
	}

	@Test
	void profileNoneAddsNothing() {
		this.runner.withPropertyValues("kafka.starter.producer.profile=none", "spring.kafka.producer.acks=1")
			.run((context) -> assertThat(configs(context.getBean("kafkaProducerFactory")))
				.doesNotContainKeys(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.RETRIES_CONFIG,
						ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ProducerConfig.LINGER_MS_CONFIG));
	}

	@Test
	void aTransactionalClientKeepsIdempotenceWhateverItsProfile() {
		this.runner
			.withPropertyValues("kafka.starter.clients.payments.producer.transaction-id-prefix=pay-",
					"kafka.starter.clients.payments.producer.profile=low-latency")
			.run((context) -> {
				Object factory = context.getBean("paymentsProducerFactory");
				// The profile's acks=1 gives way: Kafka would refuse it with transactions.
				assertThat(configs(factory)).doesNotContainKey(ProducerConfig.ACKS_CONFIG)
					.containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0);
				Map<String, Object> transactional = new HashMap<>(configs(factory));
				transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "pay-0");
				ProducerConfig kafka = new ProducerConfig(transactional);
				assertThat(kafka.getString(ProducerConfig.ACKS_CONFIG)).isEqualTo("-1");
				assertThat(kafka.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
			});
	}

	@Test
	void theProfilesDeliveryTimeoutMakesRoomForALongerRequestTimeout() {
		this.runner
			.withPropertyValues("kafka.starter.producer.profile=low-latency",
					"spring.kafka.producer.properties.request.timeout.ms=60000")
			// linger.ms=0 from the profile: Kafka needs at least 0 + 60000.
			.run((context) -> assertThat(configs(context.getBean("kafkaProducerFactory")))
				.containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000));
	}

	@Test
	void valuesSetByAFactoryCustomizerOfTheApplicationWin() {
		this.runner.withPropertyValues("kafka.starter.producer.profile=throughput")
			.withBean(DefaultKafkaProducerFactoryCustomizer.class,
					() -> (factory) -> factory.updateConfigs(Map.of(ProducerConfig.LINGER_MS_CONFIG, 7)))
			.run((context) -> assertThat(configs(context.getBean("kafkaProducerFactory")))
				.containsEntry(ProducerConfig.LINGER_MS_CONFIG, 7)
				.containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
	}

	@Test
	void theEffectiveSettingsAreLoggedOncePerClient(CapturedOutput output) {
		this.runner.withPropertyValues("kafka.starter.clients.audit.producer.compression-type=zstd").run((context) -> {
			assertThat(output).contains("Kafka client 'default' producer: profile durable, acks=all, "
					+ "enable.idempotence=true, retries=2147483647, max.in.flight.requests.per.connection=5, "
					+ "delivery.timeout.ms=120000, request.timeout.ms=30000, linger.ms=5, batch.size=16384, "
					+ "compression.type=none");
			assertThat(output).contains("Kafka client 'audit' producer: profile durable")
				.contains("compression.type=zstd (set explicitly)");
		});
	}

	private static Map<String, Object> configs(Object factory) {
		return ((DefaultKafkaProducerFactory<?, ?>) factory).getConfigurationProperties();
	}

	/**
	 * The factory's configuration as Kafka reads it, defaults and derived values included.
	 */
	private static ProducerConfig kafka(Object factory) {
		return new ProducerConfig(configs(factory));
	}

}
