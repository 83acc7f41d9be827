package io.github.kafkastarter.autoconfigure.poisonpill;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails on a Spring Kafka that no longer has the private state {@link SpringKafkaInternals}
 * reads, naming what changed, before any application meets it.
 */
class SpringKafkaInternalsTests {

	private static final String VERSION = String.valueOf(DefaultKafkaConsumerFactory.class.getPackage()
		.getImplementationVersion());

	@Test
	void everyPrivateMemberTheStarterReadsExists() {
		assertThat(SpringKafkaInternals.missing())
			.as("Spring Kafka %s no longer has what SpringKafkaInternals reads; find the new way there (a public "
					+ "getter, if one came) before releasing the starter for it", VERSION)
			.isEmpty();
	}

	@Test
	void theDeserializerSupplierReadIsTheOneTheFactoryWasGiven() {
		Supplier<Deserializer<String>> keys = StringDeserializer::new;
		Supplier<Deserializer<String>> values = StringDeserializer::new;
		DefaultKafkaConsumerFactory<String, String> factory = new DefaultKafkaConsumerFactory<>(Map.of());
		factory.setKeyDeserializerSupplier(keys);
		factory.setValueDeserializerSupplier(values);
		assertThat(SpringKafkaInternals.deserializerSupplier(factory, true))
			.as("Spring Kafka %s keeps the key deserializer supplier somewhere else", VERSION)
			.isSameAs(keys);
		assertThat(SpringKafkaInternals.deserializerSupplier(factory, false))
			.as("Spring Kafka %s keeps the value deserializer supplier somewhere else", VERSION)
			.isSameAs(values);
	}

}
