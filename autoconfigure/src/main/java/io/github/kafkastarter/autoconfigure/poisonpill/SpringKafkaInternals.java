package io.github.kafkastarter.autoconfigure.poisonpill;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.util.ReflectionUtils;

/**
 * The one place where the starter reads Spring Kafka state that has no public accessor.
 * Everything else goes through public API (listener containers reach the starter through
 * their factory's public methods, {@code @Deduplicated} is read from the listener
 * endpoint, {@code NewTopics} through {@code KafkaAdmin.newTopics()}).
 * <p>
 * Checked against Spring Kafka 4.1.1 and 4.1.2. {@code SpringKafkaInternalsTests} fails,
 * naming what is gone, on a Spring Kafka that no longer has what this class reads; at run
 * time a missing member fails start-up with a {@link KafkaStarterConfigurationException}
 * naming the switch that avoids it, never silently.
 */
final class SpringKafkaInternals {

	static final String KEY_DESERIALIZER_SUPPLIER = "keyDeserializerSupplier";

	static final String VALUE_DESERIALIZER_SUPPLIER = "valueDeserializerSupplier";

	private static final @Nullable Field KEY_SUPPLIER = supplierField(KEY_DESERIALIZER_SUPPLIER);

	private static final @Nullable Field VALUE_SUPPLIER = supplierField(VALUE_DESERIALIZER_SUPPLIER);

	private SpringKafkaInternals() {
	}

	/**
	 * The supplier a consumer factory makes each consumer's key or value deserializer with
	 * ({@code DefaultKafkaConsumerFactory.keyDeserializerSupplier} or
	 * {@code valueDeserializerSupplier}). Needed only for a supplier that makes a new
	 * deserializer for every consumer: the factory has no getter for it, and the one
	 * deserializer {@code getKeyDeserializer()} gives, wrapped and set back, would then be
	 * shared by all consumers.
	 * @param factory the factory
	 * @param key the key supplier, otherwise the value one
	 * @return the supplier
	 * @throws KafkaStarterConfigurationException if this Spring Kafka has no such field
	 */
	@SuppressWarnings("unchecked")
	static Supplier<@Nullable Deserializer<?>> deserializerSupplier(DefaultKafkaConsumerFactory<?, ?> factory,
			boolean key) {
		Field field = key ? KEY_SUPPLIER : VALUE_SUPPLIER;
		Object supplier = (field != null) ? ReflectionUtils.getField(field, factory) : null;
		if (!(supplier instanceof Supplier<?>)) {
			throw new KafkaStarterConfigurationException("kafka.starter.consumer.poison-pill-safety", true,
					"A consumer factory makes a new " + (key ? "key" : "value") + " deserializer for every consumer, "
							+ "and this Spring Kafka version does not let the starter wrap them in an "
							+ "ErrorHandlingDeserializer (DefaultKafkaConsumerFactory."
							+ (key ? KEY_DESERIALIZER_SUPPLIER : VALUE_DESERIALIZER_SUPPLIER)
							+ " has changed since Spring Kafka 4.1).",
					"Wrap the deserializers in an ErrorHandlingDeserializer in your supplier and set "
							+ "kafka.starter.consumer.poison-pill-safety=false (or "
							+ "kafka.starter.clients.<name>.consumer.poison-pill-safety=false for one client), or use "
							+ "a starter version made for this Spring Kafka.");
		}
		return (Supplier<@Nullable Deserializer<?>>) supplier;
	}

	/**
	 * What this class reads and this Spring Kafka lacks.
	 * @return a description of each missing member, empty when all are there
	 */
	static List<String> missing() {
		List<String> missing = new ArrayList<>();
		if (KEY_SUPPLIER == null) {
			missing.add(fieldName(KEY_DESERIALIZER_SUPPLIER));
		}
		if (VALUE_SUPPLIER == null) {
			missing.add(fieldName(VALUE_DESERIALIZER_SUPPLIER));
		}
		return missing;
	}

	private static String fieldName(String name) {
		return DefaultKafkaConsumerFactory.class.getName() + "." + name + " (a Supplier)";
	}

	private static @Nullable Field supplierField(String name) {
		Field field = ReflectionUtils.findField(DefaultKafkaConsumerFactory.class, name, Supplier.class);
		if (field != null) {
			ReflectionUtils.makeAccessible(field);
		}
		return field;
	}

}
