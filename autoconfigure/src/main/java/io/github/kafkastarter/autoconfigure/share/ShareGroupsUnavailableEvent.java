package io.github.kafkastarter.autoconfigure.share;

import java.io.Serial;

import org.springframework.kafka.event.KafkaEvent;

/**
 * Published when a share listener container of the starter does not start its consumers
 * because the cluster has no share groups (brokers older than Kafka 4.1, or share groups
 * not enabled): they could only fail. The container stays stopped; starting it again asks
 * nothing new of the cluster until the application restarts.
 */
public class ShareGroupsUnavailableEvent extends KafkaEvent {

	@Serial
	private static final long serialVersionUID = 1L;

	private final String reason;

	/**
	 * Create an event.
	 * @param container the container that did not start
	 * @param reason why the cluster has no share groups, in words
	 */
	public ShareGroupsUnavailableEvent(Object container, String reason) {
		super(container, container);
		this.reason = reason;
	}

	/**
	 * Why the cluster has no share groups.
	 * @return the reason, in words
	 */
	public String getReason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return "ShareGroupsUnavailableEvent [source=" + getSource() + ", reason=" + this.reason + "]";
	}

}
