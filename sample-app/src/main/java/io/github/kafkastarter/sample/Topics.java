package io.github.kafkastarter.sample;

/**
 * The sample's topics; the dev broker creates them (see application.yml).
 */
final class Topics {

	static final String ORDERS = "orders";

	static final String AUDIT = "orders.audit";

	private Topics() {
	}

}
