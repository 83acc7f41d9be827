package io.github.kafkastarter.sample;

import java.time.Duration;
import java.time.Instant;

import io.github.kafkastarter.autoconfigure.dedup.Deduplicated;
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
 * <p>
 * Deduplicated: an order Kafka delivers again (after a rebalance or a crash before the
 * offset commit) or that was sent twice is booked once. An order that cannot be fulfilled
 * goes to {@code orders.DLT}; one that fails for another reason is retried first.
 */
@Component
class OrderListener {

	private static final Logger logger = LoggerFactory.getLogger(OrderListener.class);

	static final int MAX_QUANTITY = 100;

	private final KafkaTemplate<String, Order> audit;

	private final RoundTrips roundTrips;

	OrderListener(@Qualifier("auditKafkaTemplate") KafkaTemplate<String, Order> audit, RoundTrips roundTrips) {
		this.audit = audit;
		this.roundTrips = roundTrips;
	}

	// Reads urgent orders first: kafka.starter.priority.listeners.orders ranks the topics.
	@KafkaListener(id = "orders", topics = { Topics.URGENT, Topics.ORDERS }, groupId = "order-service")
	@Deduplicated
	void onOrder(ConsumerRecord<String, Order> record) {
		Order order = record.value();
		if (order.quantity() > MAX_QUANTITY) {
			throw new InvalidOrderException("Order " + shortId(order) + " asks for " + order.quantity() + " x "
					+ order.item() + "; at most " + MAX_QUANTITY + " can be shipped");
		}
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
