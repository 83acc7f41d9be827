package io.github.kafkastarter.sample;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Sends a few orders at start-up, so the round trips show in the console at once.
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.demo-orders", matchIfMissing = true)
class DemoOrders implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(DemoOrders.class);

	private final OrderService orders;

	DemoOrders(OrderService orders) {
		this.orders = orders;
	}

	@Override
	public void run(ApplicationArguments args) {
		List<OrderRequest> demo = List.of(new OrderRequest("alice", "coffee beans", 2, false),
				new OrderRequest("bob", "teapot", 1, false), new OrderRequest("alice", "mug", 4, false),
				new OrderRequest("dave", "espresso machine", 1, true));
		logger.info("Sending {} demo orders; then try: curl -s -XPOST localhost:8080/orders "
				+ "-H 'Content-Type: application/json' -d '{\"customerId\":\"carol\",\"item\":\"kettle\",\"quantity\":1}'",
				demo.size());
		demo.forEach(this.orders::place);
	}

}
