package io.github.kafkastarter.sample;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Reads what could not be processed from {@code orders.DLT}, where the starter put it with
 * its original bytes and headers that say what went wrong. It reads the bytes as they are,
 * not as orders: a dead letter is often a record that is not a valid order at all (one
 * that could not be deserialized), and a listener that needed it to be one would fail on
 * it in turn.
 */
@Component
class DeadLetterListener {

	private static final Logger logger = LoggerFactory.getLogger(DeadLetterListener.class);

	private static final int PREVIEW = 100;

	private final RoundTrips roundTrips;

	private final JsonMapper json;

	DeadLetterListener(RoundTrips roundTrips, JsonMapper json) {
		this.roundTrips = roundTrips;
		this.json = json;
	}

	@KafkaListener(id = "dead-orders", topics = Topics.DEAD_ORDERS, groupId = "order-service-dead-letters",
			properties = { "key.deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer",
					"value.deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer" })
	void onDeadLetter(ConsumerRecord<byte[], byte[]> record) {
		Order order = order(record.value());
		String source = header(record, KafkaHeaders.DLT_ORIGINAL_TOPIC) + "-"
				+ header(record, KafkaHeaders.DLT_ORIGINAL_PARTITION) + "@"
				+ header(record, KafkaHeaders.DLT_ORIGINAL_OFFSET);
		String group = header(record, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP);
		String reason = header(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE);
		if (order != null) {
			logger.info("Order {} for customer {} was dead-lettered from {} by group {}: {}",
					OrderListener.shortId(order), order.customerId(), source, group, reason);
			this.roundTrips.addDeadLetter(new RoundTrips.DeadLetter(order.id(), source, group, reason, null));
		}
		else {
			String value = preview(record.value());
			logger.info("A record that is not an order ({}) was dead-lettered from {} by group {}: {}", value,
					source, group, reason);
			this.roundTrips.addDeadLetter(new RoundTrips.DeadLetter(null, source, group, reason, value));
		}
	}

	private @Nullable Order order(byte @Nullable [] value) {
		if (value == null) {
			return null;
		}
		try {
			Order order = this.json.readValue(value, Order.class);
			return (order != null && order.id() != null) ? order : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static String preview(byte @Nullable [] value) {
		if (value == null) {
			return "null";
		}
		String text = new String(value, StandardCharsets.UTF_8);
		return (text.length() > PREVIEW) ? text.substring(0, PREVIEW) + "…" : text;
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		if (header == null) {
			return "?";
		}
		if (name.equals(KafkaHeaders.DLT_ORIGINAL_PARTITION)) {
			return String.valueOf(ByteBuffer.wrap(header.value()).getInt());
		}
		if (name.equals(KafkaHeaders.DLT_ORIGINAL_OFFSET)) {
			return String.valueOf(ByteBuffer.wrap(header.value()).getLong());
		}
		return new String(header.value(), StandardCharsets.UTF_8);
	}

}
