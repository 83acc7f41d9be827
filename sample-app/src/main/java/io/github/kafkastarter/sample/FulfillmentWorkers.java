package io.github.kafkastarter.sample;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Two workers of one share group (KIP-932) on a one-partition topic: the broker hands each
 * order to one of them, with no partition bound and no Java configuration, through the
 * starter's {@code shareKafkaListenerContainerFactory}. An order whose worker throws is
 * handed out again, up to the broker's delivery limit.
 */
@Component
class FulfillmentWorkers {

	private static final Logger logger = LoggerFactory.getLogger(FulfillmentWorkers.class);

	private final Set<String> fulfilled = ConcurrentHashMap.newKeySet();

	@KafkaListener(id = "fulfillment-1", topics = Topics.FULFILLMENT, groupId = "fulfillment",
			containerFactory = "shareKafkaListenerContainerFactory")
	void workerOne(Order order) {
		fulfil("worker 1", order);
	}

	@KafkaListener(id = "fulfillment-2", topics = Topics.FULFILLMENT, groupId = "fulfillment",
			containerFactory = "shareKafkaListenerContainerFactory")
	void workerTwo(Order order) {
		fulfil("worker 2", order);
	}

	private void fulfil(String worker, Order order) {
		this.fulfilled.add(order.id());
		logger.info("Order {} fulfilled by share-group {}", OrderListener.shortId(order), worker);
	}

	boolean fulfilled(String orderId) {
		return this.fulfilled.contains(orderId);
	}

}
