package io.github.kafkastarter.autoconfigure.producer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * A named set of producer settings, each one a difference from Kafka's own defaults. A
 * profile only fills in what the application leaves unset: a value set in
 * {@code spring.kafka.producer.*}, {@code spring.kafka.properties}, a named client's keys
 * or a factory of the application's own always wins.
 */
public enum ProducerProfile {

	/**
	 * Kafka's own defaults, which are durable since Kafka 3.0: {@code acks=all},
	 * idempotence, retries unbounded within a two-minute {@code delivery.timeout.ms}, at
	 * most five requests in flight. Adds nothing.
	 */
	DURABLE(Map.of()),

	/**
	 * {@link #DURABLE}, with larger batches, a longer {@code linger.ms} and lz4
	 * compression: more records per request at the cost of a few milliseconds.
	 */
	THROUGHPUT(throughput()),

	/**
	 * Sends at once and waits for the leader only: {@code linger.ms=0}, {@code acks=1}
	 * (with which Kafka turns idempotence off), shorter timeouts. An acknowledged write can
	 * be lost when the leader fails before a follower copied it, and retries can reorder
	 * or repeat records. For data that is worth less than a millisecond.
	 */
	LOW_LATENCY(lowLatency()),

	/**
	 * Adds nothing: the producer gets Kafka's defaults for whatever the application does
	 * not set, exactly as with Spring Boot alone. The same as {@link #DURABLE}, named for
	 * what it does.
	 */
	NONE(Map.of());

	private final Map<String, Object> settings;

	ProducerProfile(Map<String, Object> settings) {
		this.settings = Collections.unmodifiableMap(settings);
	}

	/**
	 * The producer settings of this profile, in the order they are logged.
	 * @return the settings, Kafka keys to values
	 */
	public Map<String, Object> settings() {
		return this.settings;
	}

	/**
	 * The name as written in properties, for example {@code low-latency}.
	 * @return the property value
	 */
	public String propertyValue() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

	/**
	 * Whether producers with this profile and the given configuration are idempotent, so
	 * that a retry can never write a record twice.
	 * @param configured the configuration the producer factory has (explicit values win
	 * over the profile)
	 * @param transactional whether the producers are transactional
	 * @return whether they are idempotent
	 */
	public boolean isIdempotent(Map<String, Object> configured, boolean transactional) {
		return EffectiveProducerSettings.resolve(this, configured, transactional).idempotent();
	}

	private static Map<String, Object> throughput() {
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put(ProducerConfig.LINGER_MS_CONFIG, 20);
		settings.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
		settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
		return settings;
	}

	private static Map<String, Object> lowLatency() {
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put(ProducerConfig.ACKS_CONFIG, "1");
		settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
		settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
		settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
		return settings;
	}

}
