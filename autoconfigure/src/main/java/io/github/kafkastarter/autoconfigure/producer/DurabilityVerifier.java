package io.github.kafkastarter.autoconfigure.producer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.kafkastarter.autoconfigure.client.Acks;
import io.github.kafkastarter.autoconfigure.client.AfterStartup;
import io.github.kafkastarter.autoconfigure.client.ClientScopedBeans;
import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.client.KafkaSecrets;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Checks at start-up, for every client that sends with {@code acks=all}, that the
 * cluster can honour it: a topic replicated more than once needs
 * {@code min.insync.replicas} of at least 2 (otherwise the leader alone acknowledges
 * whenever its followers lag, and a failover loses the write); a topic with one replica,
 * or a cluster of one broker outside development, has nothing to fail over to. The topics
 * checked are the client's {@code NewTopic} beans and its template's default topic, plus
 * the broker's defaults for new topics.
 * <p>
 * The same calls also check sizes, for every client with a producer factory: a
 * {@code max.request.size} above the brokers' {@code message.max.bytes}, or above a known
 * topic's {@code max.message.bytes}, lets the producer accept records the broker rejects
 * ({@code kafka.starter.producer.verify-sizes}).
 * <p>
 * In {@code warn} mode the check runs in the background (one task on the starter's
 * scheduler for all clients, in turn) once the application has started (see
 * {@link AfterStartup}), and never delays start-up; when either check is in
 * {@code fail} mode both run before the listeners start, bounded by
 * {@code kafka.starter.producer.verify-timeout}; in {@code off} mode the cluster is not
 * contacted.
 */
final class DurabilityVerifier implements SmartLifecycle, ApplicationListener<ApplicationStartedEvent> {

	private static final Logger logger = LoggerFactory.getLogger(DurabilityVerifier.class);

	private static final String DEV_BROKER_BEAN = "kafkaStarterDevBroker";

	private static final String EMBEDDED_BROKER = "org.springframework.kafka.test.EmbeddedKafkaBroker";

	private static final String MESSAGE_MAX_BYTES = "message.max.bytes";

	private static final String MAX_MESSAGE_BYTES = "max.message.bytes";

	// Kafka's default max.request.size.
	private static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

	private final KafkaClients clients;

	private final ListableBeanFactory beanFactory;

	private final Environment environment;

	private final TaskScheduler scheduler;

	private final AfterStartup afterStartup;

	private volatile boolean running;

	DurabilityVerifier(KafkaClients clients, ListableBeanFactory beanFactory, Environment environment,
			TaskScheduler scheduler) {
		this.clients = clients;
		this.beanFactory = beanFactory;
		this.environment = environment;
		this.scheduler = scheduler;
		this.afterStartup = new AfterStartup(beanFactory);
	}

	@Override
	public void start() {
		this.running = true;
		List<Runnable> warnings = new ArrayList<>();
		for (KafkaClient client : this.clients) {
			ProducerReliabilityProperties settings = client.settings("producer", ProducerReliabilityProperties.class);
			ProducerReliabilityProperties.DurabilityVerification durability = "all".equals(acks(client))
					? settings.getVerifyDurability() : ProducerReliabilityProperties.DurabilityVerification.OFF;
			ProducerReliabilityProperties.DurabilityVerification sizes = (maxRequestSize(client) != null)
					? settings.getVerifySizes() : ProducerReliabilityProperties.DurabilityVerification.OFF;
			if (durability == ProducerReliabilityProperties.DurabilityVerification.OFF
					&& sizes == ProducerReliabilityProperties.DurabilityVerification.OFF) {
				continue;
			}
			Checks checks = new Checks(client, durability, sizes, isDevelopment(client, settings), topics(client),
					settings.getVerifyTimeout());
			if (checks.failsStartUp()) {
				// Before the listener containers start: what must stop start-up cannot wait.
				Findings findings = inspect(client, checks);
				if (durability == ProducerReliabilityProperties.DurabilityVerification.FAIL
						&& (!findings.problems.isEmpty() || findings.unverified != null)) {
					throw failure(client, findings);
				}
				if (sizes == ProducerReliabilityProperties.DurabilityVerification.FAIL
						&& (!findings.sizeProblems.isEmpty() || findings.unverified != null)) {
					throw sizeFailure(client, findings);
				}
				report(client, checks, findings);
			}
			else {
				warnings.add(() -> warn(client, checks));
			}
		}
		if (!warnings.isEmpty()) {
			// One task: it waits on the clusters, and must not hold more than one thread.
			this.afterStartup.run(() -> this.scheduler.schedule(() -> warnings.forEach(Runnable::run), Instant.now()));
		}
	}

	@Override
	public void onApplicationEvent(ApplicationStartedEvent event) {
		this.afterStartup.ready();
	}

	private static @Nullable String acks(KafkaClient client) {
		try {
			return Acks.normalize(client.producerFactory().getConfigurationProperties().get("acks"));
		}
		catch (RuntimeException ex) {
			// No producer factory: nothing is sent on this client.
			return null;
		}
	}

	private void warn(KafkaClient client, Checks checks) {
		if (!this.running) {
			return;
		}
		report(client, checks, inspect(client, checks));
	}

	// Logs what a check in warn mode found.
	private void report(KafkaClient client, Checks checks, Findings findings) {
		boolean durability = checks.durability == ProducerReliabilityProperties.DurabilityVerification.WARN;
		boolean sizes = checks.sizes == ProducerReliabilityProperties.DurabilityVerification.WARN;
		if (durability && !findings.problems.isEmpty()) {
			logger.warn("Kafka client '{}' sends with acks=all, but the cluster cannot honour it: {} Fix: {} "
					+ "(Set '{}=fail' to stop start-up instead, or 'off' to skip this check.)", client.name(),
					String.join(" ", findings.problems), String.join(" ", findings.fixes), property(client));
		}
		if (sizes && !findings.sizeProblems.isEmpty()) {
			logger.warn("Kafka client '{}' may send records the cluster rejects: {} Fix: {} "
					+ "(Set '{}=fail' to stop start-up instead, or 'off' to skip this check.)", client.name(),
					String.join(" ", findings.sizeProblems), String.join(" ", findings.sizeFixes),
					sizesProperty(client));
		}
		if ((durability || sizes) && findings.unverified != null && this.running) {
			logger.info("Kafka client '{}': could not verify {}: {}", client.name(),
					durability ? (sizes ? "durability settings and size limits" : "durability settings")
							: "size limits",
					findings.unverified);
		}
	}

	private KafkaStarterConfigurationException sizeFailure(KafkaClient client, Findings findings) {
		if (findings.sizeProblems.isEmpty()) {
			return new KafkaStarterConfigurationException(sizesProperty(client), "fail",
					"Kafka client '" + client.name() + "' must have its size limits verified at start-up, but they "
							+ "could not be: " + findings.unverified,
					"Make the cluster reachable, raise 'kafka.starter.producer.verify-timeout', or set '"
							+ sizesProperty(client) + "=warn'.");
		}
		return new KafkaStarterConfigurationException(maxRequestSizeProperty(client), maxRequestSize(client),
				"Kafka client '" + client.name() + "' may send records the cluster rejects: "
						+ String.join(" ", findings.sizeProblems),
				String.join(" ", findings.sizeFixes) + " Or set '" + sizesProperty(client)
						+ "=warn' to start with a warning.");
	}

	private static String sizesProperty(KafkaClient client) {
		return (client.isDefault() ? "kafka.starter" : KafkaClientNames.prefix(client.name()))
				+ ".producer.verify-sizes";
	}

	private static String maxRequestSizeProperty(KafkaClient client) {
		return (client.isDefault() ? "spring.kafka" : KafkaClientNames.prefix(client.name()))
				+ ".producer.properties.max.request.size";
	}

	private static @Nullable Integer maxRequestSize(KafkaClient client) {
		try {
			Object value = client.producerFactory()
				.getConfigurationProperties()
				.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
			return (value != null) ? Integer.valueOf(value.toString().trim()) : DEFAULT_MAX_REQUEST_SIZE;
		}
		catch (RuntimeException ex) {
			// No producer factory (nothing is sent on this client), or a value Kafka rejects itself.
			return null;
		}
	}

	private KafkaStarterConfigurationException failure(KafkaClient client, Findings findings) {
		if (findings.problems.isEmpty()) {
			return new KafkaStarterConfigurationException(property(client), "fail",
					"Kafka client '" + client.name() + "' sends with acks=all and its durability must be verified at "
							+ "start-up, but it could not be: " + findings.unverified,
					"Make the cluster reachable, raise 'kafka.starter.producer.verify-timeout', or set '"
							+ property(client) + "=warn'.");
		}
		return new KafkaStarterConfigurationException(property(client), "fail",
				"Kafka client '" + client.name() + "' sends with acks=all, but the cluster cannot honour it: "
						+ String.join(" ", findings.problems),
				String.join(" ", findings.fixes) + " Or set '" + property(client)
						+ "=warn' to start with a warning.");
	}

	private static String property(KafkaClient client) {
		return (client.isDefault() ? "kafka.starter" : KafkaClientNames.prefix(client.name()))
				+ ".producer.verify-durability";
	}

	Findings inspect(KafkaClient client, Checks checks) {
		Set<String> topics = checks.topics;
		boolean dev = checks.dev;
		Duration timeout = checks.timeout;
		Findings findings = new Findings();
		long deadline = System.nanoTime() + timeout.toNanos();
		Admin admin;
		try {
			admin = client.sharedAdmin();
		}
		catch (RuntimeException ex) {
			// The client's own configuration is unusable; its producers will report it too.
			findings.unverified = "the client's admin cannot be created: "
					+ KafkaSecrets.describe(ex, KafkaSecrets.values(client.adminConfig()));
			return findings;
		}
		try {
			Collection<Node> nodes = get(
					admin.describeCluster(new DescribeClusterOptions().timeoutMs(remainingMillis(deadline))).nodes(),
					deadline);
			if (checks.durability() && nodes.size() == 1 && !dev) {
				findings.problem("The cluster has a single broker, so acknowledged records live on one disk only.",
						"Run at least 3 brokers with min.insync.replicas=2 (a single broker is fine in development: "
								+ "activate one of the profiles in 'kafka.starter.producer.dev-profiles').");
			}
			if (!nodes.isEmpty()) {
				brokerDefaults(admin, nodes.iterator().next(), deadline, checks, findings);
			}
			if (!topics.isEmpty()) {
				topics(admin, topics, nodes.size(), deadline, checks, findings);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			findings.unverified = "interrupted";
		}
		catch (TimeoutException ex) {
			findings.unverified = "the cluster did not answer within " + timeout.toMillis() + " ms";
		}
		catch (ExecutionException | RuntimeException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
				findings.unverified = "the cluster did not answer within " + timeout.toMillis() + " ms";
			}
			else {
				findings.unverified = cause.getClass().getSimpleName() + ": " + cause.getMessage();
			}
		}
		return findings;
	}

	private static int remainingMillis(long deadline) {
		long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
	}

	private void brokerDefaults(Admin admin, Node node, long deadline, Checks checks, Findings findings)
			throws InterruptedException, ExecutionException, TimeoutException {
		ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
		Config config = get(admin
			.describeConfigs(List.of(broker), new DescribeConfigsOptions().timeoutMs(remainingMillis(deadline)))
			.values()
			.get(broker), deadline);
		Integer messageMaxBytes = EffectiveProducerSettings.integer(value(config.get(MESSAGE_MAX_BYTES)));
		findings.messageMaxBytes = messageMaxBytes;
		if (checks.sizes() && messageMaxBytes != null && checks.maxRequestSize > messageMaxBytes) {
			findings.sizeProblem("It sends records of up to max.request.size=" + checks.maxRequestSize
					+ " bytes, but the brokers accept at most message.max.bytes=" + messageMaxBytes
					+ " bytes (the limit of every topic without max.message.bytes of its own): a record between "
					+ "the two is rejected with RecordTooLargeException.",
					"Set '" + maxRequestSizeProperty(checks.client) + "=" + messageMaxBytes
							+ "' (or less), or raise message.max.bytes on the brokers.");
		}
		if (!checks.durability()) {
			return;
		}
		Integer replication = EffectiveProducerSettings.integer(value(config.get("default.replication.factor")));
		Integer minInSync = Acks.minInsyncReplicas(config);
		if (replication != null && minInSync != null && Acks.leaderAloneAcknowledges(replication, minInSync)) {
			findings.problem("New topics are created with default.replication.factor=" + replication
					+ " but min.insync.replicas=" + minInSync + ".",
					"Set min.insync.replicas=2 on the brokers.");
		}
	}

	private void topics(Admin admin, Set<String> topics, int brokers, long deadline, Checks checks,
			Findings findings) throws InterruptedException, ExecutionException, TimeoutException {
		Map<String, TopicDescription> described = new HashMap<>();
		for (Map.Entry<String, KafkaFuture<TopicDescription>> entry : admin
			.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(remainingMillis(deadline)))
			.topicNameValues()
			.entrySet()) {
			try {
				described.put(entry.getKey(), get(entry.getValue(), deadline));
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
					throw ex;
				}
			}
		}
		if (described.isEmpty()) {
			return;
		}
		List<ConfigResource> resources = described.keySet()
			.stream()
			.map((topic) -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
			.toList();
		Map<ConfigResource, Config> configs = get(admin
			.describeConfigs(resources, new DescribeConfigsOptions().timeoutMs(remainingMillis(deadline)))
			.all(), deadline);
		for (ConfigResource resource : resources) {
			Integer maxMessageBytes = EffectiveProducerSettings
				.integer(value(configs.get(resource).get(MAX_MESSAGE_BYTES)));
			// A topic at the brokers' limit is reported once, with the brokers.
			if (checks.sizes() && maxMessageBytes != null && checks.maxRequestSize > maxMessageBytes
					&& !maxMessageBytes.equals(findings.messageMaxBytes)) {
				findings.sizeProblem("It sends records of up to max.request.size=" + checks.maxRequestSize
						+ " bytes, but topic '" + resource.name() + "' accepts at most max.message.bytes="
						+ maxMessageBytes + " bytes: a record between the two is rejected with "
						+ "RecordTooLargeException.",
						"Raise it (kafka-configs --alter --entity-type topics --entity-name " + resource.name()
								+ " --add-config max.message.bytes=" + checks.maxRequestSize + "), or set '"
								+ maxRequestSizeProperty(checks.client) + "=" + maxMessageBytes + "'.");
			}
			if (!checks.durability()) {
				continue;
			}
			TopicDescription description = described.get(resource.name());
			int replication = description.partitions().isEmpty() ? 0
					: description.partitions().get(0).replicas().size();
			Integer minInSync = Acks.minInsyncReplicas(configs.get(resource));
			if (minInSync != null && Acks.leaderAloneAcknowledges(replication, minInSync)) {
				findings.problem("Topic '" + resource.name() + "' has " + replication
						+ " replicas but min.insync.replicas=" + minInSync
						+ ": the leader alone acknowledges whenever its followers lag, and a failover then loses "
						+ "acknowledged records.",
						"Set min.insync.replicas=2 on topic '" + resource.name() + "' (kafka-configs --alter "
								+ "--entity-type topics --entity-name " + resource.name()
								+ " --add-config min.insync.replicas=2).");
			}
			else if (replication == 1 && brokers > 1) {
				findings.problem("Topic '" + resource.name() + "' has a single replica on a cluster of " + brokers
						+ " brokers: losing its broker loses the records.",
						"Recreate or reassign topic '" + resource.name() + "' with replication factor 3.");
			}
		}
	}

	private Set<String> topics(KafkaClient client) {
		Set<String> topics = new LinkedHashSet<>();
		for (String name : this.beanFactory.getBeanNamesForType(NewTopic.class, false, false)) {
			Set<String> scope = ClientScopedBeans.scopeOf(this.beanFactory, name);
			if ((scope == null) ? client.isDefault() : scope.contains(client.name())) {
				topics.add(this.beanFactory.getBean(name, NewTopic.class).name());
			}
		}
		String defaultTopic = client.properties().getTemplate().getDefaultTopic();
		if (StringUtils.hasText(defaultTopic)) {
			topics.add(defaultTopic);
		}
		return topics;
	}

	private boolean isDevelopment(KafkaClient client, ProducerReliabilityProperties settings) {
		if (Arrays.stream(this.environment.getActiveProfiles()).anyMatch(settings.getDevProfiles()::contains)) {
			return true;
		}
		if (ClassUtils.isPresent(EMBEDDED_BROKER, getClass().getClassLoader())
				&& this.beanFactory.getBeanNamesForType(ClassUtils.resolveClassName(EMBEDDED_BROKER, null), false,
						false).length > 0) {
			return true;
		}
		if (this.beanFactory.containsBean(DEV_BROKER_BEAN)) {
			// The dev broker serves every client that has no servers of its own.
			Object broker = this.beanFactory.getBean(DEV_BROKER_BEAN);
			try {
				Object servers = broker.getClass().getMethod("getBootstrapServers").invoke(broker);
				return servers != null
						&& new LinkedHashSet<>(Arrays.asList(servers.toString().split(",")))
							.containsAll(client.bootstrapServers());
			}
			catch (ReflectiveOperationException ex) {
				return false;
			}
		}
		return false;
	}

	private static <T> T get(KafkaFuture<T> future, long deadline)
			throws InterruptedException, ExecutionException, TimeoutException {
		return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

	private static @Nullable String value(@Nullable ConfigEntry entry) {
		return (entry != null) ? entry.value() : null;
	}

	@Override
	public void stop() {
		this.running = false;
		this.afterStartup.cancel();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Before the listener containers (Integer.MAX_VALUE - 100), after every topic bean
		// was created by the admins (they do it when all singletons exist).
		return Integer.MAX_VALUE - 200;
	}

	/**
	 * What the check found.
	 */
	static final class Findings {

		final List<String> problems = new ArrayList<>();

		final List<String> fixes = new ArrayList<>();

		final List<String> sizeProblems = new ArrayList<>();

		final List<String> sizeFixes = new ArrayList<>();

		@Nullable Integer messageMaxBytes;

		@Nullable String unverified;

		void problem(String problem, String fix) {
			this.problems.add(problem);
			this.fixes.add(fix);
		}

		void sizeProblem(String problem, String fix) {
			this.sizeProblems.add(problem);
			this.sizeFixes.add(fix);
		}

	}

	/**
	 * What to check for one client, and in which mode.
	 */
	static final class Checks {

		final KafkaClient client;

		final ProducerReliabilityProperties.DurabilityVerification durability;

		final ProducerReliabilityProperties.DurabilityVerification sizes;

		final boolean dev;

		final Set<String> topics;

		final Duration timeout;

		final int maxRequestSize;

		Checks(KafkaClient client, ProducerReliabilityProperties.DurabilityVerification durability,
				ProducerReliabilityProperties.DurabilityVerification sizes, boolean dev, Set<String> topics,
				Duration timeout) {
			this.client = client;
			this.durability = durability;
			this.sizes = sizes;
			this.dev = dev;
			this.topics = topics;
			this.timeout = timeout;
			Integer maxRequestSize = maxRequestSize(client);
			this.maxRequestSize = (maxRequestSize != null) ? maxRequestSize : DEFAULT_MAX_REQUEST_SIZE;
		}

		boolean durability() {
			return this.durability != ProducerReliabilityProperties.DurabilityVerification.OFF;
		}

		boolean sizes() {
			return this.sizes != ProducerReliabilityProperties.DurabilityVerification.OFF;
		}

		boolean failsStartUp() {
			return this.durability == ProducerReliabilityProperties.DurabilityVerification.FAIL
					|| this.sizes == ProducerReliabilityProperties.DurabilityVerification.FAIL;
		}

	}

}
