package io.github.kafkastarter.sample;

/**
 * An order the shop cannot fulfil. Retrying does not help, so it is listed under
 * {@code kafka.starter.consumer.retry.not-retryable}: such an order goes straight to the
 * {@code orders.DLT} dead-letter topic.
 */
public class InvalidOrderException extends RuntimeException {

	InvalidOrderException(String message) {
		super(message);
	}

}
