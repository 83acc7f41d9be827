package io.github.kafkastarter.sample;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

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

	synchronized void addDeadLetter(String orderId, String reason) {
		this.deadLetters.addFirst(new DeadLetter(orderId, reason));
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
	 * An order that could not be processed.
	 *
	 * @param orderId the order
	 * @param reason the exception message from the dead letter's headers
	 */
	public record DeadLetter(String orderId, String reason) {

	}

}
