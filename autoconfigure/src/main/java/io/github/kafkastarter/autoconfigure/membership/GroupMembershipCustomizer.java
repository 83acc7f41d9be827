package io.github.kafkastarter.autoconfigure.membership;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import io.github.kafkastarter.autoconfigure.consumer.ConsumerReliabilityProperties;
import io.github.kafkastarter.autoconfigure.consumer.ListenerReliabilitySettings;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.util.StringUtils;

/**
 * How every client's consumers join their groups: the group protocol chosen in
 * {@code kafka.starter.consumer.group-protocol} and the cooperative-sticky assignor on the
 * classic protocol, on every consumer factory (a value the factory already has is the
 * application's choice and stays); and, under static membership, a stable
 * {@code group.instance.id} of its own for every listener container.
 */
final class GroupMembershipCustomizer implements KafkaClientCustomizer, Ordered {

	// Where static membership always ran: with the error handling, before the parallel and
	// priority listener customizers.
	static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private static final Logger logger = LoggerFactory.getLogger(GroupMembershipCustomizer.class);

	private final Environment environment;

	private final Binder binder;

	// group + group.instance.id -> listener: one explicit id may serve one consumer only.
	private final Map<String, String> explicitInstanceIds = new ConcurrentHashMap<>();

	GroupMembershipCustomizer(Environment environment) {
		this.environment = environment;
		this.binder = Binder.get(environment);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void customizeConsumerFactory(KafkaClient client, DefaultKafkaConsumerFactory<?, ?> factory) {
		ConsumerReliabilityProperties settings = client.settings("consumer", ConsumerReliabilityProperties.class);
		Map<String, Object> configs = factory.getConfigurationProperties();
		Map<String, Object> updates = new HashMap<>();
		Object protocol = configs.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
		if (protocol == null && settings.getGroupProtocol() != null) {
			protocol = settings.getGroupProtocol().name().toLowerCase(Locale.ROOT);
			updates.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
		}
		boolean classic = protocol == null || "classic".equalsIgnoreCase(protocol.toString().trim());
		// The consumer protocol assigns on the broker: Kafka rejects an assignor there.
		if (classic && settings.isCooperativeRebalancing()
				&& !configs.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
			updates.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
					List.of(CooperativeStickyAssignor.class.getName()));
		}
		if (!updates.isEmpty()) {
			factory.updateConfigs(updates);
		}
	}

	private static String listenerName(ConcurrentMessageListenerContainer<?, ?> container) {
		String listenerId = container.getListenerId();
		if (listenerId != null) {
			return listenerId;
		}
		// A container made in code without an id: name it by what it reads.
		String[] topics = container.getContainerProperties().getTopics();
		return (topics != null) ? String.join("_", topics) : "container";
	}

	@Override
	public void customizeContainer(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
		ListenerReliabilitySettings settings = ListenerReliabilitySettings.resolve(client, container.getListenerId(),
				this.binder);
		ContainerProperties properties = container.getContainerProperties();
		String group = container.getGroupId();
		if (!StringUtils.hasText(group) || properties.getTopicPartitions() != null) {
			// Manually assigned partitions: no group membership to keep.
			return;
		}
		String ownId = properties.getKafkaConsumerProperties().getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		// The client's consumer factory: the one Spring Kafka reads group.instance.id from
		// when the listener does not set it.
		Object factoryId = client.consumerFactory()
			.getConfigurationProperties()
			.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		String explicit = StringUtils.hasText(ownId) ? ownId
				: (factoryId != null && StringUtils.hasText(factoryId.toString())) ? factoryId.toString() : null;
		String listenerId = listenerName(container);
		if (explicit != null) {
			String previous = this.explicitInstanceIds.putIfAbsent(group + '\u0000' + explicit, listenerId);
			if (previous != null && !previous.equals(listenerId)) {
				String property = StringUtils.hasText(ownId) ? "@KafkaListener(id = \"" + listenerId + "\") properties"
						: (client.isDefault() ? "spring.kafka" : KafkaClientNames.prefix(client.name()))
								+ ".consumer.properties[group.instance.id]";
				throw new KafkaStarterConfigurationException(property, explicit,
						"Listeners '" + previous + "' and '" + listenerId + "' both join group '" + group
								+ "' as group.instance.id '" + explicit + "'. Static membership needs one id per "
								+ "consumer: the broker would fence one of them whenever the other joins.",
						"Remove the explicit group.instance.id and set "
								+ "'kafka.starter.consumer.static-membership.enabled=true', which gives every "
								+ "listener and concurrency slot its own stable id, or give each listener its own id.");
			}
			return;
		}
		if (!settings.staticMembership().isEnabled()) {
			return;
		}
		String instance = StaticMembershipIds.instance(settings.staticMembership().getInstanceId(), this.environment);
		if (instance == null) {
			throw StaticMembershipIds.missingInstance("kafka.starter.consumer.static-membership.instance-id");
		}
		String application = this.environment.getProperty("spring.application.name", "application");
		String id = StaticMembershipIds.of(application, instance, listenerId);
		Properties consumerProperties = new Properties();
		consumerProperties.putAll(properties.getKafkaConsumerProperties());
		consumerProperties.setProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id);
		properties.setKafkaConsumerProperties(consumerProperties);
		logger.debug("Listener {} joins group {} as static member {}", listenerId, group, id);
	}

}
