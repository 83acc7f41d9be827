package io.github.kafkastarter.autoconfigure.lag;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lag monitor of every client, by client name.
 */
public final class ConsumerLagMonitors {

	private final Map<String, ConsumerLagMonitor> monitors;

	public ConsumerLagMonitors(List<? extends ConsumerLagMonitor> monitors) {
		Map<String, ConsumerLagMonitor> byClient = new LinkedHashMap<>();
		monitors.forEach((monitor) -> byClient.put(monitor.client(), monitor));
		this.monitors = Collections.unmodifiableMap(byClient);
	}

	/**
	 * The monitor of one client.
	 * @param client the client name
	 * @return the monitor, if the client has one
	 */
	public Optional<ConsumerLagMonitor> forClient(String client) {
		return Optional.ofNullable(this.monitors.get(client));
	}

	/**
	 * Every monitor, the default client's first.
	 * @return the monitors
	 */
	public Collection<ConsumerLagMonitor> all() {
		return this.monitors.values();
	}

}
