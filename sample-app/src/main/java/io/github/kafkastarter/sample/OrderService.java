package io.github.kafkastarter.sample;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

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
		return this.template.send(order.urgent() ? Topics.URGENT : Topics.ORDERS, order.customerId(), order);
	}

}
