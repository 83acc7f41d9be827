package io.github.kafkastarter.sample;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The latest orders that made it back through the listener.
 */
@Component
public class RoundTrips {

	private static final int KEEP = 50;

	private final Deque<RoundTrip> recent = new ArrayDeque<>();

	private final Deque<DeadLetter> deadLetters = new ArrayDeque<>();

	synchronized void add(RoundTrip roundTrip) {
		this.recent.addFirst(roundTrip);
		while (this.recent.size() > KEEP) {
			this.recent.removeLast();
		}
	}

	synchronized void addDeadLetter(DeadLetter deadLetter) {
		this.deadLetters.addFirst(deadLetter);
		while (this.deadLetters.size() > KEEP) {
			this.deadLetters.removeLast();
		}
	}

	/**
	 * The latest orders that went to the dead-letter topic, newest first.
	 * @return the dead letters
	 */
	public synchronized List<DeadLetter> deadLetters() {
		return new ArrayList<>(this.deadLetters);
	}

	synchronized void markAudited(String orderId) {
		List<RoundTrip> updated = new ArrayList<>();
		for (RoundTrip trip : this.recent) {
			updated.add(trip.orderId().equals(orderId) ? trip.withAudit() : trip);
		}
		this.recent.clear();
		this.recent.addAll(updated);
	}

	/**
	 * The latest round trips, newest first.
	 * @return the round trips
	 */
	public synchronized List<RoundTrip> recent() {
		return new ArrayList<>(this.recent);
	}

	/**
	 * One order's trip through Kafka.
	 *
	 * @param orderId the order
	 * @param customerId the customer (the record key)
	 * @param partition the partition it landed in
	 * @param offset its offset
	 * @param millis from acceptance to the listener
	 * @param audited whether the audit copy came back on the audit client
	 */
	public record RoundTrip(String orderId, String customerId, int partition, long offset, long millis,
			boolean audited) {

		RoundTrip withAudit() {
			return new RoundTrip(this.orderId, this.customerId, this.partition, this.offset, this.millis, true);
		}

	}

	/**
	 * A record that could not be processed, as its dead letter tells.
	 *
	 * @param orderId the order, or {@code null} when the record is not an order (one that
	 * could not be deserialized, for example)
	 * @param source where the record was: topic, partition and offset
	 * @param group the consumer group that gave up on it
	 * @param reason the exception message from the dead letter's headers
	 * @param value the record's value as text when it is not an order (the first 100
	 * characters), otherwise {@code null}
	 */
	public record DeadLetter(@Nullable String orderId, String source, String group, String reason,
			@Nullable String value) {

	}

}
