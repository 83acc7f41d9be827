package io.github.kafkastarter.sample;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.RecordMetadata;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.support.SendResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders} sends an order; {@code GET /orders} shows the latest round trips,
 * {@code GET /orders/dead-letters} the orders that went to the dead-letter topic.
 */
@RestController
@RequestMapping("/orders")
class OrderController {

	private final OrderService orders;

	private final RoundTrips roundTrips;

	OrderController(OrderService orders, RoundTrips roundTrips) {
		this.orders = orders;
		this.roundTrips = roundTrips;
	}

	@PostMapping
	ResponseEntity<Map<String, Object>> place(@RequestBody OrderRequest request)
			throws InterruptedException, ExecutionException, TimeoutException {
		if (request.customerId() == null || request.customerId().isBlank() || request.item() == null
				|| request.quantity() < 1) {
			return ResponseEntity.badRequest()
				.body(Map.of("error", "customerId, item and a quantity of at least 1 are required"));
		}
		SendResult<String, Order> sent = this.orders.place(request).get(30, TimeUnit.SECONDS);
		RecordMetadata metadata = sent.getRecordMetadata();
		Order order = sent.getProducerRecord().value();
		return ResponseEntity.status(HttpStatus.ACCEPTED)
			.body(Map.of("orderId", order.id(), "topic", metadata.topic(), "partition", metadata.partition(),
					"offset", metadata.offset()));
	}

	@GetMapping
	List<RoundTrips.RoundTrip> recent() {
		return this.roundTrips.recent();
	}

	@GetMapping("/dead-letters")
	List<RoundTrips.DeadLetter> deadLetters() {
		return this.roundTrips.deadLetters();
	}

}
