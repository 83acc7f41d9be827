package io.github.kafkastarter.autoconfigure.reliability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

/**
 * A producer profile applied to what a client already configures: the profile fills in
 * only the keys the configuration does not have, and gives way where one of its values
 * would contradict an explicit one (Kafka rejects idempotence with {@code acks=1}, for
 * example, and a delivery timeout shorter than linger plus request timeout).
 */
final class EffectiveProducerSettings {

	/**
	 * The settings worth logging: what decides whether a send is durable, ordered, fast.
	 */
	static final List<String> REPORTED = List.of(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
			ProducerConfig.RETRIES_CONFIG, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
			ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
			ProducerConfig.LINGER_MS_CONFIG, ProducerConfig.BATCH_SIZE_CONFIG, ProducerConfig.COMPRESSION_TYPE_CONFIG);

	private static final int KAFKA_DEFAULT_REQUEST_TIMEOUT = 30_000;

	private static final int KAFKA_DEFAULT_LINGER = 5;

	private final ProducerProfile profile;

	private final Map<String, Object> additions = new LinkedHashMap<>();

	private final Map<String, String> notes = new LinkedHashMap<>();

	private final Map<String, Object> configured;

	private EffectiveProducerSettings(ProducerProfile profile, Map<String, Object> configured, boolean transactional) {
		this.profile = profile;
		this.configured = configured;
		if (profile == ProducerProfile.NONE) {
			// No additions, not even the ones that keep a profile coherent with explicit
			// values: Kafka resolves those itself, as it does with Spring Boot alone.
			return;
		}
		Map<String, Object> wanted = new LinkedHashMap<>(profile.settings());
		if (transactional) {
			// Kafka transactions need idempotence, hence acks=all, whatever the profile.
			wanted.put(ProducerConfig.ACKS_CONFIG, "all");
			wanted.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		}
		String explicitAcks = normalizedAcks(configured.get(ProducerConfig.ACKS_CONFIG));
		boolean idempotenceExplicit = configured.containsKey(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
		boolean explicitIdempotence = idempotenceExplicit && Boolean
			.parseBoolean(String.valueOf(configured.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).trim());
		if (explicitAcks != null && !"all".equals(explicitAcks) && !idempotenceExplicit) {
			wanted.remove(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
			this.notes.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "off: acks=" + explicitAcks + " is set");
			this.additions.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
		}
		if (explicitIdempotence && explicitAcks == null && !"all".equals(wanted.get(ProducerConfig.ACKS_CONFIG))) {
			wanted.put(ProducerConfig.ACKS_CONFIG, "all");
			this.notes.put(ProducerConfig.ACKS_CONFIG, "all: enable.idempotence=true is set");
		}
		if (!idempotenceExplicit && (conflictsWithIdempotence(configured))) {
			wanted.remove(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
			this.additions.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
			this.notes.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
					"off: retries=0 or more than 5 requests in flight are set");
		}
		wanted.forEach((key, value) -> {
			if (!configured.containsKey(key)) {
				this.additions.putIfAbsent(key, value);
			}
		});
		fitDeliveryTimeout();
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

	private static boolean conflictsWithIdempotence(Map<String, Object> configured) {
		Integer retries = integer(configured.get(ProducerConfig.RETRIES_CONFIG));
		Integer inFlight = integer(configured.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION));
		return (retries != null && retries == 0) || (inFlight != null && inFlight > 5);
	}

	private void fitDeliveryTimeout() {
		Object delivery = this.additions.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
		if (delivery == null) {
			return;
		}
		Integer linger = integer(value(ProducerConfig.LINGER_MS_CONFIG));
		Integer request = integer(value(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
		long floor = ((linger != null) ? linger : KAFKA_DEFAULT_LINGER)
				+ (long) ((request != null) ? request : KAFKA_DEFAULT_REQUEST_TIMEOUT);
		Integer wanted = integer(delivery);
		if (wanted != null && wanted < floor) {
			// Kafka refuses a delivery timeout below linger + request timeout.
			int fitted = (int) Math.min(Integer.MAX_VALUE, floor);
			this.additions.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, fitted);
			this.notes.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "raised to linger.ms + request.timeout.ms");
		}
	}

	/**
	 * What to add to the configuration.
	 * @return the keys the profile sets
	 */
	Map<String, Object> additions() {
		return this.additions;
	}

	/**
	 * The {@code acks} the producers will use, normalized ({@code -1} is {@code all}).
	 * @return {@code all}, {@code 1} or {@code 0}
	 */
	String acks() {
		String acks = normalizedAcks(value(ProducerConfig.ACKS_CONFIG));
		// Kafka's own default since 3.0.
		return (acks != null) ? acks : "all";
	}

	/**
	 * Whether the producers will be idempotent: explicitly, or by Kafka's default, which
	 * holds unless {@code acks}, {@code retries} or the requests in flight rule it out.
	 * @return whether a retry can never write a record twice
	 */
	boolean idempotent() {
		Object idempotence = value(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
		if (idempotence != null) {
			return Boolean.parseBoolean(idempotence.toString().trim());
		}
		Integer retries = integer(value(ProducerConfig.RETRIES_CONFIG));
		Integer inFlight = integer(value(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION));
		return "all".equals(acks()) && (retries == null || retries > 0) && (inFlight == null || inFlight <= 5);
	}

	private @Nullable Object value(String key) {
		return this.configured.containsKey(key) ? this.configured.get(key) : this.additions.get(key);
	}

	/**
	 * One line describing the effective settings and where each comes from.
	 * @param sanitizer masks values the application considers sensitive
	 * @return the description
	 */
	String describe(java.util.function.BiFunction<String, Object, Object> sanitizer) {
		StringBuilder line = new StringBuilder("profile ").append(this.profile.propertyValue());
		for (String key : REPORTED) {
			boolean explicit = this.configured.containsKey(key);
			Object value = explicit ? this.configured.get(key) : this.additions.get(key);
			if (value == null) {
				continue;
			}
			line.append(", ").append(key).append('=').append(sanitizer.apply(key, value));
			String note = this.notes.get(key);
			if (note != null) {
				line.append(" (").append(note).append(')');
			}
			else if (explicit) {
				line.append(" (set explicitly)");
			}
		}
		return line.toString();
	}

	static @Nullable String normalizedAcks(@Nullable Object acks) {
		if (acks == null) {
			return null;
		}
		String value = acks.toString().trim();
		return "-1".equals(value) ? "all" : value.toLowerCase(java.util.Locale.ROOT);
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
