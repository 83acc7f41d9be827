package io.github.kafkastarter.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.kafkastarter.autoconfigure.client.KafkaSecrets;
import org.apache.kafka.common.config.types.Password;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Shows a Kafka client configuration with every secret masked, through Spring Boot's
 * {@link Sanitizer}: first a function that masks Kafka's secret settings
 * ({@link KafkaSecrets#isSecret(String)} and Boot's likely credentials), then the
 * application's own {@link SanitizingFunction} beans, as Boot's {@code env} and
 * {@code configprops} endpoints apply them.
 */
final class KafkaConfigurationSanitizer {

	private final Sanitizer sanitizer;

	KafkaConfigurationSanitizer(Iterable<SanitizingFunction> applicationFunctions) {
		List<SanitizingFunction> functions = new ArrayList<>();
		functions.add(kafkaSecrets());
		applicationFunctions.forEach(functions::add);
		this.sanitizer = new Sanitizer(functions);
	}

	static SanitizingFunction kafkaSecrets() {
		return SanitizingFunction.sanitizeValue()
			.ifLikelyCredential()
			.ifMatches((data) -> KafkaSecrets.isSecret(data.getKey()))
			// Kafka's own type for sensitive values, whatever the key.
			.ifMatches((data) -> data.getValue() instanceof Password)
			// A JAAS configuration under a key of its own.
			.ifMatches((data) -> data.getValue() instanceof String text && KafkaSecrets.containsCredentials(text));
	}

	/**
	 * The configuration as the endpoint shows it: sorted by key, values made readable
	 * (class names for classes and objects), secrets masked.
	 * @param config a client configuration
	 * @return the sanitized configuration
	 */
	Map<String, @Nullable Object> sanitize(Map<String, ?> config) {
		Map<String, @Nullable Object> sanitized = new TreeMap<>();
		config.forEach((key, value) -> {
			Object shown = (value instanceof Password) ? value : readable(value);
			sanitized.put(key, this.sanitizer.sanitize(new SanitizableData(null, key, shown), true));
		});
		return sanitized;
	}

	private static @Nullable Object readable(@Nullable Object value) {
		if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
			return value;
		}
		if (value instanceof Class<?> type) {
			return type.getName();
		}
		if (value instanceof Collection<?> values) {
			return values.stream().map(KafkaConfigurationSanitizer::readable).toList();
		}
		// An instance (an interceptor, an SSL bundle): its type, never its toString(), which
		// might reveal what it holds.
		return value.getClass().getName();
	}

}
