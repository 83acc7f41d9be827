package io.github.kafkastarter.autoconfigure.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.client.KafkaSecrets;
import io.github.kafkastarter.autoconfigure.groupactivity.GroupActivity;
import io.github.kafkastarter.autoconfigure.health.ListenerContainerStates.ListenerContainerState;
import io.github.kafkastarter.autoconfigure.health.ListenerContainerStates;
import io.github.kafkastarter.autoconfigure.lag.ClientLagMonitor;
import io.github.kafkastarter.autoconfigure.lag.LagMonitorRegistry;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.GroupLag;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeShareGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.kafka.listener.AbstractShareKafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The {@code kafka} actuator endpoint.
 * <ul>
 * <li>{@code GET /actuator/kafka}: every client (bootstrap servers, effective producer,
 * consumer and admin configuration, secrets masked), every listener container, every
 * consumer group in use (described by the broker, within
 * {@code kafka.starter.endpoint.timeout}), the lag monitor's latest snapshot and, per
 * group, the rebalances, commit failures and idle consumers this application saw;</li>
 * <li>{@code GET /actuator/kafka/{id}}: one listener container;</li>
 * <li>{@code POST /actuator/kafka/{id}} with {@code {"action": "pause"}} (or
 * {@code resume}, {@code stop}, {@code start}): operate a listener container.</li>
 * </ul>
 * Read-only by default, as an operation that stops consumption should be a deliberate
 * choice: {@code management.endpoint.kafka.access=unrestricted} allows the write
 * operation.
 */
@Endpoint(id = "kafka", defaultAccess = Access.READ_ONLY)
public class KafkaEndpoint {

	private static final Log logger = LogFactory.getLog(KafkaEndpoint.class);

	private final KafkaClients clients;

	private final ListenerContainerStates containers;

	private final ObjectProvider<LagMonitorRegistry> lagMonitors;

	private final KafkaConfigurationSanitizer sanitizer;

	private final Duration timeout;

	private final Supplier<@Nullable GroupActivity> groupActivity;

	KafkaEndpoint(KafkaClients clients, ListenerContainerStates containers,
			ObjectProvider<LagMonitorRegistry> lagMonitors, KafkaConfigurationSanitizer sanitizer, Duration timeout) {
		this(clients, containers, lagMonitors, sanitizer, timeout, () -> null);
	}

	KafkaEndpoint(KafkaClients clients, ListenerContainerStates containers,
			ObjectProvider<LagMonitorRegistry> lagMonitors, KafkaConfigurationSanitizer sanitizer, Duration timeout,
			Supplier<@Nullable GroupActivity> groupActivity) {
		this.clients = clients;
		this.containers = containers;
		this.lagMonitors = lagMonitors;
		this.sanitizer = sanitizer;
		this.timeout = timeout;
		this.groupActivity = groupActivity;
	}

	/**
	 * Everything the endpoint knows, in one read.
	 * @return the clients, containers, consumer groups and lag
	 */
	@ReadOperation
	public KafkaDescriptor kafka() {
		Map<String, ClientDescriptor> clients = new LinkedHashMap<>();
		for (KafkaClient client : this.clients) {
			clients.put(client.name(), describe(client));
		}
		List<ListenerContainerState> states = this.containers.states();
		List<ContainerDescriptor> containers = states.stream().map(this::describe).toList();
		return new KafkaDescriptor(clients, containers, describeGroups(states), lag(), groupActivity());
	}

	/**
	 * One listener container.
	 * @param id the listener id
	 * @return the container, or {@code null} (404) when there is none with that id
	 */
	@ReadOperation
	public @Nullable ContainerDescriptor container(@Selector String id) {
		return this.containers.container(id).map(this.containers::state).map(this::describe).orElse(null);
	}

	/**
	 * Pauses, resumes, stops or starts a listener container. A container stopped here is
	 * stopped on purpose: listener health stays {@code UP}.
	 * @param id the listener id
	 * @param action what to do
	 * @return the container afterwards, or {@code null} (404) when there is none with that
	 * id
	 */
	@WriteOperation
	public @Nullable ContainerDescriptor operate(@Selector String id, ContainerAction action) {
		MessageListenerContainer container = this.containers.container(id).orElse(null);
		if (container == null) {
			return null;
		}
		logger.info("Kafka listener container '" + id + "': " + action.name().toLowerCase(java.util.Locale.ROOT)
				+ " requested through the actuator endpoint");
		switch (action) {
			case PAUSE -> container.pause();
			case RESUME -> container.resume();
			// Waits for the consumers to stop, up to the container's shutdown timeout.
			case STOP -> container.stop();
			case START -> container.start();
		}
		return describe(this.containers.state(container));
	}

	private ClientDescriptor describe(KafkaClient client) {
		return new ClientDescriptor(client.bootstrapServers(),
				configuration(() -> client.producerFactory().getConfigurationProperties()),
				configuration(() -> client.consumerFactory().getConfigurationProperties()),
				configuration(() -> client.admin().getConfigurationProperties()));
	}

	private Map<String, @Nullable Object> configuration(ConfigurationSource source) {
		try {
			return this.sanitizer.sanitize(source.get());
		}
		catch (RuntimeException ex) {
			// The client has no such bean (a replaced or absent factory).
			return Map.of();
		}
	}

	private ContainerDescriptor describe(ListenerContainerState state) {
		return new ContainerDescriptor(state.id(), state.client(), state.groupId(), state.topics(),
				state.state().name(), state.healthy(), state.problem(), text(state.since()), state.assignedPartitions(),
				text(state.idleSince()));
	}

	private Map<String, Map<String, GroupDescriptor>> describeGroups(List<ListenerContainerState> states) {
		Map<String, Set<String>> groupsByClient = new LinkedHashMap<>();
		Map<String, Set<String>> shareGroupsByClient = new LinkedHashMap<>();
		for (ListenerContainerState state : states) {
			if (state.client() != null && state.groupId() != null && !state.groupId().isEmpty()) {
				// Share groups are not consumer groups: the broker describes them apart.
				boolean share = this.containers.container(state.id())
					.filter(AbstractShareKafkaMessageListenerContainer.class::isInstance)
					.isPresent();
				(share ? shareGroupsByClient : groupsByClient)
					.computeIfAbsent(state.client(), (client) -> new LinkedHashSet<>())
					.add(state.groupId());
			}
		}
		Set<String> allClients = new LinkedHashSet<>(groupsByClient.keySet());
		allClients.addAll(shareGroupsByClient.keySet());
		long deadline = System.nanoTime() + this.timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
		int timeoutMs = (int) Math.min(Integer.MAX_VALUE, this.timeout.toMillis());
		Map<String, Map<String, KafkaFuture<GroupDescriptor>>> pending = new LinkedHashMap<>();
		Map<String, Map<String, GroupDescriptor>> described = new LinkedHashMap<>();
		// Ask every client's cluster first, then wait: clusters answer in parallel.
		for (String client : allClients) {
			Set<String> groups = groupsByClient.getOrDefault(client, Set.of());
			Set<String> shareGroups = shareGroupsByClient.getOrDefault(client, Set.of());
			Map<String, KafkaFuture<GroupDescriptor>> futures = new LinkedHashMap<>();
			try {
				if (!groups.isEmpty()) {
					admin(client)
						.describeConsumerGroups(groups, new DescribeConsumerGroupsOptions().timeoutMs(timeoutMs))
						.describedGroups()
						.forEach((group, future) -> futures.put(group, future.thenApply(GroupDescriptor::of)));
				}
				if (!shareGroups.isEmpty()) {
					admin(client).describeShareGroups(shareGroups, new DescribeShareGroupsOptions().timeoutMs(timeoutMs))
						.describedGroups()
						.forEach((group, future) -> futures.put(group, future.thenApply(GroupDescriptor::ofShare)));
				}
				pending.put(client, futures);
			}
			catch (RuntimeException ex) {
				Map<String, GroupDescriptor> failed = new LinkedHashMap<>();
				groups.forEach((group) -> failed.put(group, GroupDescriptor.failed(group, error(client, ex))));
				shareGroups.forEach((group) -> failed.put(group, GroupDescriptor.failed(group, error(client, ex))));
				described.put(client, failed);
			}
		}
		pending.forEach((client, futures) -> {
			Map<String, GroupDescriptor> groups = new LinkedHashMap<>();
			futures.forEach((group, future) -> groups.put(group, await(client, group, future, deadline)));
			described.put(client, groups);
		});
		Map<String, Map<String, GroupDescriptor>> ordered = new LinkedHashMap<>();
		allClients.forEach((client) -> ordered.put(client, described.get(client)));
		return ordered;
	}

	private GroupDescriptor await(String client, String group, KafkaFuture<GroupDescriptor> future, long deadline) {
		try {
			long remaining = Math.max(0, deadline - System.nanoTime());
			return future.get(remaining, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return GroupDescriptor.failed(group, "Interrupted");
		}
		catch (ExecutionException ex) {
			return GroupDescriptor.failed(group, error(client, (ex.getCause() != null) ? ex.getCause() : ex));
		}
		catch (TimeoutException ex) {
			return GroupDescriptor.failed(group, "No answer from the brokers within " + this.timeout);
		}
	}

	private @Nullable Map<String, Map<String, Map<String, Object>>> groupActivity() {
		GroupActivity activity = this.groupActivity.get();
		if (activity == null) {
			return null;
		}
		Map<String, Map<String, Map<String, Object>>> byClient = new LinkedHashMap<>();
		for (KafkaClient client : this.clients) {
			Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
			activity.groups(client.name()).forEach((group) -> groups.put(group.groupId(), group.details()));
			if (!groups.isEmpty()) {
				byClient.put(client.name(), groups);
			}
		}
		return byClient;
	}

	private @Nullable Map<String, LagDescriptor> lag() {
		LagMonitorRegistry monitors = this.lagMonitors.getIfAvailable();
		if (monitors == null) {
			return null;
		}
		Map<String, LagDescriptor> lag = new LinkedHashMap<>();
		for (ClientLagMonitor monitor : monitors.all()) {
			LagSnapshot snapshot = monitor.snapshot();
			String lastError = (snapshot.lastError() != null) ? KafkaSecrets.mask(snapshot.lastError(),
					secrets(monitor.client())) : null;
			lag.put(monitor.client(), new LagDescriptor(text(snapshot.refreshedAt()), snapshot.stale(), lastError,
					snapshot.groups()));
		}
		return lag;
	}

	// The client's own admin; each call is bounded by the endpoint's timeout.
	private Admin admin(String clientName) {
		return this.clients.get(clientName).sharedAdmin();
	}

	private String error(String client, Throwable failure) {
		return KafkaSecrets.describe(failure, secrets(client));
	}

	private List<String> secrets(String client) {
		try {
			return KafkaSecrets.values(this.clients.get(client).adminConfig());
		}
		catch (RuntimeException ex) {
			return List.of();
		}
	}

	private static @Nullable String text(@Nullable Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

	@FunctionalInterface
	private interface ConfigurationSource {

		Map<String, Object> get();

	}

	/**
	 * What the write operation does to a listener container.
	 */
	public enum ContainerAction {

		/**
		 * Pause consumption; the consumers keep their partitions.
		 */
		PAUSE,

		/**
		 * Resume a paused container.
		 */
		RESUME,

		/**
		 * Stop the container on purpose; its consumers leave the group.
		 */
		STOP,

		/**
		 * Start a stopped container.
		 */
		START

	}

	/**
	 * The endpoint's whole answer.
	 *
	 * @param clients every client, by name
	 * @param containers every listener container
	 * @param consumerGroups the consumer groups of the containers, by client and group id
	 * @param lag the lag monitor's snapshot per client, or {@code null} without a lag
	 * monitor
	 * @param groupActivity per client and group, its rebalances (and storm), offset commit
	 * failures and idle consumers, or {@code null} when they are not watched
	 */
	public record KafkaDescriptor(Map<String, ClientDescriptor> clients, List<ContainerDescriptor> containers,
			Map<String, Map<String, GroupDescriptor>> consumerGroups, @Nullable Map<String, LagDescriptor> lag,
			@Nullable Map<String, Map<String, Map<String, Object>>> groupActivity) implements OperationResponseBody {

	}

	/**
	 * One client.
	 *
	 * @param bootstrapServers where it connects
	 * @param producer its producer factory's configuration, secrets masked
	 * @param consumer its consumer factory's configuration, secrets masked
	 * @param admin its admin's configuration, secrets masked
	 */
	public record ClientDescriptor(List<String> bootstrapServers, Map<String, @Nullable Object> producer,
			Map<String, @Nullable Object> consumer, Map<String, @Nullable Object> admin) {

	}

	/**
	 * One listener container.
	 *
	 * @param id the listener id, which the write operation takes
	 * @param client its client, or {@code null} when unknown
	 * @param groupId its consumer group
	 * @param topics the topics (or pattern, or partitions) it listens to
	 * @param state its state
	 * @param healthy whether it is in the state it should be in
	 * @param problem what is wrong, when it is not
	 * @param since when the state or the problem began
	 * @param assignedPartitions the partitions its consumers hold
	 * @param idleSince since when no record arrived, when it publishes idle events
	 */
	public record ContainerDescriptor(String id, @Nullable String client, @Nullable String groupId,
			List<String> topics, String state, boolean healthy, @Nullable String problem, @Nullable String since,
			List<String> assignedPartitions, @Nullable String idleSince) implements OperationResponseBody {

	}

	/**
	 * One consumer or share group, as the broker describes it.
	 *
	 * @param groupId the group
	 * @param state the group's state ({@code Stable}, {@code PreparingRebalance}, ...)
	 * @param type {@code Consumer} (KIP-848), {@code Classic} or {@code Share} (KIP-932)
	 * @param coordinator the coordinator broker, {@code host:port (id n)}
	 * @param assignor the partition assignor
	 * @param members the members and their assignments
	 * @param error why the group could not be described, or {@code null}
	 */
	public record GroupDescriptor(String groupId, @Nullable String state, @Nullable String type,
			@Nullable String coordinator, @Nullable String assignor, List<MemberDescriptor> members,
			@Nullable String error) {

		static GroupDescriptor of(ConsumerGroupDescription group) {
			return new GroupDescriptor(group.groupId(), String.valueOf(group.groupState()),
					String.valueOf(group.type()), describe(group.coordinator()), group.partitionAssignor(),
					group.members().stream().map(MemberDescriptor::of).toList(), null);
		}

		private static @Nullable String describe(@Nullable Node coordinator) {
			return (coordinator != null && !coordinator.isEmpty())
					? coordinator.host() + ":" + coordinator.port() + " (id " + coordinator.idString() + ")" : null;
		}

		private static List<String> sorted(Collection<TopicPartition> partitions) {
			List<String> names = new ArrayList<>(partitions.stream().map(TopicPartition::toString).toList());
			names.sort(null);
			return names;
		}

		static GroupDescriptor ofShare(ShareGroupDescription group) {
			List<MemberDescriptor> members = group.members()
				.stream()
				.map((member) -> new MemberDescriptor(member.consumerId(), null, member.clientId(), member.host(),
						sorted(member.assignment().topicPartitions())))
				.toList();
			return new GroupDescriptor(group.groupId(), String.valueOf(group.groupState()), "Share",
					describe(group.coordinator()), null, members, null);
		}

		static GroupDescriptor failed(String groupId, String error) {
			return new GroupDescriptor(groupId, null, null, null, null, List.of(), error);
		}

	}

	/**
	 * One member of a consumer group.
	 *
	 * @param memberId the member id
	 * @param groupInstanceId the static membership id, if any
	 * @param clientId the consumer's client id
	 * @param host the consumer's host
	 * @param assignment the partitions assigned to it
	 */
	public record MemberDescriptor(String memberId, @Nullable String groupInstanceId, String clientId, String host,
			List<String> assignment) {

		static MemberDescriptor of(MemberDescription member) {
			return new MemberDescriptor(member.consumerId(), member.groupInstanceId().orElse(null),
					member.clientId(), member.host(), GroupDescriptor.sorted(member.assignment().topicPartitions()));
		}

	}

	/**
	 * The lag monitor's latest snapshot of one client.
	 *
	 * @param refreshedAt when the data was fetched, or {@code null} before the first
	 * refresh
	 * @param stale whether the last refresh failed
	 * @param lastError why it failed, secrets masked
	 * @param groups every monitored group, with its partitions and statuses
	 */
	public record LagDescriptor(@Nullable String refreshedAt, boolean stale, @Nullable String lastError,
			List<GroupLag> groups) {

	}

}
