package io.github.kafkastarter.sample;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import io.github.kafkastarter.autoconfigure.parallel.ParallelListener;

/**
 * A slow step (a call to a pricing service, say, 50 ms each) that would cap a plain
 * listener at partitions / 50 ms = 80 orders/s on 4 partitions. As a parallel listener it
 * runs 32 orders at once, while orders of the same customer stay in order. Enriched orders
 * go on to the fulfillment topic, where a share group takes them.
 */
@Component
class EnrichmentListener {

	private static final Logger logger = LoggerFactory.getLogger(EnrichmentListener.class);

	private static final Duration PRICING_CALL = Duration.ofMillis(50);

	private final KafkaTemplate<String, Order> template;

	private final AtomicLong enriched = new AtomicLong();

	EnrichmentListener(KafkaTemplate<String, Order> template) {
		this.template = template;
	}

	@KafkaListener(id = "enrichment", topics = { Topics.URGENT, Topics.ORDERS }, groupId = "enrichment")
	@ParallelListener(concurrency = 32)
	void enrich(Order order) {
		// Stands in for the remote call.
		LockSupport.parkNanos(PRICING_CALL.toNanos());
		this.template.send(Topics.FULFILLMENT, order.customerId(), order);
		logger.info("Enriched order {} on a parallel worker ({} so far)", OrderListener.shortId(order),
				this.enriched.incrementAndGet());
	}

	long enriched() {
		return this.enriched.get();
	}

}
