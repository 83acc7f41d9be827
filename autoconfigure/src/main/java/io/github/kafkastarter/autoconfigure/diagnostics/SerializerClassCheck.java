package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.util.ClassUtils;

/**
 * Serializer and deserializer classes must exist and be what their key says: Kafka only
 * fails on them when the first producer or consumer is created, often with a bare
 * {@code ClassNotFoundException}, and a deserializer configured as a serializer is a
 * common slip.
 */
final class SerializerClassCheck implements ConfigurationCheck {

	private static final List<String> PACKAGES = List.of("org.apache.kafka.common.serialization.",
			"org.springframework.kafka.support.serializer.");

	@Override
	public void check(ConfigurationCheckContext context) {
		for (ConfigurationCheckContext.ClientPrefix client : context.clients()) {
			check(context, client.property("producer.key-serializer"), Serializer.class);
			check(context, client.property("producer.value-serializer"), Serializer.class);
			check(context, client.property("consumer.key-deserializer"), Deserializer.class);
			check(context, client.property("consumer.value-deserializer"), Deserializer.class);
			checkMap(context, client.property("producer.properties"), Serializer.class, "key.serializer",
					"value.serializer");
			checkMap(context, client.property("consumer.properties"), Deserializer.class, "key.deserializer",
					"value.deserializer", "spring.deserializer.key.delegate.class",
					"spring.deserializer.value.delegate.class");
			checkMap(context, client.property("properties"), Serializer.class, "key.serializer", "value.serializer");
			checkMap(context, client.property("properties"), Deserializer.class, "key.deserializer",
					"value.deserializer", "spring.deserializer.key.delegate.class",
					"spring.deserializer.value.delegate.class");
		}
	}

	private void check(ConfigurationCheckContext context, String property, Class<?> expected) {
		context.bind(property, Bindable.of(String.class)).ifPresent((name) -> check(property, name, expected));
	}

	private void checkMap(ConfigurationCheckContext context, String property, Class<?> expected, String... keys) {
		Map<String, String> map;
		try {
			map = context.bind(property, Bindable.mapOf(String.class, String.class)).orElse(Map.of());
		}
		catch (BindException ex) {
			return;
		}
		for (String key : keys) {
			String name = map.get(key);
			if (name != null) {
				check(property + "[" + key + "]", name, expected);
			}
		}
	}

	private void check(String property, String value, Class<?> expected) {
		String name = value.trim();
		if (name.isEmpty()) {
			return;
		}
		String kind = (expected == Serializer.class) ? "serializer" : "deserializer";
		Class<?> type = load(name);
		if (type == null) {
			String suggestion = suggest(name, expected);
			throw new KafkaStarterConfigurationException(property, name,
					"There is no class '" + name + "' on the classpath, so Kafka cannot create the " + kind + ".",
					(suggestion != null) ? "Use the fully qualified name, '" + property + "=" + suggestion + "'."
							: "Check the spelling and package, or add the library that provides it.");
		}
		if (!expected.isAssignableFrom(type)) {
			boolean swapped = (expected == Serializer.class) ? Deserializer.class.isAssignableFrom(type)
					: Serializer.class.isAssignableFrom(type);
			String counterpart = swapped ? counterpart(name) : null;
			String actual = swapped ? "a " + ((expected == Serializer.class) ? "deserializer" : "serializer")
					: "not a Kafka " + kind;
			throw new KafkaStarterConfigurationException(property, name,
					"'" + name + "' is " + actual + ", but this key needs an implementation of " + expected.getName()
							+ ".",
					(counterpart != null && load(counterpart) != null) ? "Use '" + property + "=" + counterpart + "'."
							: "Name a class that implements " + expected.getName() + ".");
		}
	}

	private static @Nullable String suggest(String name, Class<?> expected) {
		if (name.contains(".")) {
			return null;
		}
		for (String prefix : PACKAGES) {
			Class<?> candidate = load(prefix + name);
			if (candidate != null && expected.isAssignableFrom(candidate)) {
				return candidate.getName();
			}
		}
		return null;
	}

	private static @Nullable String counterpart(String name) {
		if (name.endsWith("Deserializer")) {
			return name.substring(0, name.length() - "Deserializer".length()) + "Serializer";
		}
		if (name.endsWith("Serializer")) {
			return name.substring(0, name.length() - "Serializer".length()) + "Deserializer";
		}
		return null;
	}

	private static @Nullable Class<?> load(String name) {
		try {
			return ClassUtils.forName(name, ClassUtils.getDefaultClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return null;
		}
	}

}
