package io.github.kafkastarter.sample;

import org.jspecify.annotations.Nullable;

/**
 * What a client posts to {@code /orders}.
 *
 * @param customerId the customer
 * @param item what is ordered
 * @param quantity how many
 * @param urgent whether the order goes on the urgent topic (optional)
 */
public record OrderRequest(String customerId, String item, int quantity, @Nullable Boolean urgent) {

}
