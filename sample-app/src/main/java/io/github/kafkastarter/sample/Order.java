package io.github.kafkastarter.sample;

import java.time.Instant;

/**
 * An order as it travels on the {@code orders} topic, keyed by customer.
 *
 * @param id the order id
 * @param customerId the customer, also the record key, so one customer's orders stay in
 * order
 * @param item what was ordered
 * @param quantity how many
 * @param placedAt when the order was accepted
 * @param urgent whether it travels on the urgent topic, read first
 */
public record Order(String id, String customerId, String item, int quantity, Instant placedAt, boolean urgent) {

}
