package io.github.kafkastarter.autoconfigure.lag;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of every client's lag monitor, by client name: the bean to inject to read
 * lag ({@code registry.forClient("default").orElseThrow().snapshot()}).
 */
public final class LagMonitorRegistry {

	private final Map<String, ClientLagMonitor> monitors;

	public LagMonitorRegistry(List<? extends ClientLagMonitor> monitors) {
		Map<String, ClientLagMonitor> byClient = new LinkedHashMap<>();
		monitors.forEach((monitor) -> byClient.put(monitor.client(), monitor));
		this.monitors = Collections.unmodifiableMap(byClient);
	}

	/**
	 * The monitor of one client.
	 * @param client the client name
	 * @return the monitor, if the client has one
	 */
	public Optional<ClientLagMonitor> forClient(String client) {
		return Optional.ofNullable(this.monitors.get(client));
	}

	/**
	 * Every monitor, the default client's first.
	 * @return the monitors
	 */
	public Collection<ClientLagMonitor> all() {
		return this.monitors.values();
	}

}
