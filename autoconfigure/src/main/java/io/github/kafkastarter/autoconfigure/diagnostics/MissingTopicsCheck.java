package io.github.kafkastarter.autoconfigure.diagnostics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.kafkastarter.autoconfigure.client.ClientScopedBeans;
import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.client.KafkaSecrets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.util.StringUtils;

/**
 * Fails start-up when a topic the application names does not exist: a listener's explicit
 * topics (patterns are not checked) and a template's default topic, per client, minus the
 * topics of the client's {@code NewTopic} beans (its {@code KafkaAdmin} has created them by
 * now). By default only on a cluster that does not create topics on first use, where a
 * listener of a missing topic waits forever without a word.
 * <p>
 * Spring Kafka's {@code ContainerProperties.setMissingTopicsFatal} checks one container at
 * a time with an admin client of its own, and takes a cluster that does not answer for a
 * missing topic; this check asks each client's shared admin once for all its topics, and
 * names every missing topic, who uses it and how to create it. The topics are asked first;
 * the cluster's configuration only when one is missing. An application that sets
 * {@code spring.kafka.listener.missing-topics-fatal} keeps Spring's check as well.
 * <p>
 * Runs during start-up, before the listener containers start (it must stop start-up),
 * bounded by {@code kafka.starter.missing-topics.timeout}; skipped at once (with a log
 * line) when no bootstrap server accepts a TCP connection, which Kafka's admin would retry
 * until the timeout.
 */
final class MissingTopicsCheck implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(MissingTopicsCheck.class);

	private static final String AUTO_CREATE = "auto.create.topics.enable";

	private static final int CONNECT_TIMEOUT_MILLIS = 500;

	private final ObjectProvider<KafkaClients> clients;

	private final ObjectProvider<KafkaClientContainers> containers;

	private final ListableBeanFactory beanFactory;

	private volatile boolean running;

	MissingTopicsCheck(ObjectProvider<KafkaClients> clients, ObjectProvider<KafkaClientContainers> containers,
			ListableBeanFactory beanFactory) {
		this.clients = clients;
		this.containers = containers;
		this.beanFactory = beanFactory;
	}

	@Override
	public void start() {
		this.running = true;
		KafkaClients clients = this.clients.getIfAvailable();
		if (clients == null) {
			return;
		}
		for (KafkaClient client : clients) {
			MissingTopicsProperties settings = client.settings("missing-topics", MissingTopicsProperties.class);
			if (settings.getCheck() == MissingTopicsProperties.Mode.OFF) {
				continue;
			}
			Map<String, List<String>> topics = topics(client);
			if (!topics.isEmpty()) {
				check(client, settings, topics);
			}
		}
	}

	// Every topic the client names, with who names it.
	private Map<String, List<String>> topics(KafkaClient client) {
		Map<String, List<String>> topics = new LinkedHashMap<>();
		KafkaClientContainers containers = this.containers.getIfAvailable();
		if (containers != null) {
			for (MessageListenerContainer container : containers.containers(client.name())) {
				ContainerProperties properties = container.getContainerProperties();
				if (properties.getTopicPattern() != null) {
					continue;
				}
				List<String> names = new ArrayList<>();
				if (properties.getTopics() != null) {
					names.addAll(Arrays.asList(properties.getTopics()));
				}
				else if (properties.getTopicPartitions() != null) {
					Arrays.stream(properties.getTopicPartitions()).map(TopicPartitionOffset::getTopic).forEach(names::add);
				}
				String user = "listener '" + container.getListenerId() + "'";
				names.forEach((topic) -> add(topics, topic, user));
			}
		}
		String defaultTopic = client.properties().getTemplate().getDefaultTopic();
		if (StringUtils.hasText(defaultTopic)) {
			add(topics, defaultTopic, "the template's default topic");
		}
		for (String name : this.beanFactory.getBeanNamesForType(NewTopic.class, false, false)) {
			Set<String> scope = ClientScopedBeans.scopeOf(this.beanFactory, name);
			if ((scope == null) ? client.isDefault() : scope.contains(client.name())) {
				topics.remove(this.beanFactory.getBean(name, NewTopic.class).name());
			}
		}
		return topics;
	}

	private static void add(Map<String, List<String>> topics, String topic, String user) {
		List<String> users = topics.computeIfAbsent(topic, (key) -> new ArrayList<>());
		if (!users.contains(user)) {
			users.add(user);
		}
	}

	private void check(KafkaClient client, MissingTopicsProperties settings, Map<String, List<String>> topics) {
		Duration timeout = settings.getTimeout();
		long deadline = System.nanoTime() + timeout.toNanos();
		List<String> missing = new ArrayList<>();
		String autoCreate = null;
		if (!anyAcceptsConnections(client.bootstrapServers(), deadline)) {
			// Kafka's admin would retry until the timeout: no reason to hold start-up that long.
			logger.info("Kafka client '{}': could not check that its topics {} exist: no bootstrap server "
					+ "accepts connections", client.name(), topics.keySet());
			return;
		}
		try {
			Admin admin = client.sharedAdmin();
			// The topics first: when they all exist (the usual case), one request answers,
			// and the cluster's configuration is only asked in auto mode when one is missing.
			ExecutionException failed = null;
			for (Map.Entry<String, KafkaFuture<org.apache.kafka.clients.admin.TopicDescription>> entry : admin
				.describeTopics(topics.keySet(), new DescribeTopicsOptions().timeoutMs(remainingMillis(deadline)))
				.topicNameValues()
				.entrySet()) {
				try {
					get(entry.getValue(), deadline);
				}
				catch (ExecutionException ex) {
					if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
						missing.add(entry.getKey());
					}
					else if (failed == null) {
						failed = ex;
					}
				}
			}
			if ((!missing.isEmpty() || failed != null) && settings.getCheck() == MissingTopicsProperties.Mode.AUTO) {
				autoCreate = autoCreate(admin, deadline);
				if (!"false".equals(autoCreate)) {
					return;
				}
			}
			if (failed != null) {
				throw failed;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (TimeoutException | ExecutionException | RuntimeException ex) {
			Throwable cause = (ex instanceof ExecutionException && ex.getCause() != null) ? ex.getCause() : ex;
			boolean timedOut = cause instanceof TimeoutException
					|| cause instanceof org.apache.kafka.common.errors.TimeoutException;
			logger.warn("Kafka client '{}': could not check that its topics {} exist: {}", client.name(),
					topics.keySet(), timedOut ? "the cluster did not answer within " + timeout.toMillis() + " ms"
							: KafkaSecrets.describe(cause, KafkaSecrets.values(client.adminConfig())));
			return;
		}
		if (!missing.isEmpty()) {
			throw failure(client, settings, topics, missing, autoCreate);
		}
	}

	private static KafkaStarterConfigurationException failure(KafkaClient client, MissingTopicsProperties settings,
			Map<String, List<String>> topics, List<String> missing, String autoCreate) {
		List<String> named = new ArrayList<>();
		for (String topic : missing) {
			named.add("'" + topic + "' (" + String.join(", ", topics.get(topic)) + ")");
		}
		String property = (client.isDefault() ? "kafka.starter" : KafkaClientNames.prefix(client.name()))
				+ ".missing-topics.check";
		String servers = String.join(",", client.bootstrapServers());
		List<String> commands = new ArrayList<>();
		for (String topic : missing) {
			commands.add("kafka-topics.sh --bootstrap-server " + servers + " --create --topic " + topic
					+ " --partitions <n> --replication-factor <r>");
		}
		String why = (autoCreate != null) ? " on a cluster that does not create topics on first use "
				+ "(auto.create.topics.enable=false)" : "";
		return new KafkaStarterConfigurationException(property, settings.getCheck().name().toLowerCase(),
				"Kafka client '" + client.name() + "' uses " + ((missing.size() == 1) ? "a topic" : "topics")
						+ " that do" + ((missing.size() == 1) ? "es" : "") + " not exist" + why + ": "
						+ String.join(", ", named) + ".",
				"Create " + ((missing.size() == 1) ? "it" : "them") + " before the application starts: declare a "
						+ "NewTopic bean (for example TopicBuilder.name(\"" + missing.get(0)
						+ "\").partitions(3).replicas(3).build()), which the client's KafkaAdmin creates at start-up, "
						+ "or run " + String.join("; ", commands) + ". Or set '" + property
						+ "=off' to start without them.");
	}

	private static boolean anyAcceptsConnections(List<String> servers, long deadline) {
		for (String server : servers) {
			int colon = server.lastIndexOf(':');
			if (colon <= 0) {
				continue;
			}
			String host = server.substring(0, colon).replace("[", "").replace("]", "");
			try (Socket socket = new Socket()) {
				int port = Integer.parseInt(server.substring(colon + 1));
				socket.connect(new InetSocketAddress(host, port), Math.min(CONNECT_TIMEOUT_MILLIS,
						remainingMillis(deadline)));
				return true;
			}
			catch (IOException | RuntimeException ex) {
				// Refused, unresolved or silent: try the next one.
			}
		}
		return false;
	}

	private static String autoCreate(Admin admin, long deadline)
			throws InterruptedException, ExecutionException, TimeoutException {
		Collection<Node> nodes = get(
				admin.describeCluster(new DescribeClusterOptions().timeoutMs(remainingMillis(deadline))).nodes(),
				deadline);
		if (nodes.isEmpty()) {
			return null;
		}
		ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
		Config config = get(admin
			.describeConfigs(List.of(broker), new DescribeConfigsOptions().timeoutMs(remainingMillis(deadline)))
			.values()
			.get(broker), deadline);
		ConfigEntry entry = config.get(AUTO_CREATE);
		return (entry != null) ? entry.value() : null;
	}

	private static int remainingMillis(long deadline) {
		long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
	}

	private static <T> T get(KafkaFuture<T> future, long deadline)
			throws InterruptedException, ExecutionException, TimeoutException {
		return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Before the listener containers (Integer.MAX_VALUE - 100), after every NewTopic bean
		// was created by the admins (they do it when all singletons exist).
		return Integer.MAX_VALUE - 200;
	}

}
