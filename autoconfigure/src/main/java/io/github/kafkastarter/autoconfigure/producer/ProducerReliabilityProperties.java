package io.github.kafkastarter.autoconfigure.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;
import org.apache.kafka.clients.producer.ProducerConfig;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Producer reliability settings. They apply to every client; a named client overrides any
 * of them under {@code kafka.starter.clients.<name>.producer.*}.
 */
@ConfigurationProperties("kafka.starter.producer")
public class ProducerReliabilityProperties implements ValidatedSettings {

	/**
	 * Producer settings that differ from Kafka's defaults: 'durable' (nothing added:
	 * Kafka's defaults, acks=all, idempotence, unbounded retries within a 2-minute
	 * delivery timeout), 'throughput' (linger.ms=20, 256 KB batches, lz4), 'low-latency'
	 * (linger.ms=0, acks=1, so no idempotence, shorter timeouts) or 'none' (nothing added,
	 * as 'durable'). Values set explicitly in spring.kafka.producer.*,
	 * spring.kafka.properties or a named client always win.
	 */
	private ProducerProfile profile = ProducerProfile.DURABLE;

	/**
	 * What to do at start-up when a client sends with acks=all to a cluster that cannot
	 * honour it: a topic with replication above 1 and min.insync.replicas=1, a topic with a
	 * single replica on a larger cluster, or a one-broker cluster outside development.
	 * 'warn' logs one warning per client (checked in the background), 'fail' stops
	 * start-up, 'off' skips it (the cluster is not contacted unless verify-sizes asks).
	 */
	private DurabilityVerification verifyDurability = DurabilityVerification.WARN;

	/**
	 * What to do at start-up when a client's max.request.size is above what the cluster
	 * accepts: the brokers' message.max.bytes (the limit of topics without their own) or the max.message.bytes of a topic the starter knows (the
	 * template's default topic, NewTopic beans). A record between the two sizes is
	 * accepted by the producer and rejected by the broker (RecordTooLargeException). Read
	 * with the same admin calls as the durability check. 'warn' logs one warning per client
	 * once the application has started, 'fail' stops start-up (checked before the listener
	 * containers start, bounded by verify-timeout), 'off' skips it.
	 */
	private DurabilityVerification verifySizes = DurabilityVerification.WARN;

	/**
	 * How long the durability and size verifications may wait for the cluster. It never delays
	 * start-up in 'warn' mode; in 'fail' mode start-up fails when the cluster does not
	 * answer in time.
	 */
	private Duration verifyTimeout = Duration.ofSeconds(10);

	/**
	 * Spring profiles that mean development: with one of them active (or when the client
	 * connects to the starter's dev broker or an embedded test broker), a one-broker
	 * cluster is expected and not reported.
	 */
	private List<String> devProfiles = new ArrayList<>(List.of("dev", "test", "local"));

	public ProducerProfile getProfile() {
		return this.profile;
	}

	public void setProfile(ProducerProfile profile) {
		this.profile = profile;
	}

	public DurabilityVerification getVerifyDurability() {
		return this.verifyDurability;
	}

	public void setVerifyDurability(DurabilityVerification verifyDurability) {
		this.verifyDurability = verifyDurability;
	}

	public DurabilityVerification getVerifySizes() {
		return this.verifySizes;
	}

	public void setVerifySizes(DurabilityVerification verifySizes) {
		this.verifySizes = verifySizes;
	}

	public Duration getVerifyTimeout() {
		return this.verifyTimeout;
	}

	public void setVerifyTimeout(Duration verifyTimeout) {
		this.verifyTimeout = verifyTimeout;
	}

	public List<String> getDevProfiles() {
		return this.devProfiles;
	}

	public void setDevProfiles(List<String> devProfiles) {
		this.devProfiles = devProfiles;
	}

	/**
	 * What a start-up verification (durability, sizes) does with what it finds.
	 */
	public enum DurabilityVerification {

		/**
		 * Log one warning per client.
		 */
		WARN,

		/**
		 * Stop start-up.
		 */
		FAIL,

		/**
		 * Do not verify.
		 */
		OFF

	}

	@Override
	public void validate(String prefix) {
		ValidatedSettings.require(ValidatedSettings.positiveOrUnset(this.verifyTimeout), prefix + ".verify-timeout",
				this.verifyTimeout, "This duration must be above zero.",
				"Set '" + prefix + ".verify-timeout' to a positive duration, for example 10s.");
	}

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

}
