package io.github.kafkastarter.autoconfigure.share;

import java.io.Serial;

import org.springframework.kafka.event.KafkaEvent;

/**
 * Published when the starter does not start a share listener container (one from a
 * client's share listener container factory, due to start automatically) because the
 * client's cluster has no share groups (brokers older than Kafka 4.1, or share groups not
 * enabled): its consumers could only fail. Starting the container by hand starts them
 * anyway.
 */
public class ShareGroupsUnavailableEvent extends KafkaEvent {

	@Serial
	private static final long serialVersionUID = 1L;

	private final String reason;

	/**
	 * Create an event.
	 * @param container the container that is not started
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
