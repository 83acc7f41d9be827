package io.github.kafkastarter.autoconfigure.parity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.metrics.KafkaMetricsAutoConfiguration;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.listener.adapter.RecordFilterStrategy;
import org.springframework.kafka.support.converter.RecordMessageConverter;
import org.springframework.kafka.support.converter.StringJsonMessageConverter;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's Kafka beans are what Boot alone makes of the same properties, except for
 * the starter's deliberate defaults, each documented in docs/boot-behaviour.md with the
 * property that turns it off ({@link DeliberateDefault}).
 * <p>
 * Every case below builds a context with Boot's Kafka auto-configuration alone and one
 * with the starter's auto-configurations added, with the same properties, and compares
 * the effective configuration of Boot's beans ({@link KafkaBeanSnapshot}). The cases
 * cover every {@code spring.kafka.*} property in Boot's configuration metadata, each with
 * where Boot puts it, so a property that does not reach a compared bean fails here
 * rather than passing unseen.
 */
class BootParityTests {

	static final Class<?>[] STARTER = starterAutoConfigurations();

	private static final ApplicationContextRunner BOOT = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaMetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	private static final String SERVERS = "spring.kafka.bootstrap-servers=localhost:9";

	/**
	 * The starter's features that only watch the cluster in the background (lag, broker
	 * health, the durability and size checks, the missing-topics check) shape none of
	 * Boot's beans (see {@link #backgroundFeaturesShapeNoneOfBootsBeans()}); they are off in
	 * the cases so that no case waits for a cluster that is not there.
	 */
	private static final String[] QUIET = { "kafka.starter.lag.enabled=false", "management.health.kafka.enabled=false",
			"kafka.starter.producer.verify-durability=off", "kafka.starter.producer.verify-sizes=off",
			"kafka.starter.missing-topics.check=off" };

	private static final ApplicationContextRunner WITH_STARTER = BOOT
		.withConfiguration(AutoConfigurations.of(STARTER));

	// Boot alone makes the same beans of a case for every test: made once.
	private static final Map<String, Map<String, String>> BOOT_SNAPSHOTS = new ConcurrentHashMap<>();

	/**
	 * Boot's properties the comparison cannot see, because the beans they shape have no
	 * getter for them (reading private fields is not an option), with why the starter
	 * cannot change them either. They are still set in the cases, on both sides.
	 */
	static final Map<String, String> UNOBSERVABLE = Map.of(
			"spring.kafka.admin.auto-create", "KafkaAdmin has no getter; the starter never calls its setter",
			"spring.kafka.admin.close-timeout", "KafkaAdmin has no getter; the starter never calls its setter",
			"spring.kafka.admin.fail-fast", "KafkaAdmin has no getter; the starter never calls its setter",
			"spring.kafka.admin.modify-topic-configs", "KafkaAdmin has no getter; the starter never calls its setter",
			"spring.kafka.template.close-timeout", "KafkaTemplate has no getter; the starter never calls its setter",
			"spring.kafka.template.observation-enabled",
			"KafkaTemplate has no getter; the starter never calls its setter",
			"spring.kafka.streams.cleanup.on-startup",
			"StreamsBuilderFactoryBean has no getter for its CleanupConfig; the starter does not configure streams",
			"spring.kafka.streams.cleanup.on-shutdown",
			"StreamsBuilderFactoryBean has no getter for its CleanupConfig; the starter does not configure streams",
			"spring.kafka.retry.topic.backoff.jitter",
			"Boot draws every retry delay at random within the jitter: delays are compared to the second");

	@Test
	void everyKafkaPropertyOfBootIsCompared() {
		Set<String> covered = new TreeSet<>();
		cases().forEach((parityCase) -> parityCase.settings().forEach((setting) -> covered.add(setting.covers())));
		assertThat(covered).containsAll(BootKafkaProperties.names());
		assertThat(covered).containsAll(UNOBSERVABLE.keySet());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void bootsBeansDifferOnlyByTheDeliberateDefaults(Case parityCase) {
		Map<String, String> boot = bootSnapshot(parityCase);
		for (Setting setting : parityCase.settings()) {
			setting.assertLanded(boot);
		}
		Map<String, String> starter = snapshot(parityCase.apply(WITH_STARTER).withPropertyValues(QUIET));
		assertThat(undocumented(boot, starter)).as("differences no deliberate default explains").isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void withEveryDeliberateDefaultSwitchedOffBootsBeansAreBootsAlone(Case parityCase) {
		Map<String, String> boot = bootSnapshot(parityCase);
		Map<String, String> starter = snapshot(
				parityCase.apply(WITH_STARTER).withPropertyValues(QUIET).withPropertyValues(allSwitchedOff()));
		assertThat(Difference.between(boot, starter)).isEmpty();
	}

	// The dev broker needs no servers configured, unlike every case: tested on its own below.
	@ParameterizedTest
	@EnumSource(value = DeliberateDefault.class, mode = EnumSource.Mode.EXCLUDE, names = "DEV_BROKER")
	void eachSwitchTurnsItsDefaultOff(DeliberateDefault deliberate) {
		Case trigger = switch (deliberate) {
			case RECORD_IDS -> caseNamed("producer acks=1");
			case POISON_PILL_SAFETY -> caseNamed("listener type=batch");
			case INTERCEPTOR_BEANS -> caseNamed("interceptor beans");
			default -> caseNamed("defaults");
		};
		Map<String, String> boot = bootSnapshot(trigger);
		Map<String, String> starter = snapshot(trigger.apply(WITH_STARTER).withPropertyValues(QUIET));
		assertThat(explainedBy(boot, starter)).as("what the default changes").contains(deliberate);
		Map<String, String> switchedOff = snapshot(
				trigger.apply(WITH_STARTER).withPropertyValues(QUIET).withPropertyValues(deliberate.switchOff()));
		assertThat(undocumented(boot, switchedOff)).isEmpty();
		assertThat(explainedBy(boot, switchedOff)).as("what remains with " + deliberate.switchOff())
			.doesNotContain(deliberate);
	}

	@Test
	void theDevBrokerIsTheOnlyDifferenceWhenNoClusterIsConfigured() {
		// No servers: Boot alone connects to localhost:9092, the starter starts a broker.
		Map<String, String> boot = snapshot(BOOT);
		Map<String, String> starter = snapshot(WITH_STARTER.withPropertyValues(QUIET));
		assertThat(undocumented(boot, starter)).isEmpty();
		assertThat(explainedBy(boot, starter)).contains(DeliberateDefault.DEV_BROKER);
		Map<String, String> switchedOff = snapshot(
				WITH_STARTER.withPropertyValues(QUIET).withPropertyValues(DeliberateDefault.DEV_BROKER.switchOff()));
		assertThat(explainedBy(boot, switchedOff)).doesNotContain(DeliberateDefault.DEV_BROKER);
	}

	@Test
	void backgroundFeaturesShapeNoneOfBootsBeans() {
		Map<String, String> quiet = snapshot(WITH_STARTER.withPropertyValues(SERVERS).withPropertyValues(QUIET));
		Map<String, String> watching = snapshot(WITH_STARTER.withPropertyValues(SERVERS));
		assertThat(Difference.between(quiet, watching)).isEmpty();
	}

	@Test
	void aDifferenceNoDefaultExplainsIsReported() {
		// The comparison itself: a customizer that changes Boot's beans behind the docs'
		// back must show up, with the entries it changed.
		Map<String, String> boot = snapshot(BOOT.withPropertyValues(SERVERS));
		Map<String, String> starter = snapshot(
				WITH_STARTER.withPropertyValues(SERVERS).withPropertyValues(QUIET).withBean("undocumented",
						KafkaClientCustomizer.class, UndocumentedChanges::new));
		assertThat(undocumented(boot, starter)).extracting(Difference::path)
			.containsExactlyInAnyOrder("consumerFactory.config[max.poll.records]",
					"container.containerProperties.ackMode", "producerFactory.config[linger.ms]");
	}

	@Test
	void theBootBehaviourPageListsEveryDeliberateDefaultWithItsSwitch() throws IOException {
		String page = Files.readString(Path.of("..", "docs", "boot-behaviour.md"), StandardCharsets.UTF_8);
		assertThat(page).startsWith("# What the starter changes in Spring Boot's behaviour\n");
		for (DeliberateDefault deliberate : DeliberateDefault.values()) {
			assertThat(page).as(deliberate.name()).contains("`" + deliberate.switchOff() + "`");
		}
	}

	private static List<Difference> undocumented(Map<String, String> boot, Map<String, String> starter) {
		List<Difference> undocumented = new ArrayList<>();
		for (Difference difference : Difference.between(boot, starter)) {
			if (DeliberateDefault.explaining(difference, boot) == null) {
				undocumented.add(difference);
			}
		}
		return undocumented;
	}

	private static Set<DeliberateDefault> explainedBy(Map<String, String> boot, Map<String, String> starter) {
		Set<DeliberateDefault> explaining = EnumSet.noneOf(DeliberateDefault.class);
		for (Difference difference : Difference.between(boot, starter)) {
			List<DeliberateDefault> defaults = DeliberateDefault.explaining(difference, boot);
			if (defaults != null) {
				explaining.addAll(defaults);
			}
		}
		return explaining;
	}

	private static String[] allSwitchedOff() {
		return Arrays.stream(DeliberateDefault.values()).map(DeliberateDefault::switchOff).toArray(String[]::new);
	}

	private static Map<String, String> bootSnapshot(Case parityCase) {
		return BOOT_SNAPSHOTS.computeIfAbsent(parityCase.name(), (name) -> snapshot(parityCase.apply(BOOT)));
	}

	private static Map<String, String> snapshot(ApplicationContextRunner runner) {
		AtomicReference<Map<String, String>> snapshot = new AtomicReference<>();
		javax.security.auth.login.Configuration jaas = javax.security.auth.login.Configuration.getConfiguration();
		try {
			runner.run((context) -> {
				assertThat(context).hasNotFailed();
				snapshot.set(KafkaBeanSnapshot.of(context));
			});
		}
		finally {
			// Boot's JAAS initializer sets the JVM's configuration: leave it as it was.
			javax.security.auth.login.Configuration.setConfiguration(jaas);
		}
		return snapshot.get();
	}

	private static Case caseNamed(String name) {
		return cases().filter((parityCase) -> parityCase.name().equals(name)).findFirst().orElseThrow();
	}

	static Stream<Case> cases() {
		List<Case> cases = new ArrayList<>();
		cases.add(new Case("defaults", Scenario.PLAIN));
		cases.add(new Case("spring.kafka", Scenario.PLAIN,
				set("spring.kafka.bootstrap-servers", "localhost:9,localhost:10").lands("producerFactory",
						"bootstrap.servers", "[localhost:9, localhost:10]"),
				set("spring.kafka.client-id", "parity-client").lands("producerFactory", "client.id", "parity-client"),
				set("spring.kafka.properties", "metadata.max.age.ms", "12345").lands("consumerFactory",
						"metadata.max.age.ms", "12345")));
		for (String[] client : List.of(new String[] { "spring.kafka", "kafkaAdmin" },
				new String[] { "spring.kafka.consumer", "consumerFactory" },
				new String[] { "spring.kafka.producer", "producerFactory" },
				new String[] { "spring.kafka.admin", "kafkaAdmin" })) {
			cases.addAll(security(client[0], client[1], Scenario.PLAIN, Scenario.SSL_BUNDLE));
		}
		cases.add(new Case("spring.kafka.consumer", Scenario.PLAIN,
				set("spring.kafka.consumer.auto-commit-interval", "2s").lands("consumerFactory",
						"auto.commit.interval.ms", "2000"),
				set("spring.kafka.consumer.auto-offset-reset", "earliest").lands("consumerFactory",
						"auto.offset.reset", "earliest"),
				set("spring.kafka.consumer.bootstrap-servers", "localhost:11").lands("consumerFactory",
						"bootstrap.servers", "[localhost:11]"),
				set("spring.kafka.consumer.client-id", "parity-consumer").lands("consumerFactory", "client.id",
						"parity-consumer"),
				set("spring.kafka.consumer.enable-auto-commit", "false").lands("consumerFactory",
						"enable.auto.commit", "false"),
				set("spring.kafka.consumer.fetch-max-wait", "300ms").lands("consumerFactory", "fetch.max.wait.ms",
						"300"),
				set("spring.kafka.consumer.fetch-min-size", "2KB").lands("consumerFactory", "fetch.min.bytes", "2048"),
				set("spring.kafka.consumer.group-id", "parity-group").lands("consumerFactory", "group.id",
						"parity-group"),
				set("spring.kafka.consumer.heartbeat-interval", "2s").lands("consumerFactory",
						"heartbeat.interval.ms", "2000"),
				set("spring.kafka.consumer.isolation-level", "read-committed").lands("consumerFactory",
						"isolation.level", "read_committed"),
				set("spring.kafka.consumer.key-deserializer", BYTES_DESERIALIZER).lands("consumerFactory",
						"key.deserializer", BYTES_DESERIALIZER),
				set("spring.kafka.consumer.value-deserializer", BYTES_DESERIALIZER).lands("consumerFactory",
						"value.deserializer", BYTES_DESERIALIZER),
				set("spring.kafka.consumer.max-poll-interval", "60s").lands("consumerFactory",
						"max.poll.interval.ms", "60000"),
				set("spring.kafka.consumer.max-poll-records", "42").lands("consumerFactory", "max.poll.records",
						"42"),
				set("spring.kafka.consumer.properties", "partition.assignment.strategy", RANGE_ASSIGNOR)
					.lands("consumerFactory", "partition.assignment.strategy", RANGE_ASSIGNOR)));
		cases.add(new Case("spring.kafka.producer", Scenario.PLAIN,
				set("spring.kafka.producer.batch-size", "32KB").lands("producerFactory", "batch.size", "32768"),
				set("spring.kafka.producer.bootstrap-servers", "localhost:12").lands("producerFactory",
						"bootstrap.servers", "[localhost:12]"),
				set("spring.kafka.producer.buffer-memory", "16MB").lands("producerFactory", "buffer.memory",
						"16777216"),
				set("spring.kafka.producer.client-id", "parity-producer").lands("producerFactory", "client.id",
						"parity-producer"),
				set("spring.kafka.producer.compression-type", "gzip").lands("producerFactory", "compression.type",
						"gzip"),
				set("spring.kafka.producer.key-serializer", BYTES_SERIALIZER).lands("producerFactory",
						"key.serializer", BYTES_SERIALIZER),
				set("spring.kafka.producer.value-serializer", BYTES_SERIALIZER).lands("producerFactory",
						"value.serializer", BYTES_SERIALIZER),
				set("spring.kafka.producer.properties", "linger.ms", "50").lands("producerFactory", "linger.ms",
						"50")));
		// The settings that decide whether a producer is idempotent, one at a time: the
		// starter adds nothing to them (the durable profile is Kafka's defaults).
		for (String acks : List.of("all", "1", "0")) {
			cases.add(new Case("producer acks=" + acks, Scenario.PLAIN,
					set("spring.kafka.producer.acks", acks).lands("producerFactory", "acks", acks)));
		}
		for (String retries : List.of("0", "5")) {
			cases.add(new Case("producer retries=" + retries, Scenario.PLAIN,
					set("spring.kafka.producer.retries", retries).lands("producerFactory", "retries", retries)));
		}
		cases.add(new Case("producer enable.idempotence=false", Scenario.PLAIN,
				set("spring.kafka.producer.properties", "enable.idempotence", "false").lands("producerFactory",
						"enable.idempotence", "false")));
		// More than 5 in flight only with idempotence off: otherwise Kafka refuses the producer,
		// and the starter stops start-up (ReliabilityStartupFailureReportTests).
		cases.add(new Case("producer max.in.flight.requests.per.connection=10", Scenario.PLAIN,
				set("spring.kafka.producer.properties", "max.in.flight.requests.per.connection", "10")
					.lands("producerFactory", "max.in.flight.requests.per.connection", "10"),
				set("spring.kafka.producer.properties", "enable.idempotence", "false").lands("producerFactory",
						"enable.idempotence", "false")));
		cases.add(new Case("producer transactions", Scenario.PLAIN,
				set("spring.kafka.producer.transaction-id-prefix", "parity-tx-")
					.landsAt("producerFactory.transactionIdPrefix", "parity-tx-")));
		cases.add(new Case("spring.kafka.admin", Scenario.PLAIN,
				set("spring.kafka.admin.client-id", "parity-admin").lands("kafkaAdmin", "client.id", "parity-admin"),
				set("spring.kafka.admin.operation-timeout", "7s").landsAt("kafkaAdmin.operationTimeout", "7"),
				set("spring.kafka.admin.properties", "request.timeout.ms", "4321").lands("kafkaAdmin",
						"request.timeout.ms", "4321"),
				set("spring.kafka.admin.auto-create", "false").unobservable(),
				set("spring.kafka.admin.close-timeout", "3s").unobservable(),
				set("spring.kafka.admin.fail-fast", "true").unobservable(),
				set("spring.kafka.admin.modify-topic-configs", "true").unobservable()));
		cases.add(new Case("spring.kafka.listener", Scenario.PLAIN,
				set("spring.kafka.listener.ack-count", "5").landsAt(CONTAINER + "ackCount", "5"),
				set("spring.kafka.listener.ack-mode", "manual-immediate").landsAt(CONTAINER + "ackMode",
						AckMode.MANUAL_IMMEDIATE.name()),
				set("spring.kafka.listener.ack-time", "2s").landsAt(CONTAINER + "ackTime", "2000"),
				set("spring.kafka.listener.async-acks", "true").landsAt(CONTAINER + "asyncAcks", "true"),
				set("spring.kafka.listener.auth-exception-retry-interval", "3s")
					.landsAt(CONTAINER + "authExceptionRetryInterval", "PT3S"),
				set("spring.kafka.listener.auto-startup", "false").landsAt("container.autoStartup", "false"),
				set("spring.kafka.listener.change-consumer-thread-name", "true")
					.landsAt("container.changeConsumerThreadName", "true"),
				set("spring.kafka.listener.client-id", "parity-listener").landsAt(CONTAINER + "clientId",
						"parity-listener"),
				set("spring.kafka.listener.concurrency", "3").landsAt("container.concurrency", "3"),
				set("spring.kafka.listener.idle-between-polls", "1s").landsAt(CONTAINER + "idleBetweenPolls", "1000"),
				set("spring.kafka.listener.idle-event-interval", "5s").landsAt(CONTAINER + "idleEventInterval",
						"5000"),
				set("spring.kafka.listener.idle-partition-event-interval", "6s")
					.landsAt(CONTAINER + "idlePartitionEventInterval", "6000"),
				set("spring.kafka.listener.immediate-stop", "true").landsAt(CONTAINER + "stopImmediate", "true"),
				set("spring.kafka.listener.log-container-config", "true").landsAt(CONTAINER + "logContainerConfig",
						"true"),
				set("spring.kafka.listener.missing-topics-fatal", "true").landsAt(CONTAINER + "missingTopicsFatal",
						"true"),
				set("spring.kafka.listener.monitor-interval", "20s").landsAt(CONTAINER + "monitorInterval", "20"),
				set("spring.kafka.listener.no-poll-threshold", "2.5").landsAt(CONTAINER + "noPollThreshold", "2.5"),
				set("spring.kafka.listener.observation-enabled", "true").landsAt(CONTAINER + "observationEnabled",
						"true"),
				set("spring.kafka.listener.poll-timeout", "2s").landsAt(CONTAINER + "pollTimeout", "2000")));
		cases.add(new Case("listener type=batch", Scenario.PLAIN,
				set("spring.kafka.listener.type", "batch").landsAt("listenerContainerFactory.batchListener", "true")));
		cases.add(new Case("spring.kafka.template", Scenario.PLAIN,
				set("spring.kafka.template.allow-non-transactional", "true")
					.landsAt("kafkaTemplate.allowNonTransactional", "true"),
				set("spring.kafka.template.default-topic", "parity-default").landsAt("kafkaTemplate.defaultTopic",
						"parity-default"),
				set("spring.kafka.template.transaction-id-prefix", "parity-template-tx-")
					.landsAt("kafkaTemplate.transactionIdPrefix", "parity-template-tx-"),
				set("spring.kafka.template.close-timeout", "3s").unobservable(),
				set("spring.kafka.template.observation-enabled", "true").unobservable()));
		cases.add(new Case("retry topics: attempts and delay", Scenario.RETRY_TOPIC,
				set("spring.kafka.retry.topic.enabled", "true").landsIn("retryTopic.destinationTopics",
						"suffix=-retry"),
				set("spring.kafka.retry.topic.attempts", "5").landsIn("retryTopic.destinationTopics", "maxAttempts=5"),
				set("spring.kafka.retry.topic.backoff.delay", "2s").landsIn("retryTopic.destinationTopics",
						"delay=2s")));
		cases.add(new Case("retry topics: exponential back-off", Scenario.RETRY_TOPIC,
				set("spring.kafka.retry.topic.attempts", "4").landsIn("retryTopic.destinationTopics", "maxAttempts=4"),
				set("spring.kafka.retry.topic.backoff.multiplier", "2").landsIn("retryTopic.destinationTopics",
						"delay=2s"),
				// Without the maximum the third delay would be 4s.
				set("spring.kafka.retry.topic.backoff.max-delay", "3s").landsIn("retryTopic.destinationTopics",
						"delay=3s")));
		// One retry: with two, Spring Kafka shares one retry topic when both random delays
		// happen to be equal, and a run would compare two layouts chance made.
		cases.add(new Case("retry topics: jitter", Scenario.RETRY_TOPIC,
				set("spring.kafka.retry.topic.attempts", "2").landsIn("retryTopic.destinationTopics", "maxAttempts=2"),
				set("spring.kafka.retry.topic.backoff.jitter", "100ms").unobservable()));
		cases.add(new Case("spring.kafka.jaas", Scenario.JAAS,
				set("spring.kafka.jaas.enabled", "true").landsIn("jaas.KafkaClient", "LoginModule"),
				set("spring.kafka.jaas.control-flag", "optional").landsIn("jaas.KafkaClient", "optional"),
				set("spring.kafka.jaas.login-module", PLAIN_LOGIN).landsIn("jaas.KafkaClient", PLAIN_LOGIN),
				set("spring.kafka.jaas.options", "useKeyTab", "true").landsIn("jaas.KafkaClient", "useKeyTab=true")));
		cases.add(new Case("spring.kafka.streams", Scenario.STREAMS,
				set("spring.kafka.streams.application-id", "parity-app").lands("streamsConfig", "application.id",
						"parity-app"),
				set("spring.kafka.streams.auto-startup", "false").landsAt("streamsBuilder.autoStartup", "false"),
				set("spring.kafka.streams.bootstrap-servers", "localhost:13").lands("streamsConfig",
						"bootstrap.servers", "[localhost:13]"),
				set("spring.kafka.streams.client-id", "parity-streams").lands("streamsConfig", "client.id",
						"parity-streams"),
				set("spring.kafka.streams.replication-factor", "2").lands("streamsConfig", "replication.factor", "2"),
				set("spring.kafka.streams.state-dir", "/tmp/parity-streams").lands("streamsConfig", "state.dir",
						"/tmp/parity-streams"),
				set("spring.kafka.streams.state-store-cache-max-size", "1MB").lands("streamsConfig",
						"statestore.cache.max.bytes", "1048576"),
				set("spring.kafka.streams.properties", "num.stream.threads", "2").lands("streamsConfig",
						"num.stream.threads", "2"),
				set("spring.kafka.streams.cleanup.on-startup", "true").unobservable(),
				set("spring.kafka.streams.cleanup.on-shutdown", "true").unobservable()));
		cases.addAll(security("spring.kafka.streams", "streamsConfig", Scenario.STREAMS, Scenario.STREAMS_SSL_BUNDLE));
		cases.add(new Case("a named client beside Boot's", Scenario.NAMED_CLIENT));
		cases.add(new Case("the application's beans that Boot wires", Scenario.APPLICATION_BEANS));
		cases.add(new Case("interceptor beans", Scenario.INTERCEPTOR_BEANS));
		return cases.stream();
	}

	/**
	 * Security settings of one client: stores by location, stores as PEM text (Boot
	 * refuses both at once) and an SSL bundle.
	 */
	private static List<Case> security(String prefix, String bean, Scenario scenario, Scenario bundleScenario) {
		Case locations = new Case(prefix + ".ssl, stores by location", scenario,
				set(prefix + ".security.protocol", "SSL").lands(bean, "security.protocol", "SSL"),
				set(prefix + ".ssl.key-password", "parity-key-password").lands(bean, "ssl.key.password",
						"parity-key-password"),
				set(prefix + ".ssl.key-store-location", "file:/parity/keystore.p12").lands(bean,
						"ssl.keystore.location", "/parity/keystore.p12"),
				set(prefix + ".ssl.key-store-password", "parity-store-password").lands(bean,
						"ssl.keystore.password", "parity-store-password"),
				set(prefix + ".ssl.key-store-type", "PKCS12").lands(bean, "ssl.keystore.type", "PKCS12"),
				set(prefix + ".ssl.protocol", "TLSv1.3").lands(bean, "ssl.protocol", "TLSv1.3"),
				set(prefix + ".ssl.trust-store-location", "file:/parity/truststore.p12").lands(bean,
						"ssl.truststore.location", "/parity/truststore.p12"),
				set(prefix + ".ssl.trust-store-password", "parity-trust-password").lands(bean,
						"ssl.truststore.password", "parity-trust-password"),
				set(prefix + ".ssl.trust-store-type", "PKCS12").lands(bean, "ssl.truststore.type", "PKCS12"));
		Case pem = new Case(prefix + ".ssl, PEM stores", scenario,
				set(prefix + ".ssl.key-store-certificate-chain", "parity-chain").lands(bean,
						"ssl.keystore.certificate.chain", "parity-chain"),
				set(prefix + ".ssl.key-store-key", "parity-key").lands(bean, "ssl.keystore.key", "parity-key"),
				set(prefix + ".ssl.trust-store-certificates", "parity-certificates").lands(bean,
						"ssl.truststore.certificates", "parity-certificates"));
		Case bundle = new Case(prefix + ".ssl.bundle", bundleScenario,
				set(prefix + ".ssl.bundle", "parity").lands(bean, SslBundle.class.getName(), "SslBundle"));
		return List.of(locations, pem, bundle);
	}

	private static final String CONTAINER = "container.containerProperties.";

	private static final String BYTES_DESERIALIZER = "org.apache.kafka.common.serialization.ByteArrayDeserializer";

	private static final String BYTES_SERIALIZER = "org.apache.kafka.common.serialization.ByteArraySerializer";

	private static final String RANGE_ASSIGNOR = "org.apache.kafka.clients.consumer.RangeAssignor";

	private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

	private static Setting.Builder set(String property, String value) {
		return new Setting.Builder(property, property + "=" + value);
	}

	private static Setting.Builder set(String mapProperty, String key, String value) {
		return new Setting.Builder(mapProperty, mapProperty + "." + key + "=" + value);
	}

	private static Class<?>[] starterAutoConfigurations() {
		ClassLoader classLoader = BootParityTests.class.getClassLoader();
		List<Class<?>> classes = new ArrayList<>();
		for (String name : ImportCandidates.load(AutoConfiguration.class, classLoader)) {
			if (name.startsWith("io.github.kafkastarter.")) {
				classes.add(ClassUtils.resolveClassName(name, classLoader));
			}
		}
		return classes.toArray(Class[]::new);
	}

	/**
	 * One property of Boot's, the value the cases give it, and where Boot puts it.
	 * @param covers the property as Boot's metadata names it
	 * @param property the property as set, {@code key=value}
	 * @param path the snapshot entry Boot puts it in, {@code null} when it cannot be seen
	 * @param expected the entry's value, or a part of it
	 * @param exact whether the entry must equal {@code expected}
	 */
	record Setting(String covers, String property, String path, String expected, boolean exact) {

		void assertLanded(Map<String, String> boot) {
			if (this.path == null) {
				assertThat(UNOBSERVABLE).as("properties not compared").containsKey(this.covers);
				return;
			}
			assertThat(boot).as("where Boot puts " + this.property).containsKey(this.path);
			if (this.exact) {
				assertThat(boot.get(this.path)).as(this.property).isEqualTo(this.expected);
			}
			else {
				assertThat(boot.get(this.path)).as(this.property).contains(this.expected);
			}
		}

		static final class Builder {

			private final String covers;

			private final String property;

			Builder(String covers, String property) {
				this.covers = covers;
				this.property = property;
			}

			Setting lands(String bean, String key, String value) {
				return landsAt(bean + ".config[" + key + "]", value);
			}

			Setting landsAt(String path, String value) {
				return new Setting(this.covers, this.property, path, value, true);
			}

			Setting landsIn(String path, String part) {
				return new Setting(this.covers, this.property, path, part, false);
			}

			Setting unobservable() {
				return new Setting(this.covers, this.property, null, null, true);
			}

		}

	}

	record Case(String name, Scenario scenario, Setting... entries) {

		List<Setting> settings() {
			return Arrays.asList(this.entries);
		}

		ApplicationContextRunner apply(ApplicationContextRunner runner) {
			return this.scenario.apply(runner)
				.withPropertyValues(settings().stream().map(Setting::property).toArray(String[]::new));
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	enum Scenario {

		PLAIN(runner -> runner),

		SSL_BUNDLE(runner -> runner.withBean(SslBundles.class, Scenario::sslBundles)),

		RETRY_TOPIC(runner -> runner.withPropertyValues("spring.kafka.retry.topic.enabled=true")),

		JAAS(runner -> runner.withPropertyValues("spring.kafka.jaas.enabled=true")),

		// Boot's streams configuration needs @EnableKafkaStreams; streams are not started.
		STREAMS(runner -> runner.withUserConfiguration(Streams.class)
			.withPropertyValues("spring.kafka.streams.application-id=parity-streams",
					"spring.kafka.streams.auto-startup=false")),

		STREAMS_SSL_BUNDLE(runner -> STREAMS.apply(SSL_BUNDLE.apply(runner))),

		// Boot alone ignores the starter's properties.
		NAMED_CLIENT(runner -> runner.withPropertyValues("kafka.starter.clients.audit.client-id=audit")),

		APPLICATION_BEANS(runner -> runner.withUserConfiguration(ApplicationBeans.class)),

		INTERCEPTOR_BEANS(runner -> runner.withUserConfiguration(InterceptorBeans.class));

		private final Function<ApplicationContextRunner, ApplicationContextRunner> setUp;

		Scenario(Function<ApplicationContextRunner, ApplicationContextRunner> setUp) {
			this.setUp = setUp;
		}

		ApplicationContextRunner apply(ApplicationContextRunner runner) {
			return this.setUp.apply(runner.withPropertyValues(SERVERS));
		}

		private static SslBundles sslBundles() {
			DefaultSslBundleRegistry registry = new DefaultSslBundleRegistry();
			registry.registerBundle("parity", SslBundle.of(SslStoreBundle.NONE));
			return registry;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableKafkaStreams
	static class Streams {

	}

	/**
	 * One of each bean Spring Boot applies to its Kafka beans: the starter keeps them all.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ApplicationBeans {

		@Bean
		CommonErrorHandler parityErrorHandler() {
			return new CommonErrorHandler() {
			};
		}

		@Bean
		RecordInterceptor<Object, Object> parityRecordInterceptor() {
			return (record, consumer) -> record;
		}

		@Bean
		ConsumerAwareRebalanceListener parityRebalanceListener() {
			return new ConsumerAwareRebalanceListener() {
			};
		}

		@Bean
		RecordMessageConverter parityMessageConverter() {
			return new StringJsonMessageConverter();
		}

		@Bean
		RecordFilterStrategy<Object, Object> parityRecordFilter() {
			return (ConsumerRecord<Object, Object> record) -> false;
		}

		@Bean
		DefaultKafkaProducerFactoryCustomizer parityProducerCustomizer() {
			return (factory) -> factory.updateConfigs(Map.of(ProducerConfig.LINGER_MS_CONFIG, 7));
		}

		@Bean
		DefaultKafkaConsumerFactoryCustomizer parityConsumerCustomizer() {
			return (factory) -> factory.updateConfigs(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 7));
		}

	}

	/**
	 * Interceptors as beans: Boot alone applies none of these (two record interceptors are
	 * not one), the starter all of them.
	 */
	@Configuration(proxyBeanMethods = false)
	static class InterceptorBeans {

		@Bean
		RecordInterceptor<Object, Object> firstRecordInterceptor() {
			return (record, consumer) -> record;
		}

		@Bean
		RecordInterceptor<Object, Object> secondRecordInterceptor() {
			return (record, consumer) -> record;
		}

		@Bean
		ProducerInterceptor<Object, Object> parityProducerInterceptor() {
			return new ProducerInterceptor<>() {

				@Override
				public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
					return record;
				}

				@Override
				public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
				}

				@Override
				public void close() {
				}

				@Override
				public void configure(Map<String, ?> configs) {
				}

			};
		}

	}

	/**
	 * Changes Boot's beans in ways no deliberate default explains.
	 */
	static class UndocumentedChanges implements KafkaClientCustomizer {

		@Override
		public void customizeProducerFactory(KafkaClient client,
				org.springframework.kafka.core.DefaultKafkaProducerFactory<?, ?> factory) {
			factory.updateConfigs(Map.of(ProducerConfig.LINGER_MS_CONFIG, 99));
		}

		@Override
		public void customizeConsumerFactory(KafkaClient client, DefaultKafkaConsumerFactory<?, ?> factory) {
			factory.updateConfigs(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 99));
		}

		@Override
		public void customizeContainer(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
			container.getContainerProperties().setAckMode(AckMode.RECORD);
		}

	}

}
