package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

/**
 * Producer settings that cannot work together or at all: idempotence (or transactions)
 * with {@code acks} 0 or 1, with retries off or with more than five requests in flight;
 * transactions without idempotence; a delivery timeout shorter than linger plus request
 * timeout; zero or negative timeouts and sizes. Kafka rejects each of them, but only when
 * the first producer is created, usually at the first send.
 */
final class ProducerConfigCheck implements ConfigurationCheck {

	@Override
	public void check(ConfigurationCheckContext context) {
		for (ConfigurationCheckContext.ClientPrefix client : context.clients()) {
			ClientKafkaConfig.of(context, client).ifPresent(this::check);
		}
	}

	private void check(ClientKafkaConfig config) {
		Map<String, Object> producer = config.producer();
		positive(config, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 1, "a delivery timeout",
				"120000 (two minutes)");
		positive(config, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1, "a request timeout", "30000");
		positive(config, ProducerConfig.LINGER_MS_CONFIG, 0, "linger.ms", "5");
		positive(config, ProducerConfig.BATCH_SIZE_CONFIG, 0, "a batch size", "16384 (16KB)");
		positive(config, ProducerConfig.BUFFER_MEMORY_CONFIG, 1, "the buffer memory", "33554432 (32MB)");
		positive(config, ProducerConfig.MAX_BLOCK_MS_CONFIG, 0, "max.block.ms", "60000");
		positive(config, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1, "max.request.size", "1048576 (1MB)");
		positive(config, ProducerConfig.RETRIES_CONFIG, 0, "retries", "2147483647");
		positive(config, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1, "max.in.flight.requests", "5");
		String acks = acks(producer.get(ProducerConfig.ACKS_CONFIG));
		Boolean idempotence = bool(producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
		String transactionIdPrefix = config.properties().getProducer().getTransactionIdPrefix();
		boolean transactional = transactionIdPrefix != null
				|| producer.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		String prefixProperty = config.client().property("producer.transaction-id-prefix");
		String idempotenceProperty = config.producerProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
		if (transactional && Boolean.FALSE.equals(idempotence)) {
			throw new KafkaStarterConfigurationException(idempotenceProperty, false,
					"Transactions ('" + prefixProperty + "') need the idempotent producer, which this turns off.",
					"Remove '" + idempotenceProperty + "' (idempotence is on by default), or remove '" + prefixProperty
							+ "'.");
		}
		boolean idempotent = Boolean.TRUE.equals(idempotence) || transactional;
		String cause = Boolean.TRUE.equals(idempotence) ? "enable.idempotence=true ('" + idempotenceProperty + "')"
				: "transactions ('" + prefixProperty + "')";
		if (idempotent && acks != null && !"all".equals(acks)) {
			throw new KafkaStarterConfigurationException(config.producerProperty(ProducerConfig.ACKS_CONFIG), acks,
					"The idempotent producer, which " + cause + " requires, only works with acks=all: with acks="
							+ acks + " Kafka refuses to create the producer.",
					"Set '" + config.producerProperty(ProducerConfig.ACKS_CONFIG) + "=all', or turn idempotence off "
							+ "if losing or repeating records is acceptable.");
		}
		Long retries = ClientKafkaConfig.number(producer.get(ProducerConfig.RETRIES_CONFIG));
		if (idempotent && retries != null && retries == 0) {
			throw new KafkaStarterConfigurationException(config.producerProperty(ProducerConfig.RETRIES_CONFIG), 0,
					"The idempotent producer, which " + cause + " requires, needs retries; retries=0 turns them off.",
					"Remove '" + config.producerProperty(ProducerConfig.RETRIES_CONFIG)
							+ "': retries are bounded by delivery.timeout.ms anyway.");
		}
		Long inFlight = ClientKafkaConfig
			.number(producer.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION));
		if (idempotent && inFlight != null && inFlight > 5) {
			String property = config.producerProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
			throw new KafkaStarterConfigurationException(property, inFlight,
					"The idempotent producer, which " + cause + " requires, keeps records in order with at most 5 "
							+ "requests in flight per connection.",
					"Set '" + property + "' to 5 or less.");
		}
		Long delivery = ClientKafkaConfig.number(producer.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
		if (delivery != null) {
			Long linger = ClientKafkaConfig.number(producer.get(ProducerConfig.LINGER_MS_CONFIG));
			Long request = ClientKafkaConfig.number(producer.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
			long floor = ((linger != null) ? linger : 5) + ((request != null) ? request : 30_000);
			if (delivery < floor) {
				String property = config.producerProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
				throw new KafkaStarterConfigurationException(property, delivery,
						"delivery.timeout.ms must be at least linger.ms + request.timeout.ms (" + floor
								+ " ms here): a send needs time to wait for its batch and for one request.",
						"Set '" + property + "' to " + floor + " or more, or lower request.timeout.ms.");
			}
		}
	}

	private void positive(ClientKafkaConfig config, String key, long minimum, String what, String example) {
		Object value = config.producer().get(key);
		Long number = ClientKafkaConfig.number(value);
		if (number != null && number < minimum) {
			String property = config.producerProperty(key);
			throw new KafkaStarterConfigurationException(property, value,
					(minimum > 0) ? "Kafka needs " + what + " above zero." : what + " cannot be negative.",
					"Set '" + property + "' to a " + ((minimum > 0) ? "positive" : "non-negative")
							+ " value, for example " + example + ", or remove it to use Kafka's default.");
		}
	}

	private static @Nullable String acks(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		String acks = value.toString().trim().toLowerCase(Locale.ROOT);
		return "-1".equals(acks) ? "all" : acks;
	}

	static @Nullable Boolean bool(@Nullable Object value) {
		if (value instanceof Boolean bool) {
			return bool;
		}
		return (value != null) ? Boolean.valueOf(value.toString().trim()) : null;
	}

}
