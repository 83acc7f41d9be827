package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.List;

import io.github.kafkastarter.autoconfigure.devbroker.DevBrokerProperties;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.util.StringUtils;

/**
 * Dev broker topics need a name and at least one partition, and cannot be replicated more
 * widely than the dev cluster has brokers.
 */
final class DevBrokerTopicsCheck implements ConfigurationCheck {

	private static final String PREFIX = "kafka.starter.dev-broker";

	@Override
	public void check(ConfigurationCheckContext context) {
		DevBrokerProperties properties = context.bind(PREFIX, Bindable.of(DevBrokerProperties.class))
			.orElseGet(DevBrokerProperties::new);
		int brokers = properties.getBrokers();
		if (brokers < 1) {
			throw new KafkaStarterConfigurationException(PREFIX + ".brokers", brokers,
					"The dev broker needs at least one broker.",
					"Set '" + PREFIX + ".brokers' to 1 (or 3 to try replication), or remove it.");
		}
		List<DevBrokerProperties.Topic> topics = properties.getTopics();
		for (int i = 0; i < topics.size(); i++) {
			DevBrokerProperties.Topic topic = topics.get(i);
			String property = PREFIX + ".topics[" + i + "]";
			String name = topic.getName();
			if (!StringUtils.hasText(name)) {
				throw new KafkaStarterConfigurationException(property + ".name", null, "The topic has no name.",
						"Give it a name, for example '" + property + ".name=orders'.");
			}
			if (topic.getPartitions() < 1) {
				throw new KafkaStarterConfigurationException(property + ".partitions", topic.getPartitions(),
						"Topic '" + name + "' needs at least one partition.",
						"Set '" + property + ".partitions' to 1 or more, for example 4.");
			}
			Short replication = topic.getReplicationFactor();
			if (replication != null && (replication < 1 || replication > brokers)) {
				throw new KafkaStarterConfigurationException(property + ".replication-factor", replication,
						"Topic '" + name + "' cannot have " + replication + " replicas on a dev cluster of " + brokers
								+ " broker(s).",
						"Set '" + property + ".replication-factor' between 1 and " + brokers + ", or raise '" + PREFIX
								+ ".brokers'.");
			}
		}
	}

}
