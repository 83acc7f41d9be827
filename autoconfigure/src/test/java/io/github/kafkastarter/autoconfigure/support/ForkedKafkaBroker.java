package io.github.kafkastarter.autoconfigure.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A one-node KRaft Kafka broker of another version than the clients', in a JVM of its own:
 * the classpath of the broker that module {@code compat-broker} resolved from Maven
 * Central (Kafka 3.9 today). {@link #start()} formats a fresh storage directory, starts
 * {@code kafka.Kafka} in combined mode and returns once the broker answers an admin call;
 * {@link #close()} stops the process (and a JVM shutdown hook does, should a test skip it)
 * and deletes the directory.
 */
public final class ForkedKafkaBroker implements AutoCloseable {

	// A loaded 2-core machine: JVM start, storage format and the quorum's first election.
	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

	private final String version;

	private final Path directory;

	private final Process process;

	private final String bootstrapServers;

	private final Thread shutdownHook;

	private ForkedKafkaBroker(String version, Path directory, Process process, String bootstrapServers) {
		this.version = version;
		this.directory = directory;
		this.process = process;
		this.bootstrapServers = bootstrapServers;
		this.shutdownHook = new Thread(this::stopProcess, "forked-kafka-broker-stop");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Starts the broker and waits until it serves clients.
	 * @return the running broker
	 */
	public static ForkedKafkaBroker start() {
		String classpath = resource("kafka-compat-broker.classpath").trim();
		Properties about = new Properties();
		try {
			about.load(new java.io.StringReader(resource("kafka-compat-broker.properties")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String version = about.getProperty("version");
		Path directory;
		try {
			directory = Files.createTempDirectory("kafka-" + version + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Process process = null;
		ForkedKafkaBroker broker = null;
		try {
			int port = freePort();
			int controllerPort = freePort();
			Path config = writeConfig(directory, port, controllerPort);
			Path log = directory.resolve("broker.log");
			Path format = directory.resolve("format.log");
			// Formatting is a short run of the broker's own tool, in its own JVM too.
			Process formatting = java(directory, classpath, List.of("kafka.tools.StorageTool", "format", "-t",
					Uuid.randomUuid().toString(), "-c", config.toString()), format);
			if (!formatting.waitFor(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || formatting.exitValue() != 0) {
				formatting.destroyForcibly();
				throw new IllegalStateException("Formatting the Kafka " + version + " storage failed:\n" + tail(format));
			}
			process = java(directory, classpath, List.of("kafka.Kafka", config.toString()), log);
			String servers = "127.0.0.1:" + port;
			broker = new ForkedKafkaBroker(version, directory, process, servers);
			broker.awaitServing(log);
			return broker;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			destroy(broker, process, directory);
			throw new IllegalStateException(ex);
		}
		catch (IOException ex) {
			destroy(broker, process, directory);
			throw new UncheckedIOException(ex);
		}
		catch (RuntimeException | Error ex) {
			destroy(broker, process, directory);
			throw ex;
		}
	}

	/**
	 * The broker's version, such as {@code 3.9.2}.
	 * @return the version
	 */
	public String version() {
		return this.version;
	}

	/**
	 * Where clients connect.
	 * @return {@code host:port}
	 */
	public String bootstrapServers() {
		return this.bootstrapServers;
	}

	/**
	 * Whether the broker's JVM still runs.
	 * @return whether it runs
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	@Override
	public void close() {
		stopProcess();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down: the hook runs anyway.
		}
		deleteDirectory(this.directory);
	}

	private void awaitServing(Path log) {
		Map<String, Object> configs = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers,
				AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
				5_000);
		try (Admin admin = Admin.create(configs)) {
			await().atMost(STARTUP_TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("exited");
				}
				return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException("Kafka " + this.version + " did not serve clients within " + STARTUP_TIMEOUT
					+ (this.process.isAlive() ? "" : " (its JVM exited with " + this.process.exitValue() + ")")
					+ ":\n" + tail(log), ex);
		}
	}

	private void stopProcess() {
		if (!this.process.isAlive()) {
			return;
		}
		// SIGTERM: the broker shuts down in order; a broker stuck in shutdown is killed.
		this.process.destroy();
		try {
			if (!this.process.waitFor(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private static Process java(Path directory, String classpath, List<String> mainAndArguments, Path output)
			throws IOException {
		Path log4j = directory.resolve("log4j.properties");
		if (!Files.exists(log4j)) {
			Files.writeString(log4j, """
					log4j.rootLogger=INFO, out
					log4j.appender.out=org.apache.log4j.ConsoleAppender
					log4j.appender.out.layout=org.apache.log4j.PatternLayout
					log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n
					""");
		}
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		// Small and quick to start: a test broker serves a handful of records on a shared 2-core machine.
		command.addAll(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
				"-Djava.awt.headless=true", "-Dlog4j.configuration=" + log4j.toUri()));
		command.addAll(List.of("-cp", classpath));
		command.addAll(mainAndArguments);
		ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile());
		// The broker must not pick up the test JVM's options (a debugger agent, say).
		builder.environment().remove("JAVA_TOOL_OPTIONS");
		builder.environment().remove("JDK_JAVA_OPTIONS");
		return builder.start();
	}

	private static Path writeConfig(Path directory, int port, int controllerPort) throws IOException {
		Path data = Files.createDirectory(directory.resolve("data"));
		Path config = directory.resolve("server.properties");
		Files.writeString(config, String.join("\n", "process.roles=broker,controller", "node.id=1",
				"controller.quorum.voters=1@127.0.0.1:" + controllerPort,
				"listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
				"advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "controller.listener.names=CONTROLLER",
				"inter.broker.listener.name=PLAINTEXT",
				"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT", "log.dirs=" + data,
				"num.partitions=1", "offsets.topic.replication.factor=1", "offsets.topic.num.partitions=1",
				"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
				"transaction.state.log.num.partitions=1", "group.initial.rebalance.delay.ms=0", ""));
		return config;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static String resource(String name) {
		try (InputStream in = ForkedKafkaBroker.class.getClassLoader().getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException(name + " is not on the test classpath: build with the Maven wrapper "
						+ "from the project root (module compat-broker writes it)");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String tail(Path log) {
		try {
			List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private static void destroy(ForkedKafkaBroker broker, Process process, Path directory) {
		if (broker != null) {
			broker.close();
			return;
		}
		if (process != null) {
			process.destroyForcibly();
			try {
				process.waitFor(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		deleteDirectory(directory);
	}

	private static void deleteDirectory(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// A temporary directory: the OS cleans up what is left.
		}
	}

}
