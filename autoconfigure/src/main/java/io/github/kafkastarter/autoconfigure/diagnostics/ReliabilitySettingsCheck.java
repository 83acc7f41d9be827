package io.github.kafkastarter.autoconfigure.diagnostics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * The starter's reliability rules that no single settings class can check, for every
 * client and every listener: a back-off whose longest delay is shorter than its first or
 * outlasts the client's max.poll.interval.ms, non-retryable exceptions that are not
 * exception classes on the classpath, and static membership without an instance identity.
 * Single values are checked by {@code ConsumerReliabilityProperties} itself.
 */
final class ReliabilitySettingsCheck implements ConfigurationCheck {

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
				String consumer = layer + ".consumer";
				checkConsumerLayer(context, consumer, maxPollInterval);
				for (String listener : listeners(context, consumer)) {
					checkConsumerLayer(context, listener, maxPollInterval);
				}
			}
			checkStaticMembership(context, client, layers);
		}
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
		String backoff = layer + ".retry.backoff";
		Duration delay = value(context, backoff + ".delay", Duration.class);
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
