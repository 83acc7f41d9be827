package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * One client's Kafka configuration as its producers and consumers will get it (from
 * {@code spring.kafka}, and for a named client its own keys on top), and the property
 * that set each Kafka key, so that a check can name what to change.
 */
final class ClientKafkaConfig {

	private static final Map<String, String> PRODUCER_KEYS = Map.of("acks", "acks", "batch.size", "batch-size",
			"buffer.memory", "buffer-memory", "compression.type", "compression-type", "key.serializer",
			"key-serializer", "value.serializer", "value-serializer", "retries", "retries");

	private static final Map<String, String> CONSUMER_KEYS = Map.ofEntries(
			Map.entry("auto.commit.interval.ms", "auto-commit-interval"),
			Map.entry("enable.auto.commit", "enable-auto-commit"), Map.entry("fetch.max.wait.ms", "fetch-max-wait"),
			Map.entry("fetch.min.bytes", "fetch-min-size"), Map.entry("group.id", "group-id"),
			Map.entry("heartbeat.interval.ms", "heartbeat-interval"), Map.entry("key.deserializer", "key-deserializer"),
			Map.entry("value.deserializer", "value-deserializer"), Map.entry("max.poll.records", "max-poll-records"),
			Map.entry("max.poll.interval.ms", "max-poll-interval"));

	private final ConfigurationCheckContext context;

	private final ConfigurationCheckContext.ClientPrefix client;

	private final KafkaProperties properties;

	private final Map<String, Object> producer;

	private final Map<String, Object> consumer;

	private ClientKafkaConfig(ConfigurationCheckContext context, ConfigurationCheckContext.ClientPrefix client,
			KafkaProperties properties) {
		this.context = context;
		this.client = client;
		this.properties = properties;
		this.producer = properties.buildProducerProperties();
		this.consumer = properties.buildConsumerProperties();
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

	Map<String, Object> producer() {
		return this.producer;
	}

	Map<String, Object> consumer() {
		return this.consumer;
	}

	/**
	 * The property that sets a producer key.
	 * @param key the Kafka key
	 * @return the most specific property that sets it, or where to set it
	 */
	String producerProperty(String key) {
		return property("producer", PRODUCER_KEYS.get(key), key);
	}

	/**
	 * The property that sets a consumer key.
	 * @param key the Kafka key
	 * @return the most specific property that sets it, or where to set it
	 */
	String consumerProperty(String key) {
		return property("consumer", CONSUMER_KEYS.get(key), key);
	}

	private String property(String side, @Nullable String bootKey, String key) {
		List<String> prefixes = isDefault(this.client) ? List.of(this.client.prefix())
				: List.of(this.client.prefix(), "spring.kafka");
		for (String prefix : prefixes) {
			if (bootKey != null && this.context.bind(prefix + "." + side + "." + bootKey, Bindable.of(String.class))
				.isPresent()) {
				return prefix + "." + side + "." + bootKey;
			}
			if (map(prefix + "." + side + ".properties").containsKey(key)) {
				return prefix + "." + side + ".properties[" + key + "]";
			}
			if (map(prefix + ".properties").containsKey(key)) {
				return prefix + ".properties[" + key + "]";
			}
		}
		return this.client.prefix() + "." + side + ".properties[" + key + "]";
	}

	private Map<String, String> map(String property) {
		try {
			return this.context.bind(property, Bindable.mapOf(String.class, String.class)).orElseGet(HashMap::new);
		}
		catch (BindException ex) {
			return Map.of();
		}
	}

	static @Nullable Long number(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof String text && !text.isBlank()) {
			try {
				return Long.valueOf(text.trim());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

}
