package io.github.kafkastarter.sample;

/**
 * What a client posts to {@code /orders}.
 *
 * @param customerId the customer
 * @param item what is ordered
 * @param quantity how many
 */
public record OrderRequest(String customerId, String item, int quantity) {

}
