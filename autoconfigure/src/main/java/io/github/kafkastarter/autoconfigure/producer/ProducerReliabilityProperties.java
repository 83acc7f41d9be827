package io.github.kafkastarter.autoconfigure.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;

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
	 * start-up, 'off' does not contact the cluster.
	 */
	private DurabilityVerification verifyDurability = DurabilityVerification.WARN;

	/**
	 * How long the durability verification may wait for the cluster. It never delays
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
	 * What the start-up durability verification does with what it finds.
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
		 * Do not verify; the cluster is not contacted.
		 */
		OFF

	}

	@Override
	public void validate(String prefix) {
		ValidatedSettings.require(ValidatedSettings.positiveOrUnset(this.verifyTimeout), prefix + ".verify-timeout",
				this.verifyTimeout, "This duration must be above zero.",
				"Set '" + prefix + ".verify-timeout' to a positive duration, for example 10s.");
	}

}
