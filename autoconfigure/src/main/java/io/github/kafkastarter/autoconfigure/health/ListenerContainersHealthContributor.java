package io.github.kafkastarter.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.github.kafkastarter.autoconfigure.groupactivity.GroupActivity;
import io.github.kafkastarter.autoconfigure.health.ListenerContainerStates.ListenerContainerState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Listener container health, one entry per client that has listener containers (and
 * {@value #OTHER} for containers no client factory created). A client is {@code DOWN}
 * when one of its containers is not in the state it should be in: stopped abnormally
 * (an {@code Error}, fenced, authentication, no offset), failed to start, not polling,
 * retrying after an authentication failure, or, for a share-group container, a consumer
 * that stopped or a cluster without share groups. A container paused or stopped on purpose
 * is {@code UP}. The details also show, per consumer group, its rebalances (and a
 * rebalance storm), its offset commit failures and its idle consumers
 * ({@link GroupActivity}): warnings that leave the status {@code UP}, unless
 * {@code kafka.starter.group-activity.commit-failures-down} is set and commits keep failing.
 * Containers appear as they are created, so the entries are computed on each
 * call, from memory.
 */
final class ListenerContainersHealthContributor implements CompositeHealthContributor {

	static final String OTHER = "_other";

	private final ListenerContainerStates states;

	private final Supplier<@Nullable GroupActivity> groups;

	ListenerContainersHealthContributor(ListenerContainerStates states) {
		this(states, () -> null);
	}

	/**
	 * Creates the contributor.
	 * @param states the containers' states
	 * @param groups what happens in their consumer groups (rebalance storms, commit
	 * failures, idle consumers), shown as details; {@code null} when not watched
	 */
	ListenerContainersHealthContributor(ListenerContainerStates states, Supplier<@Nullable GroupActivity> groups) {
		this.states = states;
		this.groups = groups;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		return byClient().containsKey(name) ? new ClientContainersHealthIndicator(name) : null;
	}

	@Override
	public Stream<Entry> stream() {
		return byClient().keySet()
			.stream()
			.map((client) -> new Entry(client, new ClientContainersHealthIndicator(client)));
	}

	private Map<String, List<ListenerContainerState>> byClient() {
		Map<String, List<ListenerContainerState>> byClient = new LinkedHashMap<>();
		for (ListenerContainerState state : this.states.states()) {
			byClient.computeIfAbsent(clientOf(state), (key) -> new java.util.ArrayList<>()).add(state);
		}
		return byClient;
	}

	private static String clientOf(ListenerContainerState state) {
		return (state.client() != null) ? state.client() : OTHER;
	}

	/**
	 * The containers of one client.
	 */
	private final class ClientContainersHealthIndicator implements HealthIndicator {

		private final String client;

		ClientContainersHealthIndicator(String client) {
			this.client = client;
		}

		@Override
		public Health health() {
			List<ListenerContainerState> states = ListenerContainersHealthContributor.this.states.states()
				.stream()
				.filter((state) -> Objects.equals(clientOf(state), this.client))
				.toList();
			boolean healthy = states.stream().allMatch(ListenerContainerState::healthy);
			Map<String, Object> containers = new LinkedHashMap<>();
			for (ListenerContainerState state : states) {
				containers.put(state.id(), details(state));
			}
			Health.Builder health = (healthy ? Health.up() : Health.down()).withDetail("containers", containers);
			GroupActivity activity = ListenerContainersHealthContributor.this.groups.get();
			if (activity != null) {
				groupDetails(activity, health);
			}
			return health.build();
		}

		// Rebalance storms, idle consumers and commit failures are warnings in the details;
		// only commits failing for too long, and only when configured, take the client down
		// (this contributor is part of liveness).
		private void groupDetails(GroupActivity activity, Health.Builder health) {
			Map<String, Object> groups = new LinkedHashMap<>();
			boolean commitsFailing = false;
			for (GroupActivity.GroupReport group : activity.groups(this.client)) {
				groups.put(group.groupId(), group.details());
				commitsFailing |= group.commitsFailing();
			}
			if (!groups.isEmpty()) {
				health.withDetail("consumerGroups", groups);
			}
			if (commitsFailing && activity.commitFailuresDown()) {
				health.down();
			}
		}

		private Map<String, Object> details(ListenerContainerState state) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("state", state.state().name());
			if (state.groupId() != null) {
				details.put("groupId", state.groupId());
			}
			details.put("assignedPartitions", state.assignedPartitions());
			if (state.problem() != null) {
				details.put("problem", state.problem());
			}
			if (state.since() != null) {
				details.put("since", state.since().toString());
			}
			if (state.idleSince() != null) {
				details.put("idleSince", state.idleSince().toString());
			}
			return details;
		}

	}

}
