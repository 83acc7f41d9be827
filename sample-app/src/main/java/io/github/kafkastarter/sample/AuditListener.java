package io.github.kafkastarter.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Reads the audit copies on the named client {@code audit}, through its own listener
 * container factory.
 */
@Component
class AuditListener {

	private static final Logger logger = LoggerFactory.getLogger(AuditListener.class);

	private final RoundTrips roundTrips;

	AuditListener(RoundTrips roundTrips) {
		this.roundTrips = roundTrips;
	}

	@KafkaListener(id = "audit", topics = Topics.AUDIT, idIsGroup = false,
			containerFactory = "auditKafkaListenerContainerFactory")
	void onAudit(Order order) {
		logger.info("Audit copy of order {} recorded by the 'audit' client", OrderListener.shortId(order));
		this.roundTrips.markAudited(order.id());
	}

}
