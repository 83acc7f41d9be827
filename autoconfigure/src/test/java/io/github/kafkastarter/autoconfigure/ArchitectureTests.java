package io.github.kafkastarter.autoconfigure;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the shape of the starter: a public type is one users call or implement, and a
 * feature package depends on the client model, not on other features, except where this
 * test says why. Reads the compiled main classes (their constant pools), no library.
 */
class ArchitectureTests {

	private static final String BASE = "io.github.kafkastarter.autoconfigure.";

	/**
	 * Every public top-level type, by its name below {@value #BASE}, with why it is
	 * public. A type that is not here must be package-private.
	 */
	static final Map<String, String> PUBLIC_TYPES = new TreeMap<>(Map.ofEntries(
			// What applications call or implement.
			Map.entry("client.KafkaClients", "the lookup of every client's beans, injected by applications"),
			Map.entry("client.KafkaClient", "one client: its beans, properties and configuration"),
			Map.entry("client.KafkaClientCustomizer", "implemented by applications to shape every client"),
			Map.entry("client.ForClients", "annotation limiting a bean to some clients"),
			Map.entry("dedup.Deduplicated", "annotation on deduplicated listeners"),
			Map.entry("parallel.ParallelListener", "annotation on parallel listeners"),
			Map.entry("dedup.ProcessedRecordStore", "implemented by applications to keep processed ids elsewhere"),
			Map.entry("dedup.Deduplication", "bean that gives other ways of consuming a RecordDeduplicator per group"),
			Map.entry("errorhandling.ListenerErrorHandlers",
					"bean other ways of consuming take the error handler, recoverer and back-off from"),
			Map.entry("consumer.ListenerReliabilitySettings", "returned by ListenerErrorHandlers.settings"),
			Map.entry("lag.LagMonitorRegistry", "bean applications read lag from"),
			Map.entry("lag.ClientLagMonitor", "returned by LagMonitorRegistry"),
			Map.entry("lag.LagSnapshot", "a ClientLagMonitor's snapshot, with GroupLag, PartitionLag, LagStatus"),
			Map.entry("parallel.ParallelListeners", "bean that shows what each parallel listener is doing"),
			Map.entry("devbroker.DevKafkaBroker", "bean that gives tests the dev broker's address and cluster"),
			Map.entry("devbroker.KraftCluster", "returned by DevKafkaBroker; tests and benchmarks start clusters"),
			Map.entry("actuate.KafkaEndpoint", "the actuator endpoint, callable in code like Spring Boot's own"),
			Map.entry("share.ShareGroupsUnavailableEvent", "published to the application when share groups are missing"),
			// Exceptions applications throw or catch.
			Map.entry("diagnostics.KafkaStarterConfigurationException", "what every start-up check throws"),
			Map.entry("errorhandling.RetryLaterException", "thrown by listeners to be called again later"),
			Map.entry("dedup.RecordInProgressException", "a RetryLaterException applications may catch"),
			// Configuration properties, and the types of their values.
			Map.entry("client.KafkaClientsProperties", "@ConfigurationProperties kafka.starter.clients"),
			Map.entry("actuate.KafkaEndpointProperties", "@ConfigurationProperties kafka.starter.endpoint"),
			Map.entry("actuate.KafkaConsoleProperties", "@ConfigurationProperties kafka.starter.console"),
			Map.entry("clientmetrics.ClientMetricsProperties", "@ConfigurationProperties kafka.starter.client-metrics"),
			Map.entry("consumer.ConsumerReliabilityProperties", "@ConfigurationProperties kafka.starter.consumer"),
			Map.entry("dedup.DeduplicationProperties", "@ConfigurationProperties kafka.starter.deduplication"),
			Map.entry("dedup.RecordIdProperties", "@ConfigurationProperties kafka.starter.producer.record-ids"),
			Map.entry("devbroker.DevBrokerProperties", "@ConfigurationProperties kafka.starter.dev-broker"),
			Map.entry("health.KafkaHealthProperties", "@ConfigurationProperties kafka.starter.health"),
			Map.entry("interceptor.InterceptorProperties", "@ConfigurationProperties kafka.starter.interceptors"),
			Map.entry("lag.LagProperties", "@ConfigurationProperties kafka.starter.lag"),
			Map.entry("groupactivity.GroupActivityProperties", "@ConfigurationProperties kafka.starter.group-activity"),
			Map.entry("diagnostics.MissingTopicsProperties", "@ConfigurationProperties kafka.starter.missing-topics"),
			Map.entry("latency.EndToEndLatencyProperties", "@ConfigurationProperties kafka.starter.e2e"),
			Map.entry("parallel.ParallelProperties", "@ConfigurationProperties kafka.starter.parallel"),
			Map.entry("priority.PriorityProperties", "@ConfigurationProperties kafka.starter.priority"),
			Map.entry("producer.ProducerReliabilityProperties", "@ConfigurationProperties kafka.starter.producer"),
			Map.entry("share.ShareProperties", "@ConfigurationProperties kafka.starter.share"),
			Map.entry("diagnostics.ValidatedSettings", "implemented by the public properties classes"),
			// Kafka instantiates interceptor.classes by name: they must be public.
			Map.entry("interceptor.BeanConsumerInterceptors", "instantiated by Kafka from interceptor.classes"),
			Map.entry("interceptor.BeanProducerInterceptors", "instantiated by Kafka from interceptor.classes"),
			Map.entry("interceptor.BeanPartitioner", "instantiated by Kafka from partitioner.class"),
			Map.entry("dedup.RecordIdInterceptor", "instantiated by Kafka from interceptor.classes"),
			Map.entry("latency.EndToEndLatencyInterceptor", "instantiated by Kafka from interceptor.classes"),
			Map.entry("clientmetrics.ProducerRecordMetricsInterceptor", "instantiated by Kafka from interceptor.classes"),
			// The client model the feature packages share.
			Map.entry("client.Acks", "acks rules shared by producer profiles, diagnostics and broker health"),
			Map.entry("client.ClientScopedBeans", "finds the @ForClients beans of a client, for every feature"),
			Map.entry("client.InterceptorClasses", "reads interceptor.classes, for the features that add one"),
			Map.entry("client.KafkaClientContainers", "which client each listener container belongs to"),
			Map.entry("client.KafkaClientNames", "the named clients and their property prefixes"),
			Map.entry("client.KafkaSecrets", "masks secrets in whatever a feature writes"),
			Map.entry("client.AfterStartup", "holds the features' first cluster calls (health, lag, durability) until the application has started"),
			Map.entry("client.WrappingRebalanceListener", "the one way the parallel, priority and group-activity features wrap a container's rebalance listener"),
			Map.entry("client.ListenerEndpoints", "the listener method behind a container, for annotations"),
			// State one feature publishes and another reads (see FEATURE_DEPENDENCIES).
			Map.entry("health.ListenerContainerStates", "every listener container's state, shown by the actuator endpoint"),
			Map.entry("groupactivity.GroupActivity", "rebalances, commit failures and idle consumers per group, shown by listener health and the endpoint"),
			Map.entry("share.ShareGroupSupport", "whether a cluster has share groups, read by share health"),
			Map.entry("clientmetrics.ProducerBackPressure", "every client's producer back-pressure, read by producer health")));

	/**
	 * Packages every package may depend on.
	 */
	static final Map<String, String> SHARED_PACKAGES = Map.of(
			"client", "the client model: clients, their beans and configuration, customizers",
			"diagnostics", "the exception and ValidatedSettings every feature reports bad configuration with",
			"consumer", "the kafka.starter.consumer settings, per client and listener, that several features read");

	/**
	 * Dependencies of one feature package on another, with why.
	 */
	static final Map<String, String> FEATURE_DEPENDENCIES = new TreeMap<>(Map.ofEntries(
			Map.entry("diagnostics -> *", "validates every feature's properties before any bean is created"),
			Map.entry("actuate -> health", "the endpoint shows the listener containers' states"),
			Map.entry("actuate -> lag", "the endpoint shows the groups' lag; ordered after lag"),
			Map.entry("health -> lag", "lag health reads the lag snapshots; ordered after lag"),
			Map.entry("health -> groupactivity", "listener health shows rebalance storms, commit failures and idle consumers"),
			Map.entry("actuate -> groupactivity", "the endpoint shows rebalances, commit failures and idle consumers per group"),
			Map.entry("actuate -> parallel", "the endpoint shows what a parallel listener has in flight and running"),
			Map.entry("health -> clientmetrics", "producer health reads the producers' back-pressure; ordered after it"),
			Map.entry("health -> share", "share-container health reads whether the cluster has share groups"),
			Map.entry("poisonpill -> errorhandling", "poison pills of batch listeners go to the dead-letter recoverer"),
			Map.entry("dedup -> errorhandling",
					"RecordInProgressException is a RetryLaterException; its customizer, of the same order, comes after"),
			Map.entry("dedup -> producer", "record ids are stamped on the records of non-idempotent producer profiles"),
			Map.entry("dedup -> membership", "ordering only: its customizer, of the same order, comes after"),
			Map.entry("dedup -> poisonpill", "ordering only: its customizer comes after the poison pills'")));

	private static final Pattern REFERENCE = Pattern
		.compile("io[/.]github[/.]kafkastarter[/.]autoconfigure[/.]([a-z]+)[/.]([A-Za-z0-9_$]+)");

	@Test
	void onlyTypesApplicationsUseArePublic() throws Exception {
		Map<String, Boolean> types = new TreeMap<>();
		for (Path file : classFiles()) {
			String name = className(file);
			if (!name.contains("$")) {
				Class<?> type = Class.forName(BASE + name, false, getClass().getClassLoader());
				types.put(name, Modifier.isPublic(type.getModifiers()));
			}
		}
		Set<String> unexpected = new TreeSet<>();
		types.forEach((name, isPublic) -> {
			if (isPublic && !PUBLIC_TYPES.containsKey(name)) {
				unexpected.add(name);
			}
		});
		assertThat(unexpected).as("public types that are not in ArchitectureTests.PUBLIC_TYPES: make them "
				+ "package-private, or add them there with why applications need them")
			.isEmpty();
		Set<String> stale = new TreeSet<>(PUBLIC_TYPES.keySet());
		types.forEach((name, isPublic) -> {
			if (isPublic) {
				stale.remove(name);
			}
		});
		assertThat(stale).as("entries of ArchitectureTests.PUBLIC_TYPES that are not public types (any more)")
			.isEmpty();
		System.out.printf("Public types: %d of %d top-level types%n", PUBLIC_TYPES.size(), types.size());
	}

	@Test
	void featurePackagesDependOnTheClientModelNotOnEachOther() throws Exception {
		Set<String> used = new TreeSet<>();
		Set<String> violations = new TreeSet<>();
		for (Path file : classFiles()) {
			String from = className(file).substring(0, className(file).indexOf('.'));
			for (String reference : references(file)) {
				Matcher matcher = REFERENCE.matcher(reference);
				while (matcher.find()) {
					String to = matcher.group(1);
					if (to.equals(from) || SHARED_PACKAGES.containsKey(to)) {
						continue;
					}
					String dependency = from + " -> " + to;
					String wildcard = from + " -> *";
					if (FEATURE_DEPENDENCIES.containsKey(dependency)) {
						used.add(dependency);
					}
					else if (FEATURE_DEPENDENCIES.containsKey(wildcard)) {
						used.add(wildcard);
					}
					else {
						violations.add(dependency + " (" + className(file) + " uses " + to + "." + matcher.group(2) + ")");
					}
				}
			}
		}
		assertThat(violations).as("feature packages that depend on other features: depend on the client model "
				+ "instead, or add the dependency to ArchitectureTests.FEATURE_DEPENDENCIES with why")
			.isEmpty();
		Set<String> stale = new TreeSet<>(FEATURE_DEPENDENCIES.keySet());
		stale.removeAll(used);
		assertThat(stale).as("entries of ArchitectureTests.FEATURE_DEPENDENCIES that no class needs (any more)")
			.isEmpty();
	}

	@Test
	void springBootLoadsThePackagePrivateAutoConfigurationsFromTheImportsFile() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.properties(TestBrokers.sharedServersProperty(), "kafka.starter.producer.verify-durability=off")
			.run()) {
			String name = BASE + "client.KafkaClientsAutoConfiguration";
			assertThat(context.containsBean(name)).isTrue();
			assertThat(Modifier.isPublic(context.getType(name).getModifiers())).isFalse();
			assertThat(context.getBean(KafkaClients.class).getDefault()).isNotNull();
		}
	}

	private static List<Path> classFiles() throws IOException, URISyntaxException {
		Path root = Path.of(KafkaClients.class.getProtectionDomain().getCodeSource().getLocation().toURI())
			.resolve(BASE.replace('.', '/'));
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter((file) -> file.toString().endsWith(".class")).sorted().toList();
		}
	}

	private static String className(Path file) {
		String path = file.toString().replace('\\', '/');
		String relative = path.substring(path.indexOf(BASE.replace('.', '/')) + BASE.length());
		return relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
	}

	/**
	 * The text constants of a class file: the names of every class it refers to, its
	 * descriptors and signatures, and its string constants (auto-configuration ordering
	 * by name included).
	 */
	private static List<String> references(Path file) throws IOException {
		List<String> texts = new ArrayList<>();
		try (InputStream stream = Files.newInputStream(file); DataInputStream in = new DataInputStream(stream)) {
			in.readInt(); // magic
			in.readUnsignedShort(); // minor version
			in.readUnsignedShort(); // major version
			int count = in.readUnsignedShort();
			for (int index = 1; index < count; index++) {
				int tag = in.readUnsignedByte();
				switch (tag) {
					case 1 -> {
						byte[] bytes = new byte[in.readUnsignedShort()];
						in.readFully(bytes);
						texts.add(new String(bytes, StandardCharsets.UTF_8));
					}
					case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
					case 5, 6 -> {
						in.skipBytes(8);
						index++;
					}
					case 7, 8, 16, 19, 20 -> in.skipBytes(2);
					case 15 -> in.skipBytes(3);
					default -> throw new IllegalStateException("Unknown constant pool tag " + tag + " in " + file);
				}
			}
		}
		return texts;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
