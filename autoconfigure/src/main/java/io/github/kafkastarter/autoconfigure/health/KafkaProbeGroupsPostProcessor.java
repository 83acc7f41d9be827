package io.github.kafkastarter.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Adds the Kafka health contributors to Spring Boot's probe groups: listener container
 * health to {@code liveness} (a dead container should get the pod restarted), broker and
 * lag health to {@code readiness} (the pod should take no traffic while its cluster is
 * unreachable or it falls behind). Every other aspect of the group (its other members,
 * status aggregation, HTTP mapping, additional path) stays as Boot or the user configured
 * it; a group whose membership the user configured
 * ({@code management.endpoint.health.group.<name>.include} or {@code .exclude}) is left
 * exactly as configured.
 * <p>
 * Boot creates the probe groups in a post-processor of the same (lowest) order; this one
 * is registered after it and so runs after it. Should it run first, it creates the probe
 * group as Boot would (the availability state alone), and Boot then keeps that group.
 */
@Order(Ordered.LOWEST_PRECEDENCE)
final class KafkaProbeGroupsPostProcessor implements HealthEndpointGroupsPostProcessor {

	static final String LIVENESS = "liveness";

	static final String READINESS = "readiness";

	private final Map<String, Set<String>> additions;

	/**
	 * Create a post-processor.
	 * @param additions the contributor names to add, by probe group; groups the user
	 * configured already left out
	 */
	KafkaProbeGroupsPostProcessor(Map<String, Set<String>> additions) {
		Map<String, Set<String>> copy = new LinkedHashMap<>();
		additions.forEach((group, members) -> {
			if (!members.isEmpty()) {
				copy.put(group, Set.copyOf(members));
			}
		});
		this.additions = Map.copyOf(copy);
	}

	Map<String, Set<String>> additions() {
		return this.additions;
	}

	@Override
	public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
		return this.additions.isEmpty() ? groups : new KafkaProbeGroups(groups, this.additions);
	}

	/**
	 * The groups, with the Kafka contributors added to the probe groups.
	 */
	private static final class KafkaProbeGroups implements HealthEndpointGroups, AdditionalPathsMapper {

		private final HealthEndpointGroups delegate;

		private final Map<String, HealthEndpointGroup> probeGroups = new LinkedHashMap<>();

		private final Set<String> names;

		KafkaProbeGroups(HealthEndpointGroups delegate, Map<String, Set<String>> additions) {
			this.delegate = delegate;
			Set<String> names = new LinkedHashSet<>(delegate.getNames());
			additions.forEach((name, members) -> {
				HealthEndpointGroup group = delegate.get(name);
				if (group == null) {
					group = new AvailabilityStateGroup(name.equals(LIVENESS) ? "livenessState" : "readinessState");
				}
				this.probeGroups.put(name, new KafkaMembersGroup(group, members));
				names.add(name);
			});
			this.names = Set.copyOf(names);
		}

		@Override
		public HealthEndpointGroup getPrimary() {
			return this.delegate.getPrimary();
		}

		@Override
		public Set<String> getNames() {
			return this.names;
		}

		@Override
		public @Nullable HealthEndpointGroup get(String name) {
			HealthEndpointGroup group = this.probeGroups.get(name);
			return (group != null) ? group : this.delegate.get(name);
		}

		@Override
		public @Nullable List<String> getAdditionalPaths(EndpointId endpointId,
				WebServerNamespace webServerNamespace) {
			// Boot's probe groups map /livez and /readyz through this interface: keep them.
			return (this.delegate instanceof AdditionalPathsMapper mapper)
					? mapper.getAdditionalPaths(endpointId, webServerNamespace) : null;
		}

	}

	/**
	 * A group with some Kafka contributors added to its members.
	 */
	private static final class KafkaMembersGroup implements HealthEndpointGroup {

		private final HealthEndpointGroup delegate;

		private final Set<String> members;

		KafkaMembersGroup(HealthEndpointGroup delegate, Set<String> members) {
			this.delegate = delegate;
			this.members = members;
		}

		@Override
		public boolean isMember(String name) {
			return this.delegate.isMember(name) || isKafkaMember(name);
		}

		private boolean isKafkaMember(String name) {
			// Health asks for each leaf by path, for example "kafka/default".
			for (String member : this.members) {
				if (name.equals(member) || name.startsWith(member + "/")) {
					return true;
				}
			}
			return false;
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return this.delegate.showComponents(securityContext);
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return this.delegate.showDetails(securityContext);
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return this.delegate.getStatusAggregator();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return this.delegate.getHttpCodeStatusMapper();
		}

		@Override
		public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
			return this.delegate.getAdditionalPath();
		}

	}

	/**
	 * A probe group as Spring Boot creates it when none is configured: the availability
	 * state alone, no components, no details. Only used if this post-processor runs
	 * before Boot's.
	 */
	private static final class AvailabilityStateGroup implements HealthEndpointGroup {

		private final String member;

		AvailabilityStateGroup(String member) {
			this.member = member;
		}

		@Override
		public boolean isMember(String name) {
			return this.member.equals(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return false;
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return false;
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return StatusAggregator.getDefault();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return HttpCodeStatusMapper.getDefault();
		}

		@Override
		public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
			return null;
		}

	}

}
