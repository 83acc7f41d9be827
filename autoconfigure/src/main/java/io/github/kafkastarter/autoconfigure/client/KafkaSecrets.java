package io.github.kafkastarter.autoconfigure.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.types.Password;
import org.jspecify.annotations.Nullable;

/**
 * Which Kafka client settings are secrets, and how to keep their values out of text the
 * starter writes (health details, log lines, endpoint errors). The actuator endpoint masks
 * configuration through Spring Boot's {@code Sanitizer} with a function built on
 * {@link #isSecret(String)}; this class has no actuator dependency because health works
 * without the actuator.
 */
public final class KafkaSecrets {

	/**
	 * What a masked value reads as, as in Spring Boot's sanitizer.
	 */
	public static final String MASK = "******";

	// Kafka key material held in the configuration itself (PEM), not only in files.
	private static final Set<String> KEY_MATERIAL = Set.of("ssl.keystore.key", "ssl.keystore.certificate.chain",
			"ssl.truststore.certificates");

	// Quoted options inside a JAAS configuration that hold credentials.
	private static final Pattern JAAS_OPTION = Pattern
		.compile("([A-Za-z0-9_.\\-]+)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

	private KafkaSecrets() {
	}

	/**
	 * Whether a client setting holds a secret: the JAAS configuration, every password,
	 * secret, token and credential, Schema Registry's basic auth user info, and key or
	 * trust store material.
	 * @param key the setting, for example {@code ssl.keystore.password}
	 * @return whether its value must never be shown
	 */
	public static boolean isSecret(String key) {
		String name = key.toLowerCase(Locale.ROOT);
		return name.equals("sasl.jaas.config") || name.endsWith("jaas.config") || name.contains("password")
				|| name.contains("passphrase") || name.contains("secret") || name.contains("credential")
				|| name.endsWith("token") || name.endsWith("basic.auth.user.info") || name.endsWith("user.info")
				|| name.endsWith(".key") || name.contains("private.key") || KEY_MATERIAL.contains(name);
	}

	/**
	 * Whether a text holds credentials in JAAS form ({@code password="..."}), whatever
	 * the setting it is the value of.
	 * @param text the text
	 * @return whether it holds a quoted secret option
	 */
	public static boolean containsCredentials(@Nullable String text) {
		if (text == null) {
			return false;
		}
		Matcher options = JAAS_OPTION.matcher(text);
		while (options.find()) {
			if (isSecret(options.group(1))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The secret values of a client configuration, to mask wherever they might surface in
	 * free text: every secret setting's value and, for a JAAS configuration, each quoted
	 * credential inside it.
	 * @param config the client configuration
	 * @return the values, longest first
	 */
	public static List<String> values(Map<String, ?> config) {
		Set<String> values = new LinkedHashSet<>();
		config.forEach((key, value) -> {
			String text = text(value);
			if (text == null || text.isEmpty()) {
				return;
			}
			if (isSecret(key)) {
				values.add(text);
			}
			Matcher options = JAAS_OPTION.matcher(text);
			while (options.find()) {
				if (isSecret(options.group(1)) && !options.group(2).isEmpty()) {
					values.add(options.group(2));
				}
			}
		});
		List<String> sorted = new ArrayList<>(values);
		// Longest first, so a secret containing another is masked whole.
		sorted.sort(Comparator.comparingInt(String::length).reversed());
		return List.copyOf(sorted);
	}

	/**
	 * Masks every occurrence of the given secrets in a text.
	 * @param text the text, for example an exception message
	 * @param secrets the secret values
	 * @return the text without them
	 */
	public static @Nullable String mask(@Nullable String text, Collection<String> secrets) {
		if (text == null) {
			return null;
		}
		String masked = text;
		for (String secret : secrets) {
			masked = masked.replace(secret, MASK);
		}
		return masked;
	}

	/**
	 * Describes a failure and what caused it, for example {@code KafkaException: Failed to
	 * create new KafkaAdminClient; caused by InvalidConfigurationException: SSL trust store
	 * is not specified, but trust store password is specified.}, with the given secrets
	 * masked.
	 * @param failure the failure
	 * @param secrets the secret values to mask
	 * @return the description
	 */
	public static String describe(Throwable failure, Collection<String> secrets) {
		StringBuilder text = new StringBuilder();
		Throwable cause = failure;
		for (int depth = 0; cause != null && depth < 4; depth++) {
			if (depth > 0) {
				text.append("; caused by ");
			}
			text.append(cause.getClass().getSimpleName());
			if (cause.getMessage() != null) {
				text.append(": ").append(cause.getMessage());
			}
			cause = (cause.getCause() != cause) ? cause.getCause() : null;
		}
		return mask(text.toString(), secrets);
	}

	private static @Nullable String text(@Nullable Object value) {
		if (value instanceof Password password) {
			return password.value();
		}
		return (value instanceof CharSequence chars) ? chars.toString() : null;
	}

}
