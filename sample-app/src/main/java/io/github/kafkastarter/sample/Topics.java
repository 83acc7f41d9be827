package io.github.kafkastarter.sample;

/**
 * The sample's topics; the dev broker creates them (see application.yml), the starter the
 * dead-letter topic, when the first order goes there.
 */
final class Topics {

	static final String ORDERS = "orders";

	static final String AUDIT = "orders.audit";

	static final String URGENT = "orders.urgent";

	static final String FULFILLMENT = "orders.fulfillment";

	static final String DEAD_ORDERS = "orders.DLT";

	private Topics() {
	}

}
