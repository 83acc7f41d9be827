package io.github.kafkastarter.autoconfigure.diagnostics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import io.github.kafkastarter.autoconfigure.dedup.DeduplicationProperties;
import io.github.kafkastarter.autoconfigure.dedup.RecordIdProperties;
import io.github.kafkastarter.autoconfigure.reliability.ProducerProfile;
import io.github.kafkastarter.autoconfigure.reliability.ProducerReliabilityProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * The starter's own reliability keys, for every client and every listener: an unknown
 * producer profile or verification mode, retry attempts below 1, a back-off that goes
 * backwards or outlasts max.poll.interval.ms, non-retryable exceptions that do not exist,
 * a dead-letter topic equal to its source or not a legal topic name, static membership
 * without an instance identity, and deduplication limits of zero or less.
 */
final class ReliabilitySettingsCheck implements ConfigurationCheck {

	// Kafka's legal topic names.
	private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

	private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	@Override
	public void check(ConfigurationCheckContext context) {
		for (ConfigurationCheckContext.ClientPrefix client : context.clients()) {
			long maxPollInterval = ClientKafkaConfig.of(context, client)
				.map((config) -> config.maxPollInterval())
				.orElseGet(() -> ClientKafkaConfig.maxPollInterval(null));
			List<String> layers = clientLayers(client);
			// The global layer belongs to the default client's pass, and named clients
			// inherit it: checking it once is enough.
			List<String> own = "spring.kafka".equals(client.prefix()) ? layers : layers.subList(1, layers.size());
			for (String layer : own) {
				checkEnum(context, layer + ".producer.profile", ProducerProfile.class,
						Arrays.stream(ProducerProfile.values()).map(ProducerProfile::propertyValue).toList());
				checkEnum(context, layer + ".producer.verify-durability",
						ProducerReliabilityProperties.DurabilityVerification.class, List.of("warn", "fail", "off"));
				positiveDuration(context, layer + ".producer.verify-timeout", "10s");
				checkEnum(context, layer + ".producer.record-ids", RecordIdProperties.RecordIds.class,
						List.of("auto", "always", "never"));
				String consumer = layer + ".consumer";
				checkConsumerLayer(context, consumer, maxPollInterval);
				for (String listener : listeners(context, consumer)) {
					checkConsumerLayer(context, listener, maxPollInterval);
				}
			}
			checkStaticMembership(context, client, layers);
		}
		checkDeduplication(context);
	}

	static List<String> clientLayers(ConfigurationCheckContext.ClientPrefix client) {
		List<String> layers = new ArrayList<>();
		layers.add("kafka.starter");
		if (!"spring.kafka".equals(client.prefix())) {
			layers.add(KafkaClientNames.prefix(client.name()));
		}
		return layers;
	}

	private List<String> listeners(ConfigurationCheckContext context, String consumerLayer) {
		Map<String, Object> listeners;
		try {
			listeners = context.bind(consumerLayer + ".listeners", Bindable.mapOf(String.class, Object.class))
				.orElse(Map.of());
		}
		catch (BindException ex) {
			return List.of();
		}
		return listeners.keySet()
			.stream()
			.map((id) -> consumerLayer + (id.matches("[A-Za-z0-9-]+") ? ".listeners." + id : ".listeners[" + id + "]"))
			.toList();
	}

	private void checkConsumerLayer(ConfigurationCheckContext context, String layer, long maxPollInterval) {
		String attemptsProperty = layer + ".retry.attempts";
		Integer attempts = value(context, attemptsProperty, Integer.class);
		if (attempts != null && attempts < 1) {
			throw new KafkaStarterConfigurationException(attemptsProperty, attempts,
					"Retry attempts count every delivery of a failing record, the first included, so at least 1.",
					"Set '" + attemptsProperty + "=1' for no retries, or more (3 by default) to retry.");
		}
		String backoff = layer + ".retry.backoff";
		Duration delay = value(context, backoff + ".delay", Duration.class);
		if (delay != null && delay.isNegative()) {
			throw new KafkaStarterConfigurationException(backoff + ".delay", raw(context, backoff + ".delay"),
					"A back-off cannot be negative.",
					"Set '" + backoff + ".delay' to zero or more, for example 1s.");
		}
		Duration jitter = value(context, backoff + ".jitter", Duration.class);
		if (jitter != null && jitter.isNegative()) {
			throw new KafkaStarterConfigurationException(backoff + ".jitter", raw(context, backoff + ".jitter"),
					"A jitter cannot be negative.",
					"Set '" + backoff + ".jitter' to zero or more, for example 200ms.");
		}
		Double multiplier = value(context, backoff + ".multiplier", Double.class);
		if (multiplier != null && multiplier < 1) {
			throw new KafkaStarterConfigurationException(backoff + ".multiplier", multiplier,
					"A multiplier below 1 would shrink the delay after each retry.",
					"Set '" + backoff + ".multiplier=1' for a fixed delay, or more (2 doubles it) for an "
							+ "exponential one.");
		}
		Duration maxDelay = value(context, backoff + ".max-delay", Duration.class);
		if (maxDelay != null) {
			if (delay != null && maxDelay.compareTo(delay) < 0) {
				throw new KafkaStarterConfigurationException(backoff + ".max-delay",
						raw(context, backoff + ".max-delay"),
						"The longest delay is shorter than the first one (" + raw(context, backoff + ".delay") + ").",
						"Set '" + backoff + ".max-delay' to " + raw(context, backoff + ".delay") + " or more.");
			}
			if (maxDelay.toMillis() >= maxPollInterval) {
				throw new KafkaStarterConfigurationException(backoff + ".max-delay",
						raw(context, backoff + ".max-delay"),
						"The consumer waits out a back-off between two polls; a wait of " + maxDelay.toMillis()
								+ " ms reaches max.poll.interval.ms (" + maxPollInterval
								+ " ms), so the group would evict the consumer and rebalance.",
						"Keep '" + backoff + ".max-delay' well below max.poll.interval.ms, or raise "
								+ "spring.kafka.consumer.max-poll-interval.");
			}
		}
		checkNotRetryable(context, layer + ".retry.not-retryable");
		checkDeadLetter(context, layer + ".dead-letter");
	}

	private void checkNotRetryable(ConfigurationCheckContext context, String property) {
		List<String> names;
		try {
			names = context.bind(property, Bindable.listOf(String.class)).orElse(List.of());
		}
		catch (BindException ex) {
			return;
		}
		for (String name : names) {
			String className = name.trim();
			Class<?> type;
			try {
				type = ClassUtils.forName(className, ClassUtils.getDefaultClassLoader());
			}
			catch (ClassNotFoundException | LinkageError ex) {
				throw new KafkaStarterConfigurationException(property, className,
						"There is no exception class '" + className + "' on the classpath.",
						"Use the fully qualified name of the exception, for example "
								+ "'java.lang.IllegalArgumentException'.");
			}
			if (!Exception.class.isAssignableFrom(type)) {
				throw new KafkaStarterConfigurationException(property, className,
						"'" + className + "' is not an exception.",
						"List exception classes only (java.lang.Exception or a subclass).");
			}
		}
	}

	private void checkDeadLetter(ConfigurationCheckContext context, String layer) {
		String topic = value(context, layer + ".topic", String.class);
		if (topic != null && !topic.isEmpty() && !legalTopic(topic)) {
			throw new KafkaStarterConfigurationException(layer + ".topic", topic,
					"'" + topic + "' is not a legal Kafka topic name (letters, digits, '.', '_' and '-', at most "
							+ "249 characters).",
					"Name the dead-letter topic with those characters only, for example 'orders.DLT'.");
		}
		String suffix = value(context, layer + ".topic-suffix", String.class);
		if (suffix != null && !StringUtils.hasText(topic)) {
			if (suffix.isEmpty()) {
				throw new KafkaStarterConfigurationException(layer + ".topic-suffix", "",
						"Without a suffix every dead-letter topic is its source topic: failed records would go back "
								+ "where they came from and fail again, for ever.",
						"Remove '" + layer + ".topic-suffix' to use '.DLT', or set another suffix.");
			}
			if (!TOPIC.matcher(suffix).matches()) {
				throw new KafkaStarterConfigurationException(layer + ".topic-suffix", suffix,
						"The suffix makes illegal Kafka topic names (letters, digits, '.', '_' and '-' only).",
						"Use a suffix such as '.DLT' or '-dlt'.");
			}
		}
	}

	private static boolean legalTopic(String topic) {
		return TOPIC.matcher(topic).matches() && !".".equals(topic) && !"..".equals(topic);
	}

	private void checkStaticMembership(ConfigurationCheckContext context, ConfigurationCheckContext.ClientPrefix client,
			List<String> layers) {
		boolean enabled = false;
		String instanceId = null;
		String enabledProperty = null;
		for (String layer : layers) {
			String property = layer + ".consumer.static-membership.enabled";
			Boolean value = value(context, property, Boolean.class);
			if (value != null) {
				enabled = value;
				enabledProperty = property;
			}
			String id = value(context, layer + ".consumer.static-membership.instance-id", String.class);
			if (id != null) {
				instanceId = id;
			}
		}
		if (!enabled || StringUtils.hasText(instanceId)
				|| StringUtils.hasText(context.environment().getProperty("HOSTNAME"))) {
			return;
		}
		String property = layers.get(layers.size() - 1) + ".consumer.static-membership.instance-id";
		throw new KafkaStarterConfigurationException(property, null,
				"Static membership is on ('" + enabledProperty + "'), but this instance has no identity: no "
						+ "instance id is configured and the HOSTNAME environment variable is not set. Every "
						+ "instance of the application would join with the same group.instance.id and fence the "
						+ "others.",
				"Set '" + property + "' to a name that is unique per instance and stable across its restarts, for "
						+ "example '${HOSTNAME}' or a StatefulSet pod name, or turn static membership off.");
	}

	private void checkDeduplication(ConfigurationCheckContext context) {
		String prefix = "kafka.starter.deduplication";
		checkEnum(context, prefix + ".store", DeduplicationProperties.Store.class, List.of("auto", "memory", "jdbc"));
		positiveDuration(context, prefix + ".retention", "24h");
		positiveDuration(context, prefix + ".claim-timeout", "5m");
		String header = value(context, prefix + ".header", String.class);
		if (header != null && header.isBlank()) {
			throw new KafkaStarterConfigurationException(prefix + ".header", header,
					"Record ids need a header name.", "Remove '" + prefix + ".header' to use 'record-id'.");
		}
		Integer maxEntries = value(context, prefix + ".memory.max-entries", Integer.class);
		if (maxEntries != null && maxEntries < 1) {
			throw new KafkaStarterConfigurationException(prefix + ".memory.max-entries", maxEntries,
					"The in-memory store must be able to remember at least one record per group.",
					"Set '" + prefix + ".memory.max-entries' to the number of recent records to remember, for "
							+ "example 100000.");
		}
		String table = value(context, prefix + ".jdbc.table", String.class);
		if (table != null && !TABLE.matcher(table.trim()).matches()) {
			throw new KafkaStarterConfigurationException(prefix + ".jdbc.table", table,
					"'" + table + "' is not a plain table name (letters, digits and '_', optionally schema.table).",
					"Use a name such as 'kafka_processed_records'.");
		}
	}

	private void positiveDuration(ConfigurationCheckContext context, String property, String example) {
		Duration duration = value(context, property, Duration.class);
		if (duration != null && (duration.isZero() || duration.isNegative())) {
			throw new KafkaStarterConfigurationException(property, raw(context, property),
					"This duration must be above zero.",
					"Set '" + property + "' to a positive duration, for example " + example + ".");
		}
	}

	private <E extends Enum<E>> void checkEnum(ConfigurationCheckContext context, String property, Class<E> type,
			List<String> valid) {
		String value = value(context, property, String.class);
		if (value == null) {
			return;
		}
		Function<String, String> canonical = (name) -> name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
		boolean known = Arrays.stream(type.getEnumConstants())
			.anyMatch((constant) -> canonical.apply(constant.name()).equals(canonical.apply(value)));
		if (!known) {
			throw new KafkaStarterConfigurationException(property, value,
					"'" + value + "' is not one of " + valid.stream().collect(Collectors.joining("', '", "'", "'"))
							+ ".",
					"Set '" + property + "' to one of them, for example '" + property + "=" + valid.get(0) + "'.");
		}
	}

	private static @Nullable String raw(ConfigurationCheckContext context, String property) {
		return value(context, property, String.class);
	}

	private static <T> @Nullable T value(ConfigurationCheckContext context, String property, Class<T> type) {
		try {
			return context.bind(property, Bindable.of(type)).orElse(null);
		}
		catch (BindException ex) {
			// Not convertible: Spring Boot's binder reports it with the valid forms.
			return null;
		}
	}

}
