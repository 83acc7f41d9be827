package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.List;

import org.apache.kafka.common.utils.Utils;

import org.springframework.boot.context.properties.bind.Bindable;

/**
 * Bootstrap servers must be {@code host:port} entries, none empty: Kafka itself only fails
 * on them when the first client is created, or skips empty entries silently.
 */
final class BootstrapServersCheck implements ConfigurationCheck {

	private static final List<String> PATHS = List.of("bootstrap-servers", "producer.bootstrap-servers",
			"consumer.bootstrap-servers", "streams.bootstrap-servers");

	@Override
	public void check(ConfigurationCheckContext context) {
		for (ConfigurationCheckContext.ClientPrefix client : context.clients()) {
			for (String path : PATHS) {
				String property = client.property(path);
				context.bind(property, Bindable.listOf(String.class))
					.ifPresent((servers) -> check(property, servers));
			}
		}
	}

	private void check(String property, List<String> servers) {
		if (servers.isEmpty()) {
			throw new KafkaStarterConfigurationException(property, "", "No bootstrap server is listed.",
					"List at least one broker as host:port, for example '" + property + "=broker-1:9092,broker-2:9092'"
							+ ", or remove the property.");
		}
		for (String entry : servers) {
			String server = (entry != null) ? entry.trim() : "";
			if (server.isEmpty()) {
				throw new KafkaStarterConfigurationException(property, String.join(",", servers),
						"The list holds an empty entry (two commas in a row, or a trailing comma).",
						"Remove the empty entry so that every entry is host:port, for example '" + property
								+ "=broker-1:9092,broker-2:9092'.");
			}
			String host = Utils.getHost(server);
			Integer port = Utils.getPort(server);
			if (host == null || port == null || host.isEmpty()) {
				throw new KafkaStarterConfigurationException(property, server,
						"'" + server + "' is not host:port; Kafka needs the port of each bootstrap server.",
						"Write it as host:port, for example '" + property + "=" + suggestion(server) + "'.");
			}
			if (port < 1 || port > 65535) {
				throw new KafkaStarterConfigurationException(property, server,
						"Port " + port + " of '" + server + "' is outside 1-65535.",
						"Use the broker's listener port, for example '" + property + "=" + host + ":9092'.");
			}
		}
	}

	private static String suggestion(String server) {
		int colon = server.lastIndexOf(':');
		String host = (colon > 0) ? server.substring(0, colon) : server;
		host = host.replaceAll("[^A-Za-z0-9.\\-\\[\\]:]", "");
		return (host.isEmpty() ? "localhost" : host) + ":9092";
	}

}
