package io.github.kafkastarter.sample;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.ProducerRecord;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Service;

/**
 * Accepts orders and sends them, keyed by customer, through Spring Boot's default
 * {@link KafkaTemplate}.
 */
@Service
public class OrderService {

	private final KafkaTemplate<String, Order> template;

	OrderService(KafkaTemplate<String, Order> template) {
		this.template = template;
	}

	CompletableFuture<SendResult<String, Order>> place(OrderRequest request) {
		Order order = new Order(UUID.randomUUID().toString(), request.customerId(), request.item(),
				request.quantity(), Instant.now(), Boolean.TRUE.equals(request.urgent()));
		ProducerRecord<String, Order> record = new ProducerRecord<>(order.urgent() ? Topics.URGENT : Topics.ORDERS,
				order.customerId(), order);
		// The order id is the record id: the deduplicated listener books an order sent
		// twice (by a caller that retried, say) once.
		record.headers().add("record-id", order.id().getBytes(StandardCharsets.UTF_8));
		return this.template.send(record);
	}

}
