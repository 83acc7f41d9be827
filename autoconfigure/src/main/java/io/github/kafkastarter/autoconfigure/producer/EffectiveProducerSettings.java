package io.github.kafkastarter.autoconfigure.producer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import io.github.kafkastarter.autoconfigure.client.Acks;
import io.github.kafkastarter.autoconfigure.producer.ProducerReliabilityProperties.ProducerProfile;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

/**
 * A producer profile applied to what a client already configures: the profile fills in
 * only the keys the configuration does not have, and Kafka's defaults stand for the rest.
 * Two of a profile's own values give way where Kafka would refuse them beside an explicit
 * one: its {@code acks} to idempotence the application asks for (explicitly or through
 * transactions), its delivery timeout to a longer linger plus request timeout.
 */
final class EffectiveProducerSettings {

	/**
	 * The settings worth logging: what decides whether a send is durable, ordered, fast.
	 */
	static final List<String> REPORTED = List.of(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
			ProducerConfig.RETRIES_CONFIG, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
			ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
			ProducerConfig.LINGER_MS_CONFIG, ProducerConfig.BATCH_SIZE_CONFIG, ProducerConfig.COMPRESSION_TYPE_CONFIG);

	private static final Map<String, Object> KAFKA_DEFAULTS = ProducerConfig.configDef().defaultValues();

	private final ProducerProfile profile;

	private final Map<String, Object> additions = new LinkedHashMap<>();

	private final Map<String, Object> configured;

	private EffectiveProducerSettings(ProducerProfile profile, Map<String, Object> configured, boolean transactional) {
		this.profile = profile;
		this.configured = configured;
		profile.settings().forEach((key, value) -> {
			if (!configured.containsKey(key)) {
				this.additions.put(key, value);
			}
		});
		if (transactional || Boolean.TRUE.equals(bool(configured.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)))) {
			// Idempotence only works with acks=all, Kafka's default.
			this.additions.remove(ProducerConfig.ACKS_CONFIG);
		}
		Integer delivery = integer(this.additions.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
		Integer linger = integer(value(ProducerConfig.LINGER_MS_CONFIG));
		Integer request = integer(value(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
		if (delivery != null && linger != null && request != null && delivery < (long) linger + request) {
			// Kafka refuses an explicit delivery timeout below linger + request timeout.
			this.additions.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
					(int) Math.min(Integer.MAX_VALUE, (long) linger + request));
		}
	}

	/**
	 * Applies a profile to a client's configuration.
	 * @param profile the profile
	 * @param configured the producer configuration the client has
	 * @param transactional whether the client's producers are transactional
	 * @return the settings
	 */
	static EffectiveProducerSettings resolve(ProducerProfile profile, Map<String, Object> configured,
			boolean transactional) {
		return new EffectiveProducerSettings(profile, configured, transactional);
	}

	/**
	 * What to add to the configuration.
	 * @return the keys the profile sets
	 */
	Map<String, Object> additions() {
		return this.additions;
	}

	/**
	 * Whether the producers will be idempotent: explicitly, or by Kafka's default, which
	 * Kafka itself turns off when {@code acks} or {@code retries} rule it out.
	 * @return whether a retry can never write a record twice
	 */
	boolean idempotent() {
		Boolean explicit = bool(this.configured.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
		if (explicit != null) {
			return explicit;
		}
		Integer retries = integer(value(ProducerConfig.RETRIES_CONFIG));
		return Acks.isAll(value(ProducerConfig.ACKS_CONFIG)) && (retries == null || retries > 0);
	}

	/**
	 * The value the producers will use: explicit, the profile's, or Kafka's default.
	 */
	private @Nullable Object value(String key) {
		if (this.configured.containsKey(key)) {
			return this.configured.get(key);
		}
		return this.additions.containsKey(key) ? this.additions.get(key) : KAFKA_DEFAULTS.get(key);
	}

	/**
	 * One line describing the effective settings and where each comes from.
	 * @param sanitizer masks values the application considers sensitive
	 * @return the description
	 */
	String describe(BiFunction<String, Object, Object> sanitizer) {
		StringBuilder line = new StringBuilder("profile ").append(this.profile.propertyValue());
		for (String key : REPORTED) {
			Object value = value(key);
			if (ProducerConfig.ACKS_CONFIG.equals(key)) {
				value = Acks.normalize(value);
			}
			else if (ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG.equals(key)) {
				value = idempotent();
			}
			if (value == null) {
				continue;
			}
			line.append(", ").append(key).append('=').append(sanitizer.apply(key, value));
			if (this.configured.containsKey(key)) {
				line.append(" (set explicitly)");
			}
			else if (ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG.equals(key) && !idempotent()) {
				line.append(" (off: acks or retries rule it out)");
			}
		}
		return line.toString();
	}

	private static @Nullable Boolean bool(@Nullable Object value) {
		return (value != null) ? Boolean.valueOf(value.toString().trim()) : null;
	}

	static @Nullable Integer integer(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.intValue();
		}
		if (value instanceof String text && !text.isBlank()) {
			try {
				return Integer.valueOf(text.trim());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

}
