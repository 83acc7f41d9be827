package io.github.kafkastarter.autoconfigure.errorhandling;

import java.time.Duration;

/**
 * Thrown by a listener (or by the starter around it) when a record cannot be processed
 * yet, through no fault of its own: another consumer is still processing the same record,
 * for example. The starter's error handler delivers the record again after
 * {@link #retryAfter()}, for as long as it takes: this does not count toward the retry
 * attempts and never sends the record to the dead-letter topic.
 */
public class RetryLaterException extends RuntimeException {

	private final Duration retryAfter;

	/**
	 * Create a new exception.
	 * @param message why the record must wait
	 * @param retryAfter how long to wait before the next delivery
	 */
	public RetryLaterException(String message, Duration retryAfter) {
		super(message);
		this.retryAfter = retryAfter;
	}

	/**
	 * How long to wait before the record is delivered again.
	 * @return the delay
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
