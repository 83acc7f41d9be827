package io.github.kafkastarter.autoconfigure.share;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.share.ShareProperties.ShareSettings;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.kafka.config.KafkaListenerEndpoint;
import org.springframework.kafka.config.ShareKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultShareConsumerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;
import org.springframework.kafka.listener.ShareConsumerRecordRecoverer;
import org.springframework.kafka.listener.ShareKafkaMessageListenerContainer;

/**
 * Builds a client's share consumer factory and share listener container factory from its
 * effective properties and connection.
 */
final class ShareFactories {

	// Regular-consumer settings a share consumer refuses to start with.
	private static final List<String> UNSUPPORTED = List.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
			ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
			ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
			ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
			ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG,
			ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);

	private ShareFactories() {
	}

	static ShareConsumerFactory<Object, Object> consumerFactory(KafkaClient client) {
		Map<String, Object> configs = client.buildConsumerConfig();
		UNSUPPORTED.forEach(configs::remove);
		configs.keySet().removeIf((key) -> key.startsWith("kafka.starter."));
		ShareSettings settings = client.settings("share", ShareSettings.class);
		return new GroupConfiguringShareConsumerFactory(configs, client, settings.getStartFrom());
	}

	static ShareKafkaListenerContainerFactory<Object, Object> containerFactory(KafkaClient client,
			ShareConsumerFactory<Object, Object> consumerFactory, @Nullable KafkaClientContainers containers,
			ShareGroupSupport support) {
		ShareKafkaListenerContainerFactory<Object, Object> factory = new ShareKafkaListenerContainerFactory<>(
				consumerFactory) {

			@Override
			public ShareKafkaMessageListenerContainer<Object, Object> createListenerContainer(
					KafkaListenerEndpoint endpoint) {
				ShareKafkaMessageListenerContainer<Object, Object> container = super.createListenerContainer(endpoint);
				ExplicitShareListeners.adapt(container, endpoint);
				if (containers != null) {
					containers.shareContainerCreated(client, container);
				}
				if (container.isAutoStartup()) {
					startOnlyWithShareGroups(container, client, support);
				}
				return container;
			}

		};
		configure(factory, client);
		return factory;
	}

	/**
	 * Applies a client's share settings to a share listener container factory.
	 * @param factory the factory
	 * @param client the client
	 */
	static void configure(ShareKafkaListenerContainerFactory<?, ?> factory, KafkaClient client) {
		ShareSettings settings = client.settings("share", ShareSettings.class);
		factory.getContainerProperties().setShareAckMode(settings.getAcknowledgementMode());
		factory.setConcurrency(settings.getConcurrency());
		factory.setShareConsumerRecordRecoverer((settings.getOnFailure() == ShareSettings.OnFailure.RELEASE)
				? ShareConsumerRecordRecoverer.RELEASING : ShareConsumerRecordRecoverer.REJECTING);
		factory.setAutoStartup(client.properties().getListener().isAutoStartup());
	}

	/**
	 * On a cluster without share groups a share consumer can only fail: Kafka logs the
	 * failed heartbeat, Spring Kafka the poll loop's exception (twice, with stack traces),
	 * and the container goes on reporting itself running. Such a container is not started;
	 * a {@link ShareGroupsUnavailableEvent} says why (health shows it), and
	 * {@link ShareGroupSupport} logs one warning for the client.
	 */
	private static void startOnlyWithShareGroups(ShareKafkaMessageListenerContainer<Object, Object> container,
			KafkaClient client, ShareGroupSupport support) {
		ShareGroupSupport.Verdict verdict = support.check(client);
		if (verdict.available()) {
			return;
		}
		container.setAutoStartup(false);
		ApplicationEventPublisher publisher = container.getApplicationEventPublisher();
		if (publisher != null) {
			publisher.publishEvent(new ShareGroupsUnavailableEvent(container, verdict.detail()));
		}
	}

	/**
	 * Sets the group's {@code share.auto.offset.reset} before its first consumer starts,
	 * once per group: a share group only reads from the beginning if its group config says
	 * so, which no consumer property can.
	 */
	static final class GroupConfiguringShareConsumerFactory extends DefaultShareConsumerFactory<Object, Object> {

		private static final Logger logger = LoggerFactory.getLogger(GroupConfiguringShareConsumerFactory.class);

		private final KafkaClient client;

		private final ShareSettings.@Nullable StartFrom startFrom;

		private final Set<String> configuredGroups = ConcurrentHashMap.newKeySet();

		GroupConfiguringShareConsumerFactory(Map<String, Object> configs, KafkaClient client,
				ShareSettings.@Nullable StartFrom startFrom) {
			super(configs);
			this.client = client;
			this.startFrom = startFrom;
		}

		@Override
		protected ShareConsumer<Object, Object> createRawConsumer(@Nullable String groupId, @Nullable String clientId,
				Map<String, Object> overrideProperties) {
			String group = (groupId != null) ? groupId : (String) getConfigurationProperties().get(ConsumerConfig.GROUP_ID_CONFIG);
			if (this.startFrom != null && group != null && this.configuredGroups.add(group)) {
				configureGroup(group);
			}
			return super.createRawConsumer(groupId, clientId, overrideProperties);
		}

		private void configureGroup(String group) {
			String value = this.startFrom.name().toLowerCase(java.util.Locale.ROOT);
			try {
				ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
				Collection<AlterConfigOp> ops = List.of(new AlterConfigOp(
						new ConfigEntry("share.auto.offset.reset", value), AlterConfigOp.OpType.SET));
				this.client.sharedAdmin()
					.incrementalAlterConfigs(Map.of(resource, ops),
							new AlterConfigsOptions().timeoutMs((int) TimeUnit.SECONDS.toMillis(30)))
					.all()
					.get(30, TimeUnit.SECONDS);
				logger.debug("Share group {} starts from {}", group, value);
			}
			catch (Exception ex) {
				this.configuredGroups.remove(group);
				logger.warn("Could not set share.auto.offset.reset={} on share group {} (client '{}'); it starts "
						+ "from the group's current setting", value, group, this.client.name(), ex);
			}
		}

	}

}
