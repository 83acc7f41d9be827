package io.github.kafkastarter.sample;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Reads the orders that could not be processed from {@code orders.DLT}, where the starter
 * put them with their original bytes and headers that say what went wrong.
 */
@Component
class DeadLetterListener {

	private static final Logger logger = LoggerFactory.getLogger(DeadLetterListener.class);

	private final RoundTrips roundTrips;

	DeadLetterListener(RoundTrips roundTrips) {
		this.roundTrips = roundTrips;
	}

	@KafkaListener(id = "dead-orders", topics = Topics.DEAD_ORDERS, groupId = "order-service-dead-letters")
	void onDeadOrder(ConsumerRecord<String, Order> record) {
		String reason = header(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE);
		logger.warn("Order {} for customer {} was dead-lettered from {}-{}@{}: {}",
				OrderListener.shortId(record.value()), record.key(), header(record, KafkaHeaders.DLT_ORIGINAL_TOPIC),
				header(record, KafkaHeaders.DLT_ORIGINAL_PARTITION), header(record, KafkaHeaders.DLT_ORIGINAL_OFFSET),
				reason);
		this.roundTrips.addDeadLetter(record.value().id(), reason);
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		if (header == null) {
			return "?";
		}
		if (name.equals(KafkaHeaders.DLT_ORIGINAL_PARTITION)) {
			return String.valueOf(java.nio.ByteBuffer.wrap(header.value()).getInt());
		}
		if (name.equals(KafkaHeaders.DLT_ORIGINAL_OFFSET)) {
			return String.valueOf(java.nio.ByteBuffer.wrap(header.value()).getLong());
		}
		return new String(header.value(), StandardCharsets.UTF_8);
	}

}
