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
import io.github.kafkastarter.autoconfigure.parallel.ParallelListeners;
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
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
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
 * For the Kafka console (and anyone else):
 * <ul>
 * <li>{@code GET /actuator/kafka/lag-history/{client}}: the client's lag of the last
 * hour, group totals per refresh;</li>
 * <li>{@code GET /actuator/kafka/topics/{client}}: the client's cluster (id, brokers,
 * controller) and topics (partitions, leaders, replicas, in-sync replicas, offsets);</li>
 * <li>{@code GET /actuator/kafka/console/settings}: whether write operations and records
 * are allowed, and why not;</li>
 * <li>{@code GET /actuator/kafka/records/{client}/{topic}/{partition}?limit=20}: the last
 * records of a partition, and {@code POST /actuator/kafka/records/{client}/{topic}} with
 * {@code {"key": ..., "value": ..., "headers": "name: value\n...", "partition": ...}}: send a
 * record;
 * both only when {@code kafka.starter.console.records} is on (by default only with the
 * dev broker), as records can hold personal data.</li>
 * </ul>
 * Read-only by default, as an operation that stops consumption should be a deliberate
 * choice: {@code management.endpoint.kafka.access=unrestricted} allows the write
 * operations.
 */
@Endpoint(id = "kafka", defaultAccess = Access.READ_ONLY)
public class KafkaEndpoint {

	private static final Log logger = LogFactory.getLog(KafkaEndpoint.class);

	private final KafkaClients clients;

	private final ListenerContainerStates containers;

	private final ObjectProvider<LagMonitorRegistry> lagMonitors;

	private final KafkaConfigurationSanitizer sanitizer;

	private final Duration timeout;

	private final ConsoleSettings console;

	private final ConsoleTopics topics;

	private final ConsoleRecords records;

	private final Supplier<@Nullable GroupActivity> groupActivity;

	private final Supplier<@Nullable ParallelListeners> parallelListeners;

	KafkaEndpoint(KafkaClients clients, ListenerContainerStates containers,
			ObjectProvider<LagMonitorRegistry> lagMonitors, KafkaConfigurationSanitizer sanitizer, Duration timeout) {
		this(clients, containers, lagMonitors, sanitizer, timeout, ConsoleSettings.READ_ONLY);
	}

	KafkaEndpoint(KafkaClients clients, ListenerContainerStates containers,
			ObjectProvider<LagMonitorRegistry> lagMonitors, KafkaConfigurationSanitizer sanitizer, Duration timeout,
			ConsoleSettings console) {
		this(clients, containers, lagMonitors, sanitizer, timeout, console, () -> null);
	}

	KafkaEndpoint(KafkaClients clients, ListenerContainerStates containers,
			ObjectProvider<LagMonitorRegistry> lagMonitors, KafkaConfigurationSanitizer sanitizer, Duration timeout,
			ConsoleSettings console, Supplier<@Nullable GroupActivity> groupActivity) {
		this(clients, containers, lagMonitors, sanitizer, timeout, console, groupActivity, () -> null);
	}

	KafkaEndpoint(KafkaClients clients, ListenerContainerStates containers,
			ObjectProvider<LagMonitorRegistry> lagMonitors, KafkaConfigurationSanitizer sanitizer, Duration timeout,
			ConsoleSettings console, Supplier<@Nullable GroupActivity> groupActivity,
			Supplier<@Nullable ParallelListeners> parallelListeners) {
		this.clients = clients;
		this.containers = containers;
		this.lagMonitors = lagMonitors;
		this.sanitizer = sanitizer;
		this.timeout = timeout;
		this.console = console;
		this.topics = new ConsoleTopics(timeout);
		this.records = new ConsoleRecords(timeout);
		this.groupActivity = groupActivity;
		this.parallelListeners = parallelListeners;
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

	/**
	 * A view of the console: {@code lag-history/{client}}, {@code topics/{client}} or
	 * {@code console/settings}.
	 * @param view {@code lag-history}, {@code topics} or {@code console}
	 * @param name the client, or {@code settings}
	 * @return the view, or {@code null} (404) for an unknown view or client
	 */
	@ReadOperation
	public @Nullable Object view(@Selector String view, @Selector String name) {
		return switch (view) {
			case "lag-history" -> lagHistory(name);
			case "topics" -> topics(name);
			case "console" -> "settings".equals(name) ? this.console : null;
			default -> null;
		};
	}

	private @Nullable List<LagSnapshot> lagHistory(String client) {
		LagMonitorRegistry monitors = this.lagMonitors.getIfAvailable();
		if (monitors == null || !this.clients.contains(client)) {
			return null;
		}
		return monitors.forClient(client)
			.map(ClientLagMonitor::history)
			.orElse(List.of())
			.stream()
			.map((snapshot) -> (snapshot.lastError() != null) ? new LagSnapshot(snapshot.client(),
					snapshot.refreshedAt(), snapshot.stale(), KafkaSecrets.mask(snapshot.lastError(), secrets(client)),
					snapshot.groups()) : snapshot)
			.toList();
	}

	private @Nullable ClusterDescriptor topics(String client) {
		if (!this.clients.contains(client)) {
			return null;
		}
		try {
			return this.topics.describe(admin(client));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ClusterDescriptor.failed("Interrupted");
		}
		catch (ExecutionException ex) {
			return ClusterDescriptor.failed(error(client, (ex.getCause() != null) ? ex.getCause() : ex));
		}
		catch (TimeoutException ex) {
			return ClusterDescriptor.failed("No answer from the brokers within " + this.timeout);
		}
		catch (RuntimeException ex) {
			return ClusterDescriptor.failed(error(client, ex));
		}
	}

	/**
	 * The last records of a partition, newest first; only when
	 * {@code kafka.starter.console.records} is on.
	 * @param view {@code records}
	 * @param client the client
	 * @param topic the topic
	 * @param partition the partition
	 * @param limit how many records at most (default 20, at most 100)
	 * @return the records, or {@code null} (404) for an unknown view or client
	 * @throws InvalidEndpointRequestException when records are off
	 */
	@ReadOperation
	public @Nullable RecordsDescriptor records(@Selector String view, @Selector String client, @Selector String topic,
			@Selector int partition, @Nullable Integer limit) {
		if (!"records".equals(view) || !this.clients.contains(client)) {
			return null;
		}
		requireRecords();
		try {
			return this.records.read(this.clients.get(client), topic, partition, limit);
		}
		catch (RuntimeException ex) {
			return new RecordsDescriptor(topic, partition, 0, 0, List.of(), error(client, ex));
		}
	}

	/**
	 * Sends a record, as UTF-8 text, with the client's producer settings; only when
	 * {@code kafka.starter.console.records} is on.
	 * @param view {@code records}
	 * @param client the client
	 * @param topic the topic
	 * @param key the key, or {@code null}
	 * @param value the value, or {@code null}
	 * @param headers the headers, one {@code name: value} a line
	 * @param partition the partition, or {@code null} for the client's partitioner
	 * @return where the record was written, or {@code null} (404) for an unknown view or
	 * client
	 * @throws InvalidEndpointRequestException when records are off
	 */
	@WriteOperation
	public @Nullable SentRecordDescriptor send(@Selector String view, @Selector String client, @Selector String topic,
			@Nullable String key, @Nullable String value, @Nullable String headers,
			@Nullable Integer partition) {
		if (!"records".equals(view) || !this.clients.contains(client)) {
			return null;
		}
		requireRecords();
		try {
			return this.records.send(this.clients.get(client), topic, partition, key, value, headers);
		}
		catch (RuntimeException ex) {
			return new SentRecordDescriptor(topic, partition, null, null, error(client, ex));
		}
	}

	boolean recordsEnabled() {
		return this.console.records();
	}

	private void requireRecords() {
		if (!this.console.records()) {
			throw new InvalidEndpointRequestException(ConsoleSettings.RECORDS_OFF, ConsoleSettings.RECORDS_OFF);
		}
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
				text(state.idleSince()), parallel(state.id()));
	}

	private @Nullable ParallelDescriptor parallel(String listenerId) {
		ParallelListeners listeners = this.parallelListeners.get();
		return (listeners != null) ? listeners.get(listenerId).map(ParallelDescriptor::of).orElse(null) : null;
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
	 * @param parallel what a parallel listener is doing; {@code null} for other listeners
	 */
	public record ContainerDescriptor(String id, @Nullable String client, @Nullable String groupId,
			List<String> topics, String state, boolean healthy, @Nullable String problem, @Nullable String since,
			List<String> assignedPartitions, @Nullable String idleSince,
			@Nullable ParallelDescriptor parallel) implements OperationResponseBody {

	}

	/**
	 * What a parallel listener is doing right now.
	 *
	 * @param inFlight records taken and not finished
	 * @param running records running in the listener
	 * @param held records held in memory until they can be committed
	 * @param maxInFlight the most records it holds at once
	 * @param finished records finished since it started
	 * @param full whether its partitions are paused because it holds max-in-flight records
	 */
	public record ParallelDescriptor(int inFlight, int running, int held, int maxInFlight, long finished,
			boolean full) {

		static ParallelDescriptor of(ParallelListeners.Stats stats) {
			return new ParallelDescriptor(stats.inFlight(), stats.running(), stats.held(), stats.maxInFlight(),
					stats.finished(), stats.paused());
		}

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
	 * What the endpoint allows, for the console.
	 *
	 * @param writeOperations whether write operations (pause, resume, stop, start, send) are
	 * allowed by {@code management.endpoint.kafka.access}
	 * @param writeOperationsReason why not, when they are not
	 * @param records whether records can be read and sent
	 * @param recordsReason why not, when they cannot
	 */
	public record ConsoleSettings(boolean writeOperations, @Nullable String writeOperationsReason, boolean records,
			@Nullable String recordsReason) implements OperationResponseBody {

		static final String READ_ONLY_ACCESS = "The kafka endpoint is read-only: set "
				+ "management.endpoint.kafka.access=unrestricted to operate listeners and send records.";

		static final String RECORDS_OFF = "Records are off: set kafka.starter.console.records=true to read and send "
				+ "records through the kafka endpoint (on by default only with the dev broker, as records can hold "
				+ "personal data).";

		static final ConsoleSettings READ_ONLY = of(false, false);

		static ConsoleSettings of(boolean writeOperations, boolean records) {
			return new ConsoleSettings(writeOperations, writeOperations ? null : READ_ONLY_ACCESS, records,
					records ? null : RECORDS_OFF);
		}

	}

	/**
	 * A client's cluster and topics.
	 *
	 * @param clusterId the cluster id
	 * @param controller the controller, {@code host:port (id n)}
	 * @param brokers the brokers
	 * @param topics the topics, internal ones left out, by name
	 * @param error why the cluster could not be described, or {@code null}
	 */
	public record ClusterDescriptor(@Nullable String clusterId, @Nullable String controller, List<String> brokers,
			List<TopicDescriptor> topics, @Nullable String error) implements OperationResponseBody {

		static ClusterDescriptor failed(String error) {
			return new ClusterDescriptor(null, null, List.of(), List.of(), error);
		}

	}

	/**
	 * One topic.
	 *
	 * @param name its name
	 * @param partitions its partitions
	 */
	public record TopicDescriptor(String name, List<TopicPartitionDescriptor> partitions) {

	}

	/**
	 * One partition of a topic.
	 *
	 * @param partition the partition
	 * @param leader the leader's broker id, or {@code null} without a leader
	 * @param replicas the replicas' broker ids
	 * @param inSyncReplicas the in-sync replicas' broker ids
	 * @param startOffset the earliest offset
	 * @param endOffset the end offset (the offset of the next record to be written)
	 */
	public record TopicPartitionDescriptor(int partition, @Nullable Integer leader, List<Integer> replicas,
			List<Integer> inSyncReplicas, @Nullable Long startOffset, @Nullable Long endOffset) {

	}

	/**
	 * The last records of a partition.
	 *
	 * @param topic the topic
	 * @param partition the partition
	 * @param fromOffset the first offset read
	 * @param endOffset the end offset when read
	 * @param records the records, newest first
	 * @param error why they could not be read, or {@code null}
	 */
	public record RecordsDescriptor(String topic, int partition, long fromOffset, long endOffset,
			List<RecordDescriptor> records, @Nullable String error) implements OperationResponseBody {

	}

	/**
	 * One record, its key, value and headers as text: UTF-8, or Base64 prefixed
	 * {@code base64:}, cut after 10,000 bytes.
	 *
	 * @param offset its offset
	 * @param timestamp its timestamp
	 * @param key its key
	 * @param value its value
	 * @param valueSize the value's size in bytes, -1 for a null value
	 * @param valueTruncated whether the value was cut
	 * @param headers its headers
	 */
	public record RecordDescriptor(long offset, String timestamp, @Nullable String key, @Nullable String value,
			int valueSize, boolean valueTruncated, Map<String, @Nullable String> headers) {

	}

	/**
	 * Where a record was sent.
	 *
	 * @param topic the topic
	 * @param partition the partition
	 * @param offset its offset
	 * @param timestamp its timestamp
	 * @param error why it could not be sent, or {@code null}
	 */
	public record SentRecordDescriptor(String topic, @Nullable Integer partition, @Nullable Long offset,
			@Nullable String timestamp, @Nullable String error) implements OperationResponseBody {

		SentRecordDescriptor(String topic, int partition, long offset, String timestamp) {
			this(topic, partition, (Long) offset, timestamp, null);
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
