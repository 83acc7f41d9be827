package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The latest lag of one client's consumer groups, as the monitor last computed it. Reading
 * it never touches the broker.
 *
 * @param client the client name
 * @param refreshedAt when the data was fetched from the broker, or {@code null} before the
 * first successful refresh
 * @param stale whether the last refresh failed (the data is the previous refresh's)
 * @param lastError why the last refresh failed; or, when it succeeded but some groups could
 * not be read (they are reported {@link LagStatus#UNKNOWN}, without partitions), which and
 * why; {@code null} when everything was read
 * @param groups every monitored group
 */
public record LagSnapshot(String client, @Nullable Instant refreshedAt, boolean stale, @Nullable String lastError,
		List<GroupLag> groups) {

	/**
	 * A snapshot before any data was fetched.
	 * @param client the client name
	 * @return an empty snapshot
	 */
	public static LagSnapshot empty(String client) {
		return new LagSnapshot(client, null, false, null, List.of());
	}

	/**
	 * One group's lag.
	 * @param groupId the group
	 * @return its lag, if the group is monitored
	 */
	public Optional<GroupLag> group(String groupId) {
		return this.groups.stream().filter((group) -> group.groupId().equals(groupId)).findFirst();
	}

	/**
	 * How old the data is.
	 * @param now the current time
	 * @return the age, or {@code null} before the first successful refresh
	 */
	public @Nullable Duration age(Instant now) {
		return (this.refreshedAt != null) ? Duration.between(this.refreshedAt, now) : null;
	}

}
