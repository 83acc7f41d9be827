package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Consumer lag monitoring. The keys apply to every client; a named client overrides any of
 * them under {@code kafka.starter.clients.<name>.lag}.
 */
@ConfigurationProperties("kafka.starter.lag")
public class LagProperties implements ValidatedSettings {

	/**
	 * Whether to watch the consumer lag of every client's groups in the background. Set
	 * kafka.starter.clients.<name>.lag.enabled=false to leave one named client out.
	 */
	private boolean enabled = true;

	/**
	 * How often committed and end offsets are fetched from the brokers. Each refresh makes
	 * the same few Admin requests whatever the number of groups and partitions.
	 */
	private Duration interval = Duration.ofSeconds(10);

	/**
	 * How long one refresh may take. A refresh that times out or fails keeps the previous
	 * lag, marked stale; nothing that reads the lag ever waits for the broker.
	 */
	private Duration timeout = Duration.ofSeconds(5);

	/**
	 * How many consecutive refreshes a partition's status is judged over (at least 2): it is
	 * STALLED or STOPPED only when its committed offset did not move across the whole
	 * window, LAGGING only when its lag stayed above the threshold across the whole window.
	 * With the default interval, 6 refreshes is one minute.
	 */
	private int window = 6;

	/**
	 * Offset lag above which a partition whose lag does not shrink across the window is
	 * LAGGING. A consumer that keeps up under load has a lag of up to about one poll's
	 * records, so keep it above max.poll.records.
	 */
	private long laggingThreshold = 1000;

	/**
	 * Consumer groups to watch besides the groups of the client's listener containers, for
	 * example groups of other applications. Groups are cluster-specific: the list under
	 * kafka.starter.lag applies to the default client only; give a named client its own
	 * list under kafka.starter.clients.<name>.lag.groups.
	 */
	private List<String> groups = new ArrayList<>();

	/**
	 * Whether lag meters are also published per partition (kafka.consumer.lag.offsets and
	 * kafka.consumer.lag.seconds, tagged topic and partition). Turn off for topics with many
	 * partitions; the group meters remain.
	 */
	private boolean partitionTags = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public int getWindow() {
		return this.window;
	}

	public void setWindow(int window) {
		this.window = window;
	}

	public long getLaggingThreshold() {
		return this.laggingThreshold;
	}

	public void setLaggingThreshold(long laggingThreshold) {
		this.laggingThreshold = laggingThreshold;
	}

	public List<String> getGroups() {
		return this.groups;
	}

	public void setGroups(List<String> groups) {
		this.groups = groups;
	}

	public boolean isPartitionTags() {
		return this.partitionTags;
	}

	public void setPartitionTags(boolean partitionTags) {
		this.partitionTags = partitionTags;
	}

	@Override
	public void validate(String prefix) {
		ValidatedSettings.require(ValidatedSettings.positiveOrUnset(this.interval), prefix + ".interval",
				this.interval, "The lag monitor refreshes at this interval; it must be positive.",
				"Set '" + prefix + ".interval' to a duration such as 10s, or turn lag monitoring off with '" + prefix
						+ ".enabled=false'.");
		ValidatedSettings.require(ValidatedSettings.positiveOrUnset(this.timeout), prefix + ".timeout", this.timeout,
				"A lag refresh is given this long to finish; with no time at all every refresh fails.",
				"Set '" + prefix + ".timeout' to a duration such as 5s, shorter than the interval.");
		ValidatedSettings.require(this.window >= 2, prefix + ".window", this.window,
				"The status compares the refreshes of its window; fewer than 2 cannot show whether lag grows or "
						+ "the committed offset moves.",
				"Set '" + prefix + ".window' to 2 or more, for example 6 (one minute at the default interval).");
		ValidatedSettings.require(this.laggingThreshold >= 0, prefix + ".lagging-threshold", this.laggingThreshold,
				"An offset lag threshold cannot be negative.",
				"Set '" + prefix + ".lagging-threshold' to 0 or more, for example 1000.");
	}

}
