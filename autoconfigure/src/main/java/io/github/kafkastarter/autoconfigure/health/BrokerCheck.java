package io.github.kafkastarter.autoconfigure.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.client.Acks;
import io.github.kafkastarter.autoconfigure.client.KafkaSecrets;
import io.github.kafkastarter.autoconfigure.health.KafkaHealthProperties.BrokerHealthMode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeFeaturesOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.function.SingletonSupplier;

/**
 * Checks one client's brokers in the background with the client's long-lived
 * {@link Admin} and keeps the result, so that reading health never waits for the network.
 * Each check is asynchronous (the admin's own I/O thread completes it), bounded by the
 * timeout (each call's {@code timeoutMs}), and at most one is in flight.
 */
final class BrokerCheck {

	private static final Log logger = LogFactory.getLog(BrokerCheck.class);

	private final String client;

	private final BrokerHealthMode mode;

	private final Duration interval;

	private final Duration timeout;

	private final Supplier<Admin> admin;

	private final SingletonSupplier<List<String>> secrets;

	private final SingletonSupplier<Boolean> acksAll;

	private final Clock clock;

	private final Object lock = new Object();

	private @Nullable Instant inFlightSince;

	// Which check is in flight: a late answer to one given up on is not recorded.
	private long checks;

	private boolean closed;

	private volatile @Nullable BrokerCheckResult result;

	private volatile @Nullable Integer minInsyncReplicas;

	private volatile boolean minInsyncReplicasUnreadable;

	/**
	 * Create a check.
	 * @param client the client name
	 * @param settings the client's broker health settings
	 * @param admin the client's admin, asked for at every check; never closed here
	 * @param secrets the values of the client's secret settings, masked in errors, asked
	 * for at the first failure
	 * @param acksAll whether the client's producer waits for all in-sync replicas, asked for
	 * at the first check
	 * @param clock the clock
	 */
	BrokerCheck(String client, KafkaHealthProperties.Broker settings, Supplier<Admin> admin,
			Supplier<List<String>> secrets, Supplier<Boolean> acksAll, Clock clock) {
		this.client = client;
		this.mode = settings.getMode();
		this.interval = settings.getInterval();
		this.timeout = settings.getTimeout();
		this.admin = admin;
		this.secrets = SingletonSupplier.of(secrets);
		this.acksAll = SingletonSupplier.of(acksAll);
		this.clock = clock;
	}

	String client() {
		return this.client;
	}

	BrokerHealthMode mode() {
		return this.mode;
	}

	Duration interval() {
		return this.interval;
	}

	Duration timeout() {
		return this.timeout;
	}

	/**
	 * The last result; never blocks.
	 * @return the result, {@code null} before the first check completed
	 */
	@Nullable BrokerCheckResult result() {
		return this.result;
	}

	/**
	 * The cluster's {@code min.insync.replicas}, read once from a broker's configuration.
	 * @return the value, {@code null} while unknown
	 */
	@Nullable Integer minInsyncReplicas() {
		return this.minInsyncReplicas;
	}

	boolean acksAll() {
		Boolean acksAll = this.acksAll.get();
		return acksAll == null || acksAll;
	}

	/**
	 * Starts a check unless one is in flight. Called by the scheduler; returns at once.
	 */
	void check() {
		Admin admin;
		long check;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			Instant now = this.clock.instant();
			if (this.inFlightSince != null) {
				if (Duration.between(this.inFlightSince, now).compareTo(this.timeout.plus(this.interval)) < 0) {
					return;
				}
				// The admin did not honour the call's timeout: give up on it and ask again.
				record(BrokerCheckResult.unreachable(now,
						"The check did not complete within " + this.timeout.plus(this.interval), this.result));
			}
			try {
				admin = this.admin.get();
			}
			catch (RuntimeException ex) {
				this.inFlightSince = null;
				record(BrokerCheckResult.unreachable(now, describe(ex), this.result));
				return;
			}
			this.inFlightSince = now;
			check = ++this.checks;
		}
		try {
			if (this.mode == BrokerHealthMode.CONNECTIVITY) {
				// An API versions request: every principal may send it, no ACL needed.
				admin.describeFeatures(new DescribeFeaturesOptions().timeoutMs(timeoutMs()))
					.featureMetadata()
					.whenComplete((metadata, ex) -> completed(check, admin, ex, null, -1, null, List.of()));
			}
			else {
				DescribeClusterResult cluster = admin
					.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs()));
				KafkaFuture.allOf(cluster.clusterId(), cluster.nodes(), cluster.controller())
					.whenComplete((ignored, ex) -> {
						if (ex != null) {
							completed(check, admin, ex, null, -1, null, List.of());
						}
						else {
							Collection<Node> nodes = value(cluster.nodes());
							Node controller = value(cluster.controller());
							completed(check, admin, null, value(cluster.clusterId()),
									(nodes != null) ? nodes.size() : 0,
									(controller != null && !controller.isEmpty()) ? describe(controller) : null,
									(nodes != null) ? new ArrayList<>(nodes) : List.of());
						}
					});
			}
		}
		catch (RuntimeException ex) {
			completed(check, admin, ex, null, -1, null, List.of());
		}
	}

	private void completed(long check, Admin admin, @Nullable Throwable failure, @Nullable String clusterId,
			int nodes, @Nullable String controller, List<Node> liveNodes) {
		synchronized (this.lock) {
			if (this.closed || check != this.checks || this.inFlightSince == null) {
				return;
			}
			this.inFlightSince = null;
			Instant now = this.clock.instant();
			if (failure != null) {
				record(BrokerCheckResult.unreachable(now, describe(failure), this.result));
				return;
			}
			record(BrokerCheckResult.reached(now, clusterId, nodes, controller));
		}
		if (this.mode == BrokerHealthMode.CLUSTER && this.minInsyncReplicas == null
				&& !this.minInsyncReplicasUnreadable && !liveNodes.isEmpty() && acksAll()) {
			readMinInsyncReplicas(admin, liveNodes.get(0));
		}
	}

	private void readMinInsyncReplicas(Admin admin, Node node) {
		ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
		try {
			admin.describeConfigs(List.of(broker), new DescribeConfigsOptions().timeoutMs(timeoutMs()))
				.values()
				.get(broker)
				.whenComplete((config, ex) -> minInsyncReplicasRead(config, ex));
		}
		catch (RuntimeException ex) {
			minInsyncReplicasRead(null, ex);
		}
	}

	private void minInsyncReplicasRead(@Nullable Config config, @Nullable Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof AuthorizationException || cause instanceof UnsupportedVersionException) {
			// Reading it again will not help; the rule stays off and the details say so.
			this.minInsyncReplicasUnreadable = true;
			logger.info("Kafka client '" + this.client + "' may not read the brokers' " + Acks.MIN_INSYNC_REPLICAS
					+ " (" + describe(cause) + "); broker health will not compare live brokers with it");
			return;
		}
		ConfigEntry entry = (config != null) ? config.get(Acks.MIN_INSYNC_REPLICAS) : null;
		if (entry != null && entry.value() != null) {
			this.minInsyncReplicas = Acks.minInsyncReplicas(config);
			this.minInsyncReplicasUnreadable = (this.minInsyncReplicas == null);
		}
		// Otherwise a transient failure: the next check reads it again.
	}

	boolean minInsyncReplicasUnreadable() {
		return this.minInsyncReplicasUnreadable;
	}

	/**
	 * Lets checks run again after {@link #close()}: a stopped application context can be
	 * started again.
	 */
	void open() {
		synchronized (this.lock) {
			this.closed = false;
		}
	}

	/**
	 * Stops checking until {@link #open()}; an answer still due is not recorded.
	 */
	void close() {
		synchronized (this.lock) {
			this.closed = true;
			this.inFlightSince = null;
		}
	}

	private void record(BrokerCheckResult next) {
		BrokerCheckResult previous = this.result;
		this.result = next;
		if (!next.reachable() && (previous == null || previous.reachable())) {
			logger.warn("Kafka client '" + this.client + "' cannot reach its brokers: " + next.error());
		}
		else if (next.reachable() && previous != null && !previous.reachable()) {
			logger.info("Kafka client '" + this.client + "' reaches its brokers again");
		}
	}

	private int timeoutMs() {
		return (int) Math.min(Integer.MAX_VALUE, Math.max(1, this.timeout.toMillis()));
	}

	private String describe(Throwable failure) {
		return KafkaSecrets.describe(unwrap(failure), secrets());
	}

	private List<String> secrets() {
		try {
			List<String> secrets = this.secrets.get();
			return (secrets != null) ? secrets : List.of();
		}
		catch (RuntimeException ex) {
			return List.of();
		}
	}

	private static String describe(Node node) {
		return node.host() + ":" + node.port() + " (id " + node.idString() + ")";
	}

	private static @Nullable Throwable unwrap(@Nullable Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static <T> @Nullable T value(KafkaFuture<T> future) {
		try {
			return future.getNow(null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (ExecutionException ex) {
			return null;
		}
	}

}
