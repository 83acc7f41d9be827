package io.github.kafkastarter.autoconfigure.reliability;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.Ordered;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every consumer factory gets poison-pill safe deserializers, however they are given, and
 * the cooperative-sticky assignor on the classic protocol; the application's choices stay.
 */
class ConsumerDefaultsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.PRODUCER, AutoConfigs.ERROR_HANDLING,
					AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.producer.verify-durability=off");

	@Test
	void deserializersConfiguredAsClassesAreWrapped() {
		this.runner.withPropertyValues("kafka.starter.clients.audit.consumer.value-deserializer="
				+ IntegerDeserializer.class.getName()).run((context) -> {
					assertThat(configs(context.getBean("kafkaConsumerFactory")))
						.containsEntry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class)
						.containsEntry(ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS, StringDeserializer.class)
						.containsEntry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class)
						.containsEntry(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, StringDeserializer.class);
					assertThat(configs(context.getBean("auditConsumerFactory")))
						.containsEntry(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, IntegerDeserializer.class);
				});
	}

	@Test
	void deserializersConfiguredAsClassNamesAreWrapped() {
		this.runner.withPropertyValues(
				"spring.kafka.consumer.properties.value.deserializer=" + IntegerDeserializer.class.getName())
			.run((context) -> assertThat(configs(context.getBean("kafkaConsumerFactory")))
				.containsEntry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class)
				.containsEntry(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS,
					IntegerDeserializer.class.getName()));
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void aDeserializerInstanceOnTheFactoryIsWrapped() {
		this.runner.withBean(DefaultKafkaConsumerFactoryCustomizer.class,
				() -> (factory) -> ((DefaultKafkaConsumerFactory<Object, Object>) factory)
					.setKeyDeserializer((Deserializer) new StringDeserializer()))
			.run((context) -> assertThat(context.getBean(DefaultKafkaConsumerFactory.class).getKeyDeserializer())
				.isInstanceOf(ErrorHandlingDeserializer.class));
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void aSupplierOfANewDeserializerForEveryConsumerStopsStartUpWithAReport() {
		// Spring Kafka's public API cannot wrap what such a supplier makes: the factory
		// gives no access to the supplier, so a wrapper could only share one deserializer.
		this.runner.withBean(DefaultKafkaConsumerFactoryCustomizer.class,
				() -> (factory) -> ((DefaultKafkaConsumerFactory<Object, Object>) factory)
					.setValueDeserializerSupplier(() -> (Deserializer) new IntegerDeserializer()))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOfSatisfying(KafkaStarterConfigurationException.class, (ex) -> {
						assertThat(ex.getProperty()).isEqualTo("kafka.starter.consumer.poison-pill-safety");
						assertThat(ex.getValue()).isEqualTo(true);
						assertThat(ex.getProblem()).contains("new value deserializer for every consumer")
							.contains("the default client");
						assertThat(ex.getAction()).contains("ErrorHandlingDeserializer")
							.contains("kafka.starter.consumer.poison-pill-safety=false");
					});
			});
	}

	@Test
	void aNamedClientsSupplierOfANewDeserializerForEveryConsumerIsReportedWithThatClientsSwitch() {
		this.runner.withPropertyValues("kafka.starter.clients.audit.consumer.group-id=audit")
			.withBean(AuditKeysPerConsumer.class)
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(KafkaStarterConfigurationException.class, (ex) -> {
					assertThat(ex.getProperty()).isEqualTo("kafka.starter.clients.audit.consumer.poison-pill-safety");
					assertThat(ex.getProblem()).contains("new key deserializer for every consumer")
						.contains("client 'audit'");
					assertThat(ex.getAction())
						.contains("kafka.starter.clients.audit.consumer.poison-pill-safety=false");
				}));
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void aSupplierThatWrapsEachOfItsDeserializersIsLeftAsItIs() {
		this.runner.withBean(DefaultKafkaConsumerFactoryCustomizer.class,
				() -> (factory) -> ((DefaultKafkaConsumerFactory<Object, Object>) factory).setValueDeserializerSupplier(
						() -> (Deserializer) new ErrorHandlingDeserializer<>(new IntegerDeserializer())))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DefaultKafkaConsumerFactory<?, ?> factory = context.getBean(DefaultKafkaConsumerFactory.class);
				assertThat(factory.getValueDeserializer()).isInstanceOf(ErrorHandlingDeserializer.class)
					.isNotSameAs(factory.getValueDeserializer());
			});
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void aSupplierOfANewDeserializerForEveryConsumerStartsWithPoisonPillSafetyOff() {
		this.runner.withPropertyValues("kafka.starter.consumer.poison-pill-safety=false")
			.withBean(DefaultKafkaConsumerFactoryCustomizer.class,
					() -> (factory) -> ((DefaultKafkaConsumerFactory<Object, Object>) factory)
						.setValueDeserializerSupplier(() -> (Deserializer) new IntegerDeserializer()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DefaultKafkaConsumerFactory<?, ?> factory = context.getBean(DefaultKafkaConsumerFactory.class);
				assertThat(factory.getValueDeserializer()).isInstanceOf(IntegerDeserializer.class)
					.isNotSameAs(factory.getValueDeserializer());
			});
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void oneDeserializerOnTheFactoryGetsOneWrapperAroundIt() {
		Deserializer<Object> upperCase = (Deserializer) new UpperCaseDeserializer();
		this.runner.withBean(DefaultKafkaConsumerFactoryCustomizer.class,
				() -> (factory) -> ((DefaultKafkaConsumerFactory<Object, Object>) factory).setValueDeserializer(upperCase))
			.run((context) -> {
				DefaultKafkaConsumerFactory<?, ?> factory = context.getBean(DefaultKafkaConsumerFactory.class);
				Deserializer<?> wrapper = factory.getValueDeserializer();
				assertThat(wrapper).isInstanceOf(ErrorHandlingDeserializer.class)
					.isSameAs(factory.getValueDeserializer());
				assertThat(wrapper.deserialize("t", "abc".getBytes(StandardCharsets.UTF_8))).isEqualTo("ABC");
			});
	}

	@Test
	void aConsumerFactoryBuiltWithoutDeserializerSuppliersIsWrappedThroughItsConfiguration() {
		this.runner.withBean("kafkaConsumerFactory", DefaultKafkaConsumerFactory.class,
				() -> new DefaultKafkaConsumerFactory<>(
						Map.of(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
								ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class),
						(Supplier<Deserializer<Object>>) null, (Supplier<Deserializer<Object>>) null))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(configs(context.getBean("kafkaConsumerFactory")))
					.containsEntry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class)
					.containsEntry(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, StringDeserializer.class);
			});
	}

	@Test
	void poisonPillSafetyCanBeTurnedOffPerClient() {
		this.runner
			.withPropertyValues("kafka.starter.clients.raw.consumer.group-id=raw",
					"kafka.starter.clients.raw.consumer.poison-pill-safety=false")
			.run((context) -> {
				assertThat(configs(context.getBean("rawConsumerFactory")))
					.containsEntry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
				assertThat(configs(context.getBean("kafkaConsumerFactory")))
					.containsEntry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class);
			});
	}

	@Test
	void theCooperativeStickyAssignorUnlessTheApplicationChoseOne() {
		this.runner
			.withPropertyValues("kafka.starter.clients.legacy.consumer.properties.partition.assignment.strategy="
					+ "org.apache.kafka.clients.consumer.RangeAssignor")
			.run((context) -> {
				assertThat(configs(context.getBean("kafkaConsumerFactory"))).containsEntry(
						ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
						List.of(CooperativeStickyAssignor.class.getName()));
				assertThat(configs(context.getBean("legacyConsumerFactory"))).containsEntry(
						ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
						"org.apache.kafka.clients.consumer.RangeAssignor");
			});
	}

	@Test
	void theConsumerGroupProtocolOnOnePropertyAndNoAssignorThen() {
		this.runner.withPropertyValues("kafka.starter.consumer.group-protocol=consumer")
			.run((context) -> assertThat(configs(context.getBean("kafkaConsumerFactory")))
				.containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer")
				.doesNotContainKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG));
	}

	private static Map<String, Object> configs(Object factory) {
		return ((DefaultKafkaConsumerFactory<?, ?>) factory).getConfigurationProperties();
	}

	static class AuditKeysPerConsumer implements KafkaClientCustomizer, Ordered {

		@Override
		@SuppressWarnings({ "unchecked", "rawtypes" })
		public void customizeConsumerFactory(KafkaClient client, DefaultKafkaConsumerFactory<?, ?> factory) {
			if (client.name().equals("audit")) {
				((DefaultKafkaConsumerFactory<Object, Object>) factory)
					.setKeyDeserializerSupplier(() -> (Deserializer) new StringDeserializer());
			}
		}

		@Override
		public int getOrder() {
			// Before the starter's customizers, as an application's supplier would be.
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

	static class UpperCaseDeserializer implements Deserializer<String> {

		@Override
		public String deserialize(String topic, byte[] data) {
			return new String(data, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
		}

	}

}
