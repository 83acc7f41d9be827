package io.github.kafkastarter.autoconfigure.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.share.ShareGroupsUnavailableEvent;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ConsumerFailedToStartEvent;
import org.springframework.kafka.event.ConsumerRetryAuthEvent;
import org.springframework.kafka.event.ConsumerRetryAuthSuccessfulEvent;
import org.springframework.kafka.event.ConsumerStartedEvent;
import org.springframework.kafka.event.ConsumerStartingEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.event.ContainerStoppedEvent;
import org.springframework.kafka.event.KafkaEvent;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.event.ListenerContainerNoLongerIdleEvent;
import org.springframework.kafka.event.NonResponsiveConsumerEvent;
import org.springframework.kafka.listener.AbstractShareKafkaMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ListenerContainerRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The state of every listener container of every client, kept from Spring Kafka's
 * container events ({@link ConsumerStoppedEvent} and its reason,
 * {@link ConsumerFailedToStartEvent}, {@link NonResponsiveConsumerEvent},
 * {@link ConsumerRetryAuthEvent}, idle events), the starter's
 * {@link ShareGroupsUnavailableEvent}, and read from the containers themselves. Nothing
 * here talks to the broker; reading a state is immediate.
 * <p>
 * Share-group containers are judged by their events alone: Spring Kafka's share
 * container counts as "in its expected state" exactly while it runs, which would make one
 * stopped on purpose a failure, and one whose consumers all died (they are not replaced;
 * the container goes on reporting itself running) healthy.
 */
public final class ListenerContainerStates implements ApplicationListener<KafkaEvent> {

	private final KafkaClients clients;

	private final KafkaClientContainers clientContainers;

	private final ObjectProvider<ListenerContainerRegistry> registries;

	private final Clock clock;

	// Weak keys: a container that is dropped must not be kept alive by its history.
	private final Map<MessageListenerContainer, History> histories = Collections.synchronizedMap(new WeakHashMap<>());

	public ListenerContainerStates(KafkaClients clients, KafkaClientContainers clientContainers,
			ObjectProvider<ListenerContainerRegistry> registries, Clock clock) {
		this.clients = clients;
		this.clientContainers = clientContainers;
		this.registries = registries;
		this.clock = clock;
	}

	@Override
	public void onApplicationEvent(KafkaEvent event) {
		if (!(containerOf(event) instanceof MessageListenerContainer container)) {
			return;
		}
		Instant now = this.clock.instant();
		History history = this.histories.computeIfAbsent(container, (key) -> new History());
		synchronized (history) {
			if (event instanceof ConsumerStartingEvent || event instanceof ConsumerStartedEvent) {
				// A late start of one consumer of a container that already stopped (another
				// consumer failed) is no restart: keep the failure.
				if (container.isRunning()) {
					history.started(now);
				}
				history.failedToStart.remove(event.getSource());
			}
			else if (event instanceof ConsumerStoppedEvent stopped) {
				history.consumerStopped(stopped.getReason(), now);
			}
			else if (event instanceof ContainerStoppedEvent) {
				history.containerStopped(now);
			}
			else if (event instanceof ConsumerFailedToStartEvent) {
				history.failedToStart.add(event.getSource());
				history.failedToStartAt = now;
			}
			else if (event instanceof NonResponsiveConsumerEvent nonResponsive) {
				history.nonResponsive(now, nonResponsive.getTimeSinceLastPoll(), monitorInterval(event));
			}
			else if (event instanceof ConsumerRetryAuthEvent retry) {
				history.authRetry = retry.getReason();
				history.authRetryAt = now;
			}
			else if (event instanceof ShareGroupsUnavailableEvent unavailable) {
				history.unavailable(unavailable.getReason(), now);
			}
			else if (event instanceof ConsumerRetryAuthSuccessfulEvent) {
				history.authRetry = null;
			}
			else if (event instanceof ListenerContainerIdleEvent idle) {
				history.idleSince = now.minusMillis(idle.getIdleTime());
			}
			else if (event instanceof ListenerContainerNoLongerIdleEvent) {
				history.idleSince = null;
			}
		}
	}

	/**
	 * The state of every listener container, by client in client order, then containers
	 * of unknown client.
	 * @return the states
	 */
	public List<ListenerContainerState> states() {
		List<ListenerContainerState> states = new ArrayList<>();
		Map<MessageListenerContainer, @Nullable String> containers = containers();
		for (String client : this.clients.names()) {
			containers.forEach((container, owner) -> {
				if (client.equals(owner)) {
					states.add(state(container, owner));
				}
			});
		}
		containers.forEach((container, owner) -> {
			if (owner == null || !this.clients.contains(owner)) {
				states.add(state(container, owner));
			}
		});
		return states;
	}

	/**
	 * The container with the given listener id.
	 * @param id the listener id
	 * @return the container, if there is one
	 */
	public Optional<MessageListenerContainer> container(String id) {
		return containers().keySet().stream().filter((container) -> id.equals(idOf(container))).findFirst();
	}

	/**
	 * The state of one container.
	 * @param container the container
	 * @return its state
	 */
	public ListenerContainerState state(MessageListenerContainer container) {
		return state(container, this.clientContainers.clientOf(container).orElse(null));
	}

	private ListenerContainerState state(MessageListenerContainer container, @Nullable String client) {
		Instant now = this.clock.instant();
		History history = this.histories.get(container);
		boolean running = container.isRunning();
		boolean pauseRequested = ask(container::isPauseRequested, false);
		boolean paused = ask(container::isContainerPaused, false);
		boolean share = container instanceof AbstractShareKafkaMessageListenerContainer;
		boolean expected = share || ask(container::isInExpectedState, true);
		String problem = null;
		Instant since = null;
		Instant idleSince = null;
		boolean everStarted = running;
		if (history != null) {
			synchronized (history) {
				everStarted |= history.startedAt != null;
				since = running ? history.startedAt : history.stoppedAt;
				idleSince = running ? history.idleSince : null;
				if (!expected) {
					problem = stopProblem(history.stopReason);
					since = (history.stopReasonAt != null) ? history.stopReasonAt : history.stoppedAt;
				}
				else if (share && history.unavailable != null) {
					problem = "Not started: the cluster has no share groups: " + history.unavailable;
					since = history.unavailableAt;
				}
				else if (share && history.stopReason != null) {
					problem = shareStopProblem(history.stopReason);
					since = history.stopReasonAt;
					// Its consumers are gone for good, whatever the container says.
					running = false;
				}
				else if (!history.failedToStart.isEmpty()) {
					problem = "The consumer thread did not start within the container's consumerStartTimeout; "
							+ "the listener task executor may lack threads";
					since = history.failedToStartAt;
				}
				else if (running && history.isNonResponsive(now)) {
					problem = "The consumer has not polled for " + history.timeSinceLastPoll
							+ " ms (more than pollTimeout x noPollThreshold)";
					since = history.nonResponsiveSince;
				}
				else if (running && history.authRetry != null) {
					problem = "The consumer is retrying after an "
							+ history.authRetry.name().toLowerCase(java.util.Locale.ROOT) + " failure";
					since = history.authRetryAt;
				}
			}
		}
		else if (!expected) {
			problem = stopProblem(null);
		}
		ListenerContainerState.State state;
		if (running) {
			state = !pauseRequested ? ListenerContainerState.State.RUNNING
					: (paused ? ListenerContainerState.State.PAUSED : ListenerContainerState.State.PAUSING);
		}
		else if (problem != null) {
			state = ListenerContainerState.State.FAILED;
		}
		else {
			state = everStarted ? ListenerContainerState.State.STOPPED : ListenerContainerState.State.NOT_STARTED;
		}
		return new ListenerContainerState(idOf(container), client, ask(container::getGroupId, null), topics(container),
				state, problem, since, running ? assignedPartitions(container) : List.of(), idleSince);
	}

	private Map<MessageListenerContainer, @Nullable String> containers() {
		Map<MessageListenerContainer, @Nullable String> containers = new IdentityHashMap<>();
		for (String client : this.clients.names()) {
			this.clientContainers.containers(client).forEach((container) -> containers.put(container, client));
		}
		Set<MessageListenerContainer> others = Collections.newSetFromMap(new IdentityHashMap<>());
		this.registries.orderedStream().forEach((registry) -> others.addAll(registry.getAllListenerContainers()));
		synchronized (this.histories) {
			others.addAll(this.histories.keySet());
		}
		for (MessageListenerContainer container : others) {
			if (!containers.containsKey(container)) {
				containers.put(container, this.clientContainers.clientOf(container).orElse(null));
			}
		}
		return containers;
	}

	private static String shareStopProblem(ConsumerStoppedEvent.Reason reason) {
		if (reason == ConsumerStoppedEvent.Reason.ERROR) {
			return "A share consumer stopped: the listener or the consumer threw an Error; the container does not "
					+ "replace it";
		}
		return "A share consumer stopped on an exception (see the log); the container does not replace it";
	}

	private static String stopProblem(ConsumerStoppedEvent.@Nullable Reason reason) {
		if (reason == null) {
			return "The container stopped abnormally";
		}
		return switch (reason) {
			case ERROR -> "The container stopped: the listener or the consumer threw an Error";
			case FENCED -> "The container stopped: its transactional producer or static member was fenced";
			case AUTH -> "The container stopped: authentication or authorization failed";
			case NO_OFFSET -> "The container stopped: no committed offset and no auto.offset.reset policy";
			default -> "The container stopped abnormally";
		};
	}

	static String idOf(MessageListenerContainer container) {
		String id = ask(container::getListenerId, null);
		return (id != null) ? id : container.getClass().getSimpleName() + "@"
				+ Integer.toHexString(System.identityHashCode(container));
	}

	private static List<String> topics(MessageListenerContainer container) {
		ContainerProperties properties = ask(container::getContainerProperties, null);
		if (properties == null) {
			return List.of();
		}
		if (properties.getTopics() != null) {
			return List.of(properties.getTopics());
		}
		if (properties.getTopicPattern() != null) {
			return List.of(properties.getTopicPattern().pattern());
		}
		if (properties.getTopicPartitions() != null) {
			return Arrays.stream(properties.getTopicPartitions())
				.map((partition) -> partition.getTopic() + "-" + partition.getPartition())
				.toList();
		}
		return List.of();
	}

	private static List<String> assignedPartitions(MessageListenerContainer container) {
		Collection<TopicPartition> assigned = ask(container::getAssignedPartitions, null);
		if (assigned == null) {
			return List.of();
		}
		return assigned.stream().map(TopicPartition::toString).sorted().toList();
	}

	private static @Nullable Object containerOf(KafkaEvent event) {
		try {
			// The container the event is about: a concurrent container for its consumers'
			// events.
			return event.getContainer(Object.class);
		}
		catch (IllegalArgumentException ex) {
			// An event published without a container.
			return null;
		}
	}

	private static int monitorInterval(KafkaEvent event) {
		Object source = event.getSource();
		if (source instanceof MessageListenerContainer container) {
			return ask(() -> container.getContainerProperties().getMonitorInterval(), 30);
		}
		return 30;
	}

	// Containers of other kinds (share containers, custom ones) do not support every query.
	private static <T> T ask(Supplier<T> query, T otherwise) {
		try {
			T answer = query.get();
			return (answer != null) ? answer : otherwise;
		}
		catch (UnsupportedOperationException ex) {
			return otherwise;
		}
	}

	/**
	 * What the events said about one container since it last started.
	 */
	private static final class History {

		@Nullable Instant startedAt;

		@Nullable Instant stoppedAt;

		ConsumerStoppedEvent.@Nullable Reason stopReason;

		@Nullable Instant stopReasonAt;

		// The consumers (child containers) whose thread did not start in time, until they do.
		final Set<Object> failedToStart = Collections.newSetFromMap(new IdentityHashMap<>());

		@Nullable Instant failedToStartAt;

		@Nullable Instant nonResponsiveSince;

		@Nullable Instant nonResponsiveAt;

		long timeSinceLastPoll;

		Duration nonResponsiveFor = Duration.ZERO;

		ConsumerRetryAuthEvent.@Nullable Reason authRetry;

		@Nullable Instant authRetryAt;

		@Nullable Instant idleSince;

		// Why a share container did not start its consumers, until it starts them.
		@Nullable String unavailable;

		@Nullable Instant unavailableAt;

		void started(Instant now) {
			if (this.startedAt == null || this.stoppedAt != null || this.stopReason != null) {
				// A (re)start: what went wrong before is history.
				this.startedAt = now;
				this.failedToStart.clear();
			}
			this.stoppedAt = null;
			this.stopReason = null;
			this.stopReasonAt = null;
			this.nonResponsiveAt = null;
			this.nonResponsiveSince = null;
			this.authRetry = null;
			this.idleSince = null;
			this.unavailable = null;
			this.unavailableAt = null;
		}

		void unavailable(String reason, Instant now) {
			if (this.unavailable == null) {
				this.unavailableAt = now;
			}
			this.unavailable = reason;
		}

		void consumerStopped(ConsumerStoppedEvent.Reason reason, Instant now) {
			// Keep the first abnormal reason: the other consumers of a concurrent container
			// then stop as ABNORMAL because of it.
			if (reason != ConsumerStoppedEvent.Reason.NORMAL && this.stopReason == null) {
				this.stopReason = reason;
				this.stopReasonAt = now;
			}
			containerStopped(now);
		}

		void containerStopped(Instant now) {
			if (this.stoppedAt == null) {
				this.stoppedAt = now;
			}
			// A stopped container's consumers are gone; a new start creates new ones.
			this.failedToStart.clear();
			this.nonResponsiveAt = null;
			this.nonResponsiveSince = null;
			this.authRetry = null;
			this.idleSince = null;
		}

		void nonResponsive(Instant now, long timeSinceLastPoll, int monitorIntervalSeconds) {
			if (this.nonResponsiveAt == null) {
				this.nonResponsiveSince = now;
			}
			this.nonResponsiveAt = now;
			this.timeSinceLastPoll = timeSinceLastPoll;
			// The monitor publishes the event every monitor interval while the consumer
			// does not poll; without one for two intervals, it polls again.
			this.nonResponsiveFor = Duration.ofSeconds(Math.max(1, monitorIntervalSeconds)).multipliedBy(2);
		}

		boolean isNonResponsive(Instant now) {
			return this.nonResponsiveAt != null && this.nonResponsiveAt.plus(this.nonResponsiveFor).isAfter(now);
		}

	}

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

}
