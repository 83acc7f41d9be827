package io.github.kafkastarter.sample;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Receives orders on the default client and forwards an audit copy through the named
 * client {@code audit} ({@code kafka.starter.clients.audit}).
 */
@Component
class OrderListener {

	private static final Logger logger = LoggerFactory.getLogger(OrderListener.class);

	private final KafkaTemplate<String, Order> audit;

	private final RoundTrips roundTrips;

	OrderListener(@Qualifier("auditKafkaTemplate") KafkaTemplate<String, Order> audit, RoundTrips roundTrips) {
		this.audit = audit;
		this.roundTrips = roundTrips;
	}

	// Reads urgent orders first: kafka.starter.priority.listeners.orders ranks the topics.
	@KafkaListener(id = "orders", topics = { Topics.URGENT, Topics.ORDERS }, groupId = "order-service")
	void onOrder(ConsumerRecord<String, Order> record) {
		Order order = record.value();
		long millis = Duration.between(order.placedAt(), Instant.now()).toMillis();
		logger.info("{}rder {} for customer {} ({} x {}) came back from {}-{} offset {} after {} ms",
				order.urgent() ? "Urgent o" : "O", shortId(order), order.customerId(), order.quantity(),
				order.item(), record.topic(), record.partition(), record.offset(), millis);
		this.roundTrips.add(new RoundTrips.RoundTrip(order.id(), order.customerId(), record.partition(),
				record.offset(), millis, false));
		this.audit.send(Topics.AUDIT, order.customerId(), order);
	}

	static String shortId(Order order) {
		return order.id().substring(0, 8);
	}

}
