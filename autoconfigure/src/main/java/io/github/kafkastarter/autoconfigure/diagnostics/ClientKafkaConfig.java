package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * One client's Kafka configuration as its producers, consumers and admins will get it
 * (from {@code spring.kafka}, for a named client its own keys on top, and the starter's
 * group protocol), and the property that set each Kafka key, so that a check can name
 * what to change.
 */
final class ClientKafkaConfig {

	// The Kafka keys Spring Boot's typed properties set, by their path under a client's
	// prefix or under its producer/consumer side; every other key comes from a properties map.
	private static final Map<String, String> BOOT_PATHS = Map.ofEntries(Map.entry("acks", "acks"),
			Map.entry("batch.size", "batch-size"), Map.entry("bootstrap.servers", "bootstrap-servers"),
			Map.entry("buffer.memory", "buffer-memory"), Map.entry("client.id", "client-id"),
			Map.entry("compression.type", "compression-type"), Map.entry("key.serializer", "key-serializer"),
			Map.entry("value.serializer", "value-serializer"), Map.entry("retries", "retries"),
			Map.entry("transactional.id", "transaction-id-prefix"), Map.entry("security.protocol", "security.protocol"),
			Map.entry("auto.commit.interval.ms", "auto-commit-interval"),
			Map.entry("auto.offset.reset", "auto-offset-reset"), Map.entry("enable.auto.commit", "enable-auto-commit"),
			Map.entry("fetch.max.wait.ms", "fetch-max-wait"), Map.entry("fetch.min.bytes", "fetch-min-size"),
			Map.entry("group.id", "group-id"), Map.entry("heartbeat.interval.ms", "heartbeat-interval"),
			Map.entry("isolation.level", "isolation-level"), Map.entry("key.deserializer", "key-deserializer"),
			Map.entry("value.deserializer", "value-deserializer"), Map.entry("max.poll.records", "max-poll-records"),
			Map.entry("max.poll.interval.ms", "max-poll-interval"));

	private final ConfigurationCheckContext context;

	private final ConfigurationCheckContext.ClientPrefix client;

	private final KafkaProperties properties;

	private final Map<String, String> starterKeys = new HashMap<>();

	private ClientKafkaConfig(ConfigurationCheckContext context, ConfigurationCheckContext.ClientPrefix client,
			KafkaProperties properties) {
		this.context = context;
		this.client = client;
		this.properties = properties;
	}

	/**
	 * A client's configuration.
	 * @param context the check context
	 * @param client the client
	 * @return the configuration, empty when it does not bind (Spring Boot reports that)
	 */
	static Optional<ClientKafkaConfig> of(ConfigurationCheckContext context,
			ConfigurationCheckContext.ClientPrefix client) {
		try {
			KafkaProperties properties = isDefault(client)
					? context.binder().bind("spring.kafka", KafkaProperties.class).orElseGet(KafkaProperties::new)
					: KafkaClientNames.bindEffective(context.binder(), client.name());
			return Optional.of(new ClientKafkaConfig(context, client, properties));
		}
		catch (BindException | IllegalStateException ex) {
			return Optional.empty();
		}
	}

	private static boolean isDefault(ConfigurationCheckContext.ClientPrefix client) {
		return "spring.kafka".equals(client.prefix());
	}

	ConfigurationCheckContext.ClientPrefix client() {
		return this.client;
	}

	KafkaProperties properties() {
		return this.properties;
	}

	/**
	 * The producer configuration, with a transactional id where the client has a
	 * transaction id prefix (the factory derives one per producer).
	 * @return Kafka keys to values
	 */
	Map<String, Object> producer() {
		Map<String, Object> producer = new LinkedHashMap<>(this.properties.buildProducerProperties());
		String prefix = this.properties.getProducer().getTransactionIdPrefix();
		if (prefix != null) {
			producer.putIfAbsent(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "0");
		}
		return producer;
	}

	/**
	 * The consumer configuration, with the starter's group protocol where the client sets
	 * none of its own.
	 * @return Kafka keys to values
	 */
	Map<String, Object> consumer() {
		Map<String, Object> consumer = new LinkedHashMap<>(this.properties.buildConsumerProperties());
		if (!consumer.containsKey(ConsumerConfig.GROUP_PROTOCOL_CONFIG)) {
			for (String layer : ReliabilitySettingsCheck.clientLayers(this.client)) {
				String property = layer + ".consumer.group-protocol";
				this.context.bind(property, Bindable.of(String.class)).ifPresent((protocol) -> {
					consumer.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol.toLowerCase(Locale.ROOT));
					this.starterKeys.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, property);
				});
			}
		}
		return consumer;
	}

	/**
	 * The consumers' {@code max.poll.interval.ms}, as Kafka reads it.
	 * @return the interval in milliseconds, Kafka's default when unset or unreadable
	 */
	long maxPollInterval() {
		return maxPollInterval(consumer().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG));
	}

	static long maxPollInterval(@Nullable Object value) {
		ConfigDef.ConfigKey key = ConsumerConfig.configDef().configKeys().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
		try {
			return ((Number) ConfigDef.parseType(key.name, (value != null) ? value : key.defaultValue, key.type))
				.longValue();
		}
		catch (ConfigException ex) {
			return ((Number) key.defaultValue).longValue();
		}
	}

	/**
	 * The admin configuration.
	 * @return Kafka keys to values
	 */
	Map<String, Object> admin() {
		return this.properties.buildAdminProperties();
	}

	/**
	 * The property that sets a Kafka key on one side of the client.
	 * @param side {@code producer}, {@code consumer} or {@code admin}
	 * @param key the Kafka key
	 * @return the most specific property that sets it, or where to set it
	 */
	String property(String side, String key) {
		String property = find(side, key);
		return (property != null) ? property : this.client.prefix() + "." + side + ".properties[" + key + "]";
	}

	/**
	 * Whether the application sets a Kafka key on one side of the client.
	 * @param side {@code producer}, {@code consumer} or {@code admin}
	 * @param key the Kafka key
	 * @return whether a property sets it
	 */
	boolean isSet(String side, String key) {
		return find(side, key) != null;
	}

	private @Nullable String find(String side, String key) {
		String starter = this.starterKeys.get(key);
		if (starter != null) {
			return starter;
		}
		String bootPath = BOOT_PATHS.get(key);
		List<String> prefixes = isDefault(this.client) ? List.of(this.client.prefix())
				: List.of(this.client.prefix(), "spring.kafka");
		for (String prefix : prefixes) {
			for (String layer : List.of(prefix + "." + side, prefix)) {
				if (bootPath != null && this.context.bind(layer + "." + bootPath, Bindable.of(String.class)).isPresent()) {
					return layer + "." + bootPath;
				}
				if (map(layer + ".properties").containsKey(key)) {
					return layer + ".properties[" + key + "]";
				}
			}
		}
		return null;
	}

	private Map<String, String> map(String property) {
		try {
			return this.context.bind(property, Bindable.mapOf(String.class, String.class)).orElseGet(HashMap::new);
		}
		catch (BindException ex) {
			return Map.of();
		}
	}

}
