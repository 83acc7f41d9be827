package io.github.kafkastarter.autoconfigure.reliability;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

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
	void deserializerInstancesAndSuppliersOnTheFactoryAreWrapped() {
		this.runner.withBean(DefaultKafkaConsumerFactoryCustomizer.class, () -> (factory) -> {
			DefaultKafkaConsumerFactory<Object, Object> raw = (DefaultKafkaConsumerFactory<Object, Object>) factory;
			raw.setKeyDeserializer((Deserializer) new StringDeserializer());
			raw.setValueDeserializerSupplier(() -> (Deserializer) new IntegerDeserializer());
		}).run((context) -> {
			DefaultKafkaConsumerFactory<?, ?> factory = context.getBean(DefaultKafkaConsumerFactory.class);
			assertThat(factory.getKeyDeserializer()).isInstanceOf(ErrorHandlingDeserializer.class);
			assertThat(factory.getValueDeserializer()).isInstanceOf(ErrorHandlingDeserializer.class);
			// A supplier still gives a fresh deserializer for each consumer.
			assertThat(factory.getValueDeserializer()).isNotSameAs(factory.getValueDeserializer());
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

	static class UpperCaseDeserializer implements Deserializer<String> {

		@Override
		public String deserialize(String topic, byte[] data) {
			return new String(data, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
		}

	}

}
