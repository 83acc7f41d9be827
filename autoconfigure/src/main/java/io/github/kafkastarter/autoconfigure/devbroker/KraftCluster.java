package io.github.kafkastarter.autoconfigure.devbroker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.ClassUtils;
import org.springframework.util.FileSystemUtils;

/**
 * A Kafka cluster of KRaft nodes in this JVM, on Kafka's own test kit
 * ({@link KafkaClusterTestKit} from {@code kafka-test-common-runtime}). It uses only the
 * part of the test kit's API that Kafka 4.2 and 4.3 share (the builders, {@code format},
 * {@code startup}, {@code waitForReadyBrokers}, {@code bootstrapServers}, {@code brokers}
 * and {@code close}), so it runs on whichever Kafka version is on the classpath, as long
 * as the test kit is of that same version. The dev broker and the project's tests use
 * it; spring-kafka-test's {@code EmbeddedKafkaKraftBroker} is tied to one test-kit
 * version.
 * <p>
 * The cluster keeps its data in a directory of its own that only {@link #close()}
 * deletes, after every node has stopped. (Left to the test kit, the directory is deleted
 * by a JVM shutdown hook of its own, which races the application's: on Ctrl-C the
 * directory could go while the broker still wrote to it.)
 */
public final class KraftCluster implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(KraftCluster.class);

	private static final String EXIT = "org.apache.kafka.common.utils.Exit";

	private static final int START_ATTEMPTS = 3;

	private static final AtomicBoolean exitGuarded = new AtomicBoolean();

	private final KafkaClusterTestKit testKit;

	private final Path directory;

	private final String bootstrapServers;

	private final AtomicBoolean closed = new AtomicBoolean();

	private KraftCluster(KafkaClusterTestKit testKit, Path directory, String bootstrapServers) {
		this.testKit = testKit;
		this.directory = directory;
		this.bootstrapServers = bootstrapServers;
	}

	/**
	 * Starts a cluster whose every node is a broker and a KRaft controller.
	 * @param brokers the number of brokers
	 * @param properties broker configuration over the defaults (replication of the internal
	 * topics fitted to the cluster, so that consumer groups, transactions and share groups
	 * work)
	 * @return the started cluster, its brokers ready
	 */
	public static KraftCluster start(int brokers, Map<String, String> properties) {
		return start(brokers, false, properties);
	}

	/**
	 * Starts a cluster of brokers and one dedicated KRaft controller, as in production: the
	 * controller quorum survives any number of stopped brokers.
	 * @param brokers the number of brokers
	 * @param properties broker configuration over the defaults
	 * @return the started cluster, its brokers ready
	 */
	public static KraftCluster startWithDedicatedController(int brokers, Map<String, String> properties) {
		return start(brokers, true, properties);
	}

	private static KraftCluster start(int brokers, boolean dedicatedController, Map<String, String> properties) {
		if (brokers < 1) {
			throw new IllegalArgumentException("A cluster needs at least one broker, not " + brokers);
		}
		guardExit();
		Map<String, String> configs = defaults(brokers);
		configs.putAll(properties);
		Exception failure = null;
		// KRaft quorum formation can time out on a loaded machine; a fresh cluster usually
		// makes it.
		for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
			Path directory = createDirectory();
			KafkaClusterTestKit testKit;
			try {
				KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
					.setCombined(!dedicatedController)
					.setNumBrokerNodes(brokers)
					.setNumControllerNodes(dedicatedController ? 1 : brokers)
					.setBaseDirectory(directory)
					.build());
				configs.forEach(builder::setConfigProp);
				// A broker configuration Kafka rejects fails here, at once, and not again.
				testKit = builder.build();
			}
			catch (Exception ex) {
				delete(directory);
				throw new IllegalStateException("Could not build an in-process Kafka cluster: " + ex.getMessage(), ex);
			}
			try {
				testKit.format();
				testKit.startup();
				testKit.waitForReadyBrokers();
				return new KraftCluster(testKit, directory, testKit.bootstrapServers());
			}
			catch (Exception ex) {
				failure = ex;
				stop(testKit, directory);
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
					break;
				}
				logger.warn("In-process Kafka cluster start-up attempt {} of {} failed: {}", attempt, START_ATTEMPTS,
						ex.toString());
			}
		}
		throw new IllegalStateException("Could not start an in-process Kafka cluster of " + brokers + " broker(s)",
				failure);
	}

	private static Map<String, String> defaults(int brokers) {
		String replication = String.valueOf(brokers);
		String minInSync = String.valueOf(Math.min(brokers, 2));
		Map<String, String> defaults = new LinkedHashMap<>();
		// Kafka's defaults (3 replicas) cannot be met by a smaller cluster: its consumer
		// groups, transactions and share groups (KIP-932) would never get their internal
		// topic, and share consumers would silently receive nothing.
		defaults.put("offsets.topic.replication.factor", replication);
		defaults.put("transaction.state.log.replication.factor", replication);
		defaults.put("transaction.state.log.min.isr", minInSync);
		defaults.put("share.coordinator.state.topic.replication.factor", replication);
		defaults.put("share.coordinator.state.topic.min.isr", minInSync);
		defaults.put("group.initial.rebalance.delay.ms", "0");
		return defaults;
	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("kafka-starter-kraft-");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not create a directory for an in-process Kafka cluster", ex);
		}
	}

	/**
	 * A broker that meets a fatal error (a log directory gone, for example) asks Kafka's
	 * {@code Exit} to halt the JVM; in-process, that would take the application or the
	 * test run with it. Logged instead, as spring-kafka-test's broker does.
	 */
	private static void guardExit() {
		if (!ClassUtils.isPresent(EXIT, KraftCluster.class.getClassLoader()) || !exitGuarded.compareAndSet(false, true)) {
			return;
		}
		Exit.setExitProcedure((status, message) -> logger
			.warn("An in-process Kafka node called Exit.exit({}, {}); the JVM keeps running", status, message));
		Exit.setHaltProcedure((status, message) -> logger
			.warn("An in-process Kafka node called Exit.halt({}, {}); the JVM keeps running", status, message));
	}

	/**
	 * The address clients connect to. It stays the same while brokers stop and restart.
	 * @return {@code host:port[,host:port...]}
	 */
	public String getBootstrapServers() {
		return this.bootstrapServers;
	}

	/**
	 * Kafka's test kit behind this cluster, for tests that stop and restart brokers:
	 * {@code getTestKit().brokers()} gives each {@code BrokerServer}; {@code shutdown()}
	 * and {@code awaitShutdown()} take one down, {@code startup()} brings it back on the
	 * same port.
	 * @return the test kit
	 */
	public KafkaClusterTestKit getTestKit() {
		return this.testKit;
	}

	/**
	 * Stops every node, brokers first, and then deletes the cluster's data. Never throws:
	 * a node that did not stop cleanly is logged.
	 */
	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			stop(this.testKit, this.directory);
		}
	}

	private static void stop(KafkaClusterTestKit testKit, Path directory) {
		try {
			testKit.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.warn("Interrupted while stopping an in-process Kafka cluster");
		}
		catch (Exception ex) {
			// A multi-node KRaft cluster can report internal errors while its quorum shuts
			// down; the nodes are stopped all the same.
			logger.warn("An in-process Kafka cluster did not stop cleanly: {}", ex.toString());
		}
		finally {
			delete(directory);
		}
	}

	private static void delete(Path directory) {
		try {
			FileSystemUtils.deleteRecursively(directory);
		}
		catch (IOException ex) {
			logger.warn("Could not delete {}: {}", directory, ex.toString());
		}
	}

}
