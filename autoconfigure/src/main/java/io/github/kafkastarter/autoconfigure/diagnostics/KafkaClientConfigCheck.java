package io.github.kafkastarter.autoconfigure.diagnostics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.kafkastarter.autoconfigure.client.Acks;
import io.github.kafkastarter.autoconfigure.client.KafkaSecrets;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * Each client's producer, consumer and admin configuration as Kafka itself reads it:
 * {@code ConfigDef} checks every key (type, range, valid values, classes), and
 * {@link ProducerConfig}, {@link ConsumerConfig} and {@link AdminClientConfig} check the
 * keys against each other (idempotence, transactions, the KIP-848 group protocol). Kafka
 * does all of it only when the first client is created, usually at the first send or
 * poll; here it stops start-up, with the property that set the key.
 * <p>
 * Kafka reads a few values that no client can work with: zero timeouts and sizes, a
 * heartbeat not below the session timeout, a delivery timeout below linger plus request
 * timeout (which only the producer's constructor checks). Those rules are written here.
 */
final class KafkaClientConfigCheck implements ConfigurationCheck {

	// ProducerConfig logs every value at INFO and has no constructor that does not. Its
	// own cross-key rules (idempotence, and transactions, which need it) can only refuse a
	// configuration where one of these departs from Kafka's default: it is built only then.
	private static final Set<String> IDEMPOTENCE_KEYS = Set.of(ProducerConfig.ACKS_CONFIG,
			ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.RETRIES_CONFIG,
			ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);

	private static final Map<String, Object> PRODUCER_DEFAULTS = ProducerConfig.configDef().defaultValues();

	// Values Kafka's ConfigDef accepts (it allows zero) that no client can work with.
	private static final Map<String, String> ABOVE_ZERO = Map.of(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
			"every request would time out at once", ProducerConfig.BUFFER_MEMORY_CONFIG,
			"no record would fit in the buffer", ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
			"no record would fit in a request", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
			"every send would time out at once", ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
			"the group would evict the consumer at once", ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
			"the consumer would heartbeat without pause", ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
			"every blocking call would time out at once");

	// What Kafka's message leaves out, by a key it refused.
	private static final Map<String, String> HINTS = Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG,
			" With the consumer group protocol (KIP-848) the broker assigns partitions and times sessions: its "
					+ "group.consumer.* settings (for example group.consumer.session.timeout.ms, "
					+ "group.consumer.assignors) take the place of the client's.");

	// A client id for the trial configurations, so that Kafka does not count them in the
	// ids it generates for the application's clients (producer-1, consumer-group-1, ...);
	// a group id where the properties have none, because listener containers give theirs.
	private static final String TRIAL_ID = "kafka-starter-configuration-check";

	private static final Map<String, String> TRIAL_IDS = Map.of(CommonClientConfigs.CLIENT_ID_CONFIG, TRIAL_ID,
			CommonClientConfigs.GROUP_ID_CONFIG, TRIAL_ID);

	@Override
	public void check(ConfigurationCheckContext context) {
		for (ConfigurationCheckContext.ClientPrefix client : context.clients()) {
			ClientKafkaConfig.of(context, client).ifPresent(this::check);
		}
	}

	private void check(ClientKafkaConfig config) {
		Map<String, Object> producer = config.producer();
		Map<String, Object> consumer = config.consumer();
		Map<String, Object> parsedProducer = parse(config, "producer", ProducerConfig.configDef(), producer);
		if (IDEMPOTENCE_KEYS.stream().anyMatch((key) -> !kafkasDefault(key, parsedProducer.get(key)))) {
			crossCheck(config, "producer", producer, ProducerConfig::new);
		}
		Map<String, Object> parsedConsumer = parse(config, "consumer", ConsumerConfig.configDef(), consumer);
		crossCheck(config, "consumer", consumer, (map) -> new ConsumerConfig(map, false) {
		});
		Map<String, Object> admin = config.admin();
		parse(config, "admin", AdminClientConfig.configDef(), admin);
		crossCheck(config, "admin", admin, (map) -> new AdminClientConfig(map, false) {
		});
		aboveZero(config, "producer", producer, parsedProducer);
		aboveZero(config, "consumer", consumer, parsedConsumer);
		long linger = ((Number) parsedProducer.get(ProducerConfig.LINGER_MS_CONFIG)).longValue();
		long request = ((Number) parsedProducer.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)).longValue();
		long delivery = ((Number) parsedProducer.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).longValue();
		if (producer.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG) && delivery < linger + request) {
			// KafkaProducer's constructor refuses it; below that, only a default is raised.
			String property = config.property("producer", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
			throw new KafkaStarterConfigurationException(property, delivery,
					"delivery.timeout.ms must be at least linger.ms + request.timeout.ms (" + (linger + request)
							+ " ms here): a send needs time to wait for its batch and for one request.",
					"Set '" + property + "' to " + (linger + request) + " or more, or lower request.timeout.ms.");
		}
		int session = (Integer) parsedConsumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
		int heartbeat = (Integer) parsedConsumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
		if (heartbeat >= session) {
			String property = config.property("consumer", ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
			throw new KafkaStarterConfigurationException(property, heartbeat,
					"The heartbeat interval must be below the session timeout (" + session
							+ " ms); otherwise the group evicts the consumer between two heartbeats.",
					"Set '" + property + "' to about a third of the session timeout, " + (session / 3) + " ms.");
		}
		checkListener(config);
	}

	/**
	 * Every key the application set, read by Kafka's {@code ConfigDef}.
	 * @return the parsed configuration, with Kafka's defaults for the keys not set
	 */
	private Map<String, Object> parse(ClientKafkaConfig config, String side, ConfigDef definition,
			Map<String, Object> configuration) {
		Map<String, ConfigDef.ConfigKey> keys = definition.configKeys();
		Map<String, Object> parsed = new HashMap<>(definition.defaultValues());
		configuration.forEach((key, value) -> {
			ConfigDef.ConfigKey configKey = keys.get(key);
			if (configKey == null || value == null) {
				return;
			}
			try {
				parsed.put(key, ConfigDef.parseType(key, value, configKey.type));
				if (configKey.validator != null) {
					configKey.validator.ensureValid(key, parsed.get(key));
				}
			}
			catch (ConfigException ex) {
				throw refused(config, side, configuration, List.of(key), message(ex, configuration));
			}
		});
		return parsed;
	}

	/**
	 * The configuration read by Kafka's config class, which checks keys against each other.
	 * On a refusal, each key the application set is taken out in turn: those without which
	 * Kafka accepts the rest are the ones to change.
	 */
	private void crossCheck(ClientKafkaConfig config, String side, Map<String, Object> configuration,
			Consumer<Map<String, Object>> kafka) {
		Map<String, Object> trial = new HashMap<>(configuration);
		TRIAL_IDS.forEach((key, id) -> {
			if (trial.get(key) == null || trial.get(key).toString().isEmpty()) {
				trial.put(key, id);
			}
		});
		try {
			kafka.accept(trial);
		}
		catch (KafkaException ex) {
			String message = message(ex, configuration);
			List<String> culprits = new ArrayList<>();
			for (String key : configuration.keySet()) {
				if (!config.isSet(side, key)) {
					continue;
				}
				Map<String, Object> without = new HashMap<>(trial);
				without.remove(key);
				try {
					kafka.accept(without);
					culprits.add(key);
				}
				catch (KafkaException stillRefused) {
					// Not this one alone.
				}
			}
			// The key Kafka names first leads the report.
			culprits.sort((a, b) -> Integer.compare(named(message, a), named(message, b)));
			throw refused(config, side, configuration, culprits, message);
		}
	}

	private static boolean kafkasDefault(String key, @Nullable Object value) {
		Object kafkaDefault = PRODUCER_DEFAULTS.get(key);
		return ProducerConfig.ACKS_CONFIG.equals(key) ? Acks.normalize(value).equals(Acks.normalize(kafkaDefault))
				: Objects.equals(value, kafkaDefault);
	}

	private static int named(String message, String key) {
		Matcher matcher = Pattern.compile("(?<![\\w.])" + Pattern.quote(key) + "(?![\\w.])")
			.matcher(message);
		return matcher.find() ? matcher.start() : Integer.MAX_VALUE;
	}

	private KafkaStarterConfigurationException refused(ClientKafkaConfig config, String side,
			Map<String, Object> configuration, List<String> culprits, String message) {
		String problem = "Kafka refuses this " + side + " configuration: " + message;
		for (String culprit : culprits) {
			problem += HINTS.getOrDefault(culprit, "");
		}
		if (culprits.isEmpty()) {
			String prefix = config.client().property(side);
			return new KafkaStarterConfigurationException(prefix, null, problem,
					"Change the settings under '" + prefix + "' that Kafka names.");
		}
		String key = culprits.get(0);
		String property = config.property(side, key);
		String kafkaDefault = kafkaDefault(side, key);
		String action;
		if (culprits.size() == 1) {
			action = "Set '" + property + "' to a value Kafka accepts, or remove it"
					+ ((kafkaDefault != null) ? " to use Kafka's default (" + kafkaDefault + ")." : ".");
		}
		else {
			action = "Kafka accepts the rest without '" + property + "'";
			for (String other : culprits.subList(1, culprits.size())) {
				action += " or without '" + config.property(side, other) + "="
						+ shown(config, other, configuration.get(other)) + "'";
			}
			action += ": change or remove one of them"
					+ ((kafkaDefault != null) ? " (Kafka's default for " + key + " is " + kafkaDefault + ")." : ".");
		}
		return new KafkaStarterConfigurationException(property, shown(config, key, configuration.get(key)), problem,
				action);
	}

	private void aboveZero(ClientKafkaConfig config, String side, Map<String, Object> configuration,
			Map<String, Object> parsed) {
		ABOVE_ZERO.forEach((key, why) -> {
			if (configuration.containsKey(key) && parsed.get(key) instanceof Number number
					&& number.longValue() <= 0) {
				String property = config.property(side, key);
				throw new KafkaStarterConfigurationException(property, number,
						key + " must be above zero: Kafka reads " + number + ", but " + why + ".",
						"Set '" + property + "' to a positive value, or remove it to use Kafka's default ("
								+ kafkaDefault(side, key) + ").");
			}
		});
	}

	private void checkListener(ClientKafkaConfig config) {
		Integer concurrency = config.properties().getListener().getConcurrency();
		if (concurrency != null && concurrency < 1) {
			String property = config.client().property("listener.concurrency");
			throw new KafkaStarterConfigurationException(property, concurrency,
					"A listener container needs at least one consumer.",
					"Set '" + property + "' to 1 or more (at most the topic's partition count is useful).");
		}
		Duration pollTimeout = config.properties().getListener().getPollTimeout();
		if (pollTimeout != null && pollTimeout.toMillis() <= 0) {
			String property = config.client().property("listener.poll-timeout");
			throw new KafkaStarterConfigurationException(property, pollTimeout,
					"A poll timeout of zero or less makes the container spin without waiting for records.",
					"Set '" + property + "' to a positive duration, for example 5s, or remove it.");
		}
	}

	private static ConfigDef definition(String side) {
		return switch (side) {
			case "producer" -> ProducerConfig.configDef();
			case "consumer" -> ConsumerConfig.configDef();
			default -> AdminClientConfig.configDef();
		};
	}

	private static @Nullable String kafkaDefault(String side, String key) {
		ConfigDef.ConfigKey configKey = definition(side).configKeys().get(key);
		if (configKey == null || !configKey.hasDefault() || configKey.defaultValue == null
				|| configKey.type == ConfigDef.Type.CLASS || configKey.type == ConfigDef.Type.LIST) {
			return null;
		}
		return ConfigDef.convertToString(configKey.defaultValue, configKey.type);
	}

	private static @Nullable Object shown(ClientKafkaConfig config, String key, @Nullable Object value) {
		if (value != null && KafkaSecrets.isSecret(key)) {
			return KafkaSecrets.MASK;
		}
		return ProducerConfig.TRANSACTIONAL_ID_CONFIG.equals(key)
				? config.properties().getProducer().getTransactionIdPrefix() : value;
	}

	private static String message(KafkaException ex, Map<String, Object> configuration) {
		String message = KafkaSecrets.mask(ex.getMessage(), KafkaSecrets.values(configuration));
		return (message != null) ? message : ex.getClass().getSimpleName();
	}

}
