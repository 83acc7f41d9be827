package io.github.kafkastarter.autoconfigure.share;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaSecrets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeFeaturesOptions;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.SupportedVersionRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether each client's cluster has share groups (KIP-932), asked once per client when its
 * first share listener container that starts automatically is created. A share consumer needs brokers of Kafka 4.1 or
 * later (its {@code ShareGroupHeartbeat} API) on which share groups are enabled (the
 * cluster feature {@code share.version} at 1 or more: by default from Kafka 4.2, by
 * {@code kafka-features.sh} on 4.1). On a cluster without them, a share consumer can only
 * fail, with a stack of errors from Kafka and Spring Kafka: the starter does not start it,
 * logs one warning per client with the fix, and health reports the containers as failed.
 * <p>
 * The question is an API versions request ({@code describeFeatures}), which needs no ACL.
 * An answer is kept for the life of the application (a cluster upgrade is followed by a
 * restart); no answer within {@value #PROBE_TIMEOUT_SECONDS} s (brokers unreachable) lets
 * the containers start as usual, and the question is asked again a minute later. Either
 * way, the application's start waits at most that long, once per client.
 */
public final class ShareGroupSupport {

	private static final Logger logger = LoggerFactory.getLogger(ShareGroupSupport.class);

	static final String FEATURE = "share.version";

	// Bounds how long the application start can wait for the answer.
	static final int PROBE_TIMEOUT_SECONDS = 5;

	private static final Duration ASK_AGAIN_AFTER = Duration.ofMinutes(1);

	private final Function<KafkaClient, Admin> admins;

	private final Clock clock;

	private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();

	private final Map<String, Instant> unanswered = new ConcurrentHashMap<>();

	private final Map<String, Object> locks = new ConcurrentHashMap<>();

	/**
	 * Create an instance.
	 * @param admins the admin of a client ({@code KafkaClient::sharedAdmin}; the test seam)
	 * @param clock the clock
	 */
	ShareGroupSupport(Function<KafkaClient, Admin> admins, Clock clock) {
		this.admins = admins;
		this.clock = clock;
	}

	/**
	 * What is known about a client's cluster; never asks the broker.
	 * @param client the client name
	 * @return the verdict, empty until a share container of the client was created
	 */
	public Optional<Verdict> verdict(String client) {
		return Optional.ofNullable(this.verdicts.get(client));
	}

	/**
	 * The verdict for a client's cluster, asking the cluster the first time (waiting up to
	 * {@value #PROBE_TIMEOUT_SECONDS} s). Logs one warning per client when the cluster has
	 * no share groups.
	 * @param client the client
	 * @return the verdict; {@link Availability#UNKNOWN} when the cluster did not answer
	 */
	Verdict check(KafkaClient client) {
		Verdict known = this.verdicts.get(client.name());
		if (known != null) {
			return known;
		}
		synchronized (this.locks.computeIfAbsent(client.name(), (key) -> new Object())) {
			known = this.verdicts.get(client.name());
			if (known != null) {
				return known;
			}
			Instant lastUnanswered = this.unanswered.get(client.name());
			Instant now = this.clock.instant();
			if (lastUnanswered != null && lastUnanswered.plus(ASK_AGAIN_AFTER).isAfter(now)) {
				return Verdict.UNKNOWN;
			}
			Verdict verdict = ask(client);
			if (verdict.availability() == Availability.UNKNOWN) {
				this.unanswered.put(client.name(), now);
				return verdict;
			}
			this.unanswered.remove(client.name());
			this.verdicts.put(client.name(), verdict);
			if (!verdict.available()) {
				logger.warn("Kafka client '{}': the cluster has no share groups: {}. The client's share listener "
						+ "containers are not started; health (kafkaListeners) reports them FAILED. Fix: {}",
						client.name(), verdict.detail(), fix(verdict.availability()));
			}
			return verdict;
		}
	}

	private Verdict ask(KafkaClient client) {
		int timeoutMs = (int) TimeUnit.SECONDS.toMillis(PROBE_TIMEOUT_SECONDS);
		try {
			FeatureMetadata features = this.admins.apply(client)
				.describeFeatures(new DescribeFeaturesOptions().timeoutMs(timeoutMs))
				.featureMetadata()
				.get(PROBE_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
			return judge(features.finalizedFeatures(), features.supportedFeatures());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Verdict.UNKNOWN;
		}
		catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException ex) {
			Throwable cause = (ex instanceof ExecutionException && ex.getCause() != null) ? ex.getCause() : ex;
			logger.debug("Kafka client '{}': could not tell whether the cluster has share groups ({}); its share "
					+ "listener containers start as usual", client.name(),
					KafkaSecrets.describe(cause, secrets(client)));
			return Verdict.UNKNOWN;
		}
	}

	private static List<String> secrets(KafkaClient client) {
		try {
			return KafkaSecrets.values(client.adminConfig());
		}
		catch (RuntimeException ex) {
			return List.of();
		}
	}

	/**
	 * Judges a cluster by its features: share groups are on when the finalized
	 * {@code share.version} is at least 1. A broker that lists the feature among those it
	 * supports has share groups switched off; one that does not know it predates Kafka 4.1.
	 * @param finalized the cluster's finalized features
	 * @param supported the features the answering broker supports
	 * @return the verdict
	 */
	static Verdict judge(Map<String, FinalizedVersionRange> finalized, Map<String, SupportedVersionRange> supported) {
		FinalizedVersionRange level = finalized.get(FEATURE);
		if (level != null && level.maxVersionLevel() >= 1) {
			return new Verdict(Availability.AVAILABLE, FEATURE + "=" + level.maxVersionLevel());
		}
		SupportedVersionRange range = supported.get(FEATURE);
		if (range != null && range.maxVersion() >= 1) {
			return new Verdict(Availability.NOT_ENABLED, "its brokers support them, but they are not enabled (feature "
					+ FEATURE + " is " + ((level != null) ? level.maxVersionLevel() : 0) + ")");
		}
		return new Verdict(Availability.NOT_SUPPORTED, "its brokers are older than Kafka 4.1 (they do not know the "
				+ "feature " + FEATURE + "; share consumers need the ShareGroupHeartbeat API of Kafka 4.1 or later)");
	}

	private static String fix(Availability availability) {
		String enable = "kafka-features.sh --bootstrap-server <broker> upgrade --feature " + FEATURE + "=1";
		if (availability == Availability.NOT_ENABLED) {
			return "enable share groups on the cluster (" + enable + "), then restart the application";
		}
		return "upgrade the brokers to Kafka 4.1 or later with share groups enabled (the default from 4.2; on 4.1: "
				+ enable + "), or consume with consumer-group listeners on this cluster";
	}

	/**
	 * Whether a cluster has share groups.
	 */
	public enum Availability {

		/**
		 * Share groups are on.
		 */
		AVAILABLE,

		/**
		 * The brokers support share groups, but they are switched off.
		 */
		NOT_ENABLED,

		/**
		 * The brokers predate share groups (Kafka before 4.1).
		 */
		NOT_SUPPORTED,

		/**
		 * The cluster did not answer.
		 */
		UNKNOWN

	}

	/**
	 * What the cluster said.
	 *
	 * @param availability whether it has share groups
	 * @param detail why it has them or not, in words
	 */
	public record Verdict(Availability availability, String detail) {

		static final Verdict UNKNOWN = new Verdict(Availability.UNKNOWN, "the cluster did not answer");

		/**
		 * Whether share consumers can work on the cluster (as far as is known).
		 * @return {@code false} only when the cluster said it has no share groups
		 */
		public boolean available() {
			return this.availability == Availability.AVAILABLE || this.availability == Availability.UNKNOWN;
		}

		/**
		 * The verdict in words, for health details.
		 * @return {@code available (...)} or {@code unavailable: ...}
		 */
		public String describe() {
			return (this.availability == Availability.AVAILABLE) ? "available (" + this.detail + ")"
					: (available() ? "unknown: " : "unavailable: ") + this.detail;
		}

	}

}
