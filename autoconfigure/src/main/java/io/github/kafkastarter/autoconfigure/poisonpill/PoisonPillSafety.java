package io.github.kafkastarter.autoconfigure.poisonpill;

import java.util.Map;
import java.util.Properties;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.ClassUtils;

/**
 * Wraps deserializers in Spring Kafka's {@link ErrorHandlingDeserializer}, however they
 * are configured: as a class or class name in the configuration (the wrapper takes the
 * original as its delegate class), or as an instance or a supplier of one instance set on
 * the factory (one wrapper around it). Deserializers that already handle errors are left
 * alone.
 * <p>
 * A supplier that makes a new deserializer for every consumer stops start-up instead:
 * {@code DefaultKafkaConsumerFactory} gives no access to its supplier (checked on Spring
 * Kafka 4.1.1, 4.1.2 and 4.2.0-M1), and replacing it loses the only reference to it, so
 * public API can only wrap one of the deserializers it makes, which every consumer would
 * then share.
 */
final class PoisonPillSafety {

	private PoisonPillSafety() {
	}

	/**
	 * Wraps a factory's key and value deserializers.
	 * @param factory the factory
	 * @param configs the factory's configuration
	 * @param updates receives the configuration changes
	 * @param classLoader to resolve class names
	 * @param client the factory's client, as the report of a deserializer that cannot be
	 * wrapped names it ({@code the default client} or {@code client 'audit'})
	 * @param property the switch that turns poison-pill safety off for the factory
	 * @throws KafkaStarterConfigurationException if the factory makes a new deserializer
	 * for every consumer, one that does not handle errors itself
	 */
	static void wrap(DefaultKafkaConsumerFactory<?, ?> factory, Map<String, Object> configs,
			Map<String, Object> updates, @Nullable ClassLoader classLoader, String client, String property) {
		wrap(factory, true, configs, updates, classLoader, client, property);
		wrap(factory, false, configs, updates, classLoader, client, property);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void wrap(DefaultKafkaConsumerFactory factory, boolean key, Map<String, Object> configs,
			Map<String, Object> updates, @Nullable ClassLoader classLoader, String client, String property) {
		// Asked to see what it gives (without a deserializer set, nothing): that is how
		// instances set on the factory are told from classes in the configuration.
		Deserializer<?> instance = deserializer(factory, key);
		if (instance == null) {
			wrapConfigured(key, configs, updates, classLoader);
			return;
		}
		if (instance instanceof ErrorHandlingDeserializer<?>) {
			return;
		}
		if (deserializer(factory, key) == instance) {
			// One deserializer for every consumer, as the factory had it.
			if (key) {
				factory.setKeyDeserializer(safe(instance, true));
			}
			else {
				factory.setValueDeserializer(safe(instance, false));
			}
			return;
		}
		String part = key ? "key" : "value";
		throw new KafkaStarterConfigurationException(property, true, "A consumer factory of " + client
				+ " makes a new " + part + " deserializer for every consumer (" + instance.getClass().getName()
				+ ", from a supplier set on the factory), and Spring Kafka's public API does not let the starter "
				+ "wrap each one in an ErrorHandlingDeserializer.",
				"Make the supplier return each deserializer it makes wrapped, new ErrorHandlingDeserializer<>("
						+ "deserializer), which the starter leaves as it is, or set " + property + "=false.");
	}

	private static @Nullable Deserializer<?> deserializer(DefaultKafkaConsumerFactory<?, ?> factory, boolean key) {
		try {
			return key ? factory.getKeyDeserializer() : factory.getValueDeserializer();
		}
		catch (NullPointerException ex) {
			// Spring Kafka's answer for a factory built with no supplier at all.
			return null;
		}
	}

	/**
	 * Wraps deserializers configured by class or class name.
	 * @param key whether the key deserializer, otherwise the value one
	 * @param configs the configuration
	 * @param updates receives the changes
	 * @param classLoader to resolve class names
	 */
	static void wrapConfigured(boolean key, Map<?, ?> configs, Map<String, Object> updates,
			@Nullable ClassLoader classLoader) {
		String property = key ? ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG
				: ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG;
		Object configured = configs.get(property);
		if (configured == null || handlesErrors(configured, classLoader)) {
			return;
		}
		updates.put(property, ErrorHandlingDeserializer.class);
		updates.put(key ? ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS
				: ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, configured);
	}

	/**
	 * Wraps deserializers a listener sets in its own consumer properties
	 * ({@code @KafkaListener(properties = ...)}).
	 * @param properties the listener's consumer properties
	 * @param classLoader to resolve class names
	 * @return the properties with wrapped deserializers, or {@code null} when nothing
	 * changed
	 */
	static @Nullable Properties wrapConfigured(Properties properties, @Nullable ClassLoader classLoader) {
		java.util.Map<String, Object> updates = new java.util.HashMap<>();
		wrapConfigured(true, properties, updates, classLoader);
		wrapConfigured(false, properties, updates, classLoader);
		if (updates.isEmpty()) {
			return null;
		}
		Properties wrapped = new Properties();
		wrapped.putAll(properties);
		updates.forEach((name, value) -> wrapped.put(name,
				(value instanceof Class<?> type) ? type.getName() : value.toString()));
		return wrapped;
	}

	private static boolean handlesErrors(Object configured, @Nullable ClassLoader classLoader) {
		if (configured instanceof Class<?> type) {
			return ErrorHandlingDeserializer.class.isAssignableFrom(type);
		}
		if (configured instanceof String name) {
			try {
				return ErrorHandlingDeserializer.class.isAssignableFrom(ClassUtils.forName(name.trim(), classLoader));
			}
			catch (ClassNotFoundException | LinkageError ex) {
				// Left as it is: the start-up checks report an unknown class.
				return true;
			}
		}
		return true;
	}

	private static @Nullable ErrorHandlingDeserializer<?> safe(@Nullable Deserializer<?> deserializer, boolean key) {
		if (deserializer == null) {
			return null;
		}
		if (deserializer instanceof ErrorHandlingDeserializer<?> handling) {
			return handling;
		}
		ErrorHandlingDeserializer<?> wrapper = new ErrorHandlingDeserializer<>(deserializer);
		wrapper.setForKey(key);
		return wrapper;
	}

}
