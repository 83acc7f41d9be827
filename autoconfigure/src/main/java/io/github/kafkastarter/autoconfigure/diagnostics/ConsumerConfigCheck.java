package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.reliability.ConsumerReliabilityProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import org.springframework.boot.context.properties.bind.Bindable;

/**
 * Consumer and listener settings that cannot work: zero or negative timeouts and sizes, a
 * heartbeat interval not below the session timeout, a listener concurrency below 1, and
 * client-side group settings (assignor, session timeout, heartbeat) with the KIP-848
 * {@code consumer} group protocol, which Kafka rejects at the first consumer.
 */
final class ConsumerConfigCheck implements ConfigurationCheck {

	private static final List<String> CONSUMER_PROTOCOL_UNSUPPORTED = List.of(
			ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
			ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);

	@Override
	public void check(ConfigurationCheckContext context) {
		for (ConfigurationCheckContext.ClientPrefix client : context.clients()) {
			ClientKafkaConfig.of(context, client).ifPresent((config) -> check(context, config));
		}
	}

	private void check(ConfigurationCheckContext context, ClientKafkaConfig config) {
		positive(config, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "a session timeout", "45000");
		positive(config, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "a heartbeat interval", "3000");
		positive(config, ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "a max poll interval", "300000 (5 minutes)");
		positive(config, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "max.poll.records", "500");
		positive(config, ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "a request timeout", "30000");
		positive(config, ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "default.api.timeout.ms", "60000");
		nonNegative(config, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "fetch.max.wait.ms", "500");
		nonNegative(config, ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "fetch.min.bytes", "1");
		Map<String, Object> consumer = config.consumer();
		Long session = ClientKafkaConfig.number(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
		Long heartbeat = ClientKafkaConfig.number(consumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
		if (session != null && heartbeat != null && heartbeat >= session) {
			String property = config.consumerProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
			throw new KafkaStarterConfigurationException(property, heartbeat,
					"The heartbeat interval must be below the session timeout (" + session
							+ " ms); otherwise the group evicts the consumer between two heartbeats.",
					"Set '" + property + "' to about a third of the session timeout, " + (session / 3) + " ms.");
		}
		Integer concurrency = config.properties().getListener().getConcurrency();
		if (concurrency != null && concurrency < 1) {
			String property = config.client().property("listener.concurrency");
			throw new KafkaStarterConfigurationException(property, concurrency,
					"A listener container needs at least one consumer.",
					"Set '" + property + "' to 1 or more (at most the topic's partition count is useful).");
		}
		if (config.properties().getListener().getPollTimeout() != null
				&& config.properties().getListener().getPollTimeout().toMillis() <= 0) {
			String property = config.client().property("listener.poll-timeout");
			throw new KafkaStarterConfigurationException(property, config.properties().getListener().getPollTimeout(),
					"A poll timeout of zero or less makes the container spin without waiting for records.",
					"Set '" + property + "' to a positive duration, for example 5s, or remove it.");
		}
		checkGroupProtocol(context, config);
	}

	private void checkGroupProtocol(ConfigurationCheckContext context, ClientKafkaConfig config) {
		Object explicit = config.consumer().get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
		String protocolProperty = config.consumerProperty(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
		String protocol = (explicit != null) ? explicit.toString().trim() : null;
		if (protocol == null) {
			for (String layer : ReliabilitySettingsCheck.clientLayers(config.client())) {
				String property = layer + ".consumer.group-protocol";
				String value = context.bind(property, Bindable.of(String.class)).orElse(null);
				if (value != null) {
					protocol = value;
					protocolProperty = property;
				}
			}
		}
		if (protocol == null || !ConsumerReliabilityProperties.GroupProtocol.CONSUMER.name()
			.equalsIgnoreCase(protocol.trim())) {
			return;
		}
		for (String key : CONSUMER_PROTOCOL_UNSUPPORTED) {
			if (config.consumer().containsKey(key)) {
				String property = config.consumerProperty(key);
				throw new KafkaStarterConfigurationException(property, config.consumer().get(key),
						"With the consumer group protocol ('" + protocolProperty + "="
								+ protocol.toLowerCase(Locale.ROOT) + "', KIP-848) the broker assigns partitions "
								+ "and times sessions: Kafka refuses " + key + " on the client.",
						"Remove '" + property + "'; the broker's group.consumer.* settings (for example "
								+ "group.consumer.session.timeout.ms, group.consumer.assignors) take its place.");
			}
		}
	}

	private void positive(ClientKafkaConfig config, String key, String what, String example) {
		bound(config, key, 1, what, example);
	}

	private void nonNegative(ClientKafkaConfig config, String key, String what, String example) {
		bound(config, key, 0, what, example);
	}

	private void bound(ClientKafkaConfig config, String key, long minimum, String what, String example) {
		Object value = config.consumer().get(key);
		Long number = ClientKafkaConfig.number(value);
		if (number != null && number < minimum) {
			String property = config.consumerProperty(key);
			throw new KafkaStarterConfigurationException(property, value,
					(minimum > 0) ? "Kafka needs " + what + " above zero." : what + " cannot be negative.",
					"Set '" + property + "' to a " + ((minimum > 0) ? "positive" : "non-negative")
							+ " value, for example " + example + ", or remove it to use Kafka's default.");
		}
	}

}
