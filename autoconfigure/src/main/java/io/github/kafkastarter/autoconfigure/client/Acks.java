package io.github.kafkastarter.autoconfigure.client;

import java.util.Locale;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.TopicConfig;
import org.jspecify.annotations.Nullable;

/**
 * What a producer's {@code acks} means and what {@code acks=all} needs from the cluster,
 * in one place for the producer profiles, the durability check and broker health.
 */
public final class Acks {

	/**
	 * The broker and topic setting that {@code acks=all} waits for.
	 */
	public static final String MIN_INSYNC_REPLICAS = TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG;

	private Acks() {
	}

	/**
	 * A producer's {@code acks} as Kafka reads it.
	 * @param acks the configured value, {@code null} when unset
	 * @return {@code all} (also for {@code -1}, and when unset: Kafka's default since 3.0),
	 * {@code 1} or {@code 0}
	 */
	public static String normalize(@Nullable Object acks) {
		if (acks == null) {
			return "all";
		}
		String value = acks.toString().trim().toLowerCase(Locale.ROOT);
		return "-1".equals(value) ? "all" : value;
	}

	/**
	 * Whether a producer waits for every in-sync replica.
	 * @param acks the configured value, {@code null} when unset
	 * @return whether it sends with {@code acks=all}
	 */
	public static boolean isAll(@Nullable Object acks) {
		return "all".equals(normalize(acks));
	}

	/**
	 * The {@code min.insync.replicas} of a described broker or topic configuration.
	 * @param config the configuration
	 * @return the value, {@code null} when absent or not a number
	 */
	public static @Nullable Integer minInsyncReplicas(@Nullable Config config) {
		ConfigEntry entry = (config != null) ? config.get(MIN_INSYNC_REPLICAS) : null;
		if (entry == null || entry.value() == null) {
			return null;
		}
		try {
			return Integer.valueOf(entry.value().trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Whether {@code acks=all} is weaker than it looks: with more than one replica and
	 * {@code min.insync.replicas} below 2 the leader alone acknowledges whenever its
	 * followers lag, and a failover then loses acknowledged records.
	 * @param replicas the replication factor
	 * @param minInsyncReplicas the topic's (or the brokers' default)
	 * {@code min.insync.replicas}
	 * @return whether acknowledged records can be lost with one broker
	 */
	public static boolean leaderAloneAcknowledges(int replicas, int minInsyncReplicas) {
		return replicas > 1 && minInsyncReplicas < 2;
	}

	/**
	 * Whether sends with {@code acks=all} fail ({@code NotEnoughReplicas}) because too few
	 * brokers are alive.
	 * @param aliveBrokers the brokers alive
	 * @param minInsyncReplicas the cluster's {@code min.insync.replicas}
	 * @return whether fewer brokers are alive than acks=all needs
	 */
	public static boolean tooFewBrokers(int aliveBrokers, int minInsyncReplicas) {
		return aliveBrokers < minInsyncReplicas;
	}

}
