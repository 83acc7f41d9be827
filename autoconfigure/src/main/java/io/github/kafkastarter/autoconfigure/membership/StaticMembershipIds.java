package io.github.kafkastarter.autoconfigure.membership;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.DigestUtils;
import org.springframework.util.StringUtils;

/**
 * The {@code group.instance.id} of a listener container under static membership:
 * {@code <application>-<instance>-<listener id>}; Spring Kafka appends the consumer's
 * index in its container ({@code -0}, {@code -1}...), so every consumer has its own id,
 * and the same one after a restart.
 */
final class StaticMembershipIds {

	/**
	 * The environment variable that names the instance when no instance id is configured:
	 * the pod name on Kubernetes.
	 */
	static final String HOSTNAME = "HOSTNAME";

	private static final String GENERATED_ID_PREFIX = "org.springframework.kafka.KafkaListenerEndpointContainer#";

	// Kafka accepts letters, digits, '.', '_' and '-' in a group.instance.id, up to 249.
	private static final Pattern ILLEGAL = Pattern.compile("[^A-Za-z0-9._-]+");

	private static final int MAX_LENGTH = 200;

	private StaticMembershipIds() {
	}

	/**
	 * The instance identity: the configured one, else {@code HOSTNAME}.
	 * @param configured the configured instance id, or {@code null}
	 * @param environment the environment
	 * @return the identity, or {@code null} when there is none
	 */
	static @Nullable String instance(@Nullable String configured, Environment environment) {
		if (StringUtils.hasText(configured)) {
			return configured.trim();
		}
		String hostname = environment.getProperty(HOSTNAME);
		return StringUtils.hasText(hostname) ? hostname.trim() : null;
	}

	/**
	 * The id of one listener container on one instance.
	 * @param application the application name
	 * @param instance the instance identity
	 * @param listenerId the listener id
	 * @return a valid {@code group.instance.id}
	 */
	static String of(String application, String instance, String listenerId) {
		String listener = listenerId.startsWith(GENERATED_ID_PREFIX)
				? "listener-" + listenerId.substring(GENERATED_ID_PREFIX.length()) : listenerId;
		String id = clean(application) + "-" + clean(instance) + "-" + clean(listener);
		if (id.length() > MAX_LENGTH) {
			// Stable and still unique: a prefix and a digest of the whole.
			String digest = DigestUtils.md5DigestAsHex(id.getBytes(StandardCharsets.UTF_8));
			id = id.substring(0, MAX_LENGTH - digest.length() - 1) + "-" + digest;
		}
		return id;
	}

	/**
	 * The start-up failure when static membership has no instance identity.
	 * @param property the instance-id property to name
	 * @return the exception to throw
	 */
	static KafkaStarterConfigurationException missingInstance(String property) {
		return new KafkaStarterConfigurationException(property, null,
				"Static membership is on, but this instance has no identity: no instance id is configured and the "
						+ "HOSTNAME environment variable is not set. Every instance of the application would join "
						+ "with the same group.instance.id and fence the others.",
				"Set '" + property + "' to a name that is unique per instance and stable across its restarts, "
						+ "for example '${HOSTNAME}' or a StatefulSet pod name, or turn static membership off.");
	}

	private static String clean(String part) {
		String cleaned = ILLEGAL.matcher(part.trim()).replaceAll("-");
		return cleaned.isEmpty() ? "x" : cleaned;
	}

}
