package io.github.kafkastarter.autoconfigure.health;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What is known of one listener container: from the container itself and from the events
 * Spring Kafka published for it. Never asks the broker.
 *
 * @param id the listener id
 * @param client the client whose factory created the container, or {@code null} when
 * unknown (a container built by hand)
 * @param groupId the consumer group
 * @param topics the topics it listens to (or its topic pattern, or its partitions)
 * @param state the container's state
 * @param problem why the container is not in the state it should be in, or {@code null}
 * when it is (running as started, paused or stopped on purpose, or not started yet)
 * @param since when the problem began; otherwise when the container last started (while
 * it runs or is paused) or stopped, when known
 * @param assignedPartitions the partitions assigned to its consumers, {@code topic-partition}
 * each
 * @param idleSince since when no record arrived, when the container publishes idle events
 */
public record ListenerContainerState(String id, @Nullable String client, @Nullable String groupId,
		List<String> topics, State state,
		@Nullable String problem, @Nullable Instant since, List<String> assignedPartitions,
		@Nullable Instant idleSince) {

	/**
	 * Whether the container is as expected: nothing went wrong, whether it runs or was
	 * stopped on purpose.
	 * @return whether it is healthy
	 */
	public boolean healthy() {
		return this.problem == null;
	}

	/**
	 * A listener container's state.
	 */
	public enum State {

		/**
		 * Consuming.
		 */
		RUNNING,

		/**
		 * Pause requested; the consumers pause at their next poll.
		 */
		PAUSING,

		/**
		 * Paused on purpose; the consumers keep their partitions and poll nothing.
		 */
		PAUSED,

		/**
		 * Stopped on purpose.
		 */
		STOPPED,

		/**
		 * Never started (auto-startup off, or not started yet).
		 */
		NOT_STARTED,

		/**
		 * Stopped, or never started, because something went wrong.
		 */
		FAILED

	}

}
