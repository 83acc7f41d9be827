package io.github.kafkastarter.autoconfigure.share;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.kafka.core.ShareConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ShareKafkaMessageListenerContainer;

/**
 * The starter's share listener container: Spring Kafka's, which first makes sure the
 * client's cluster has share groups. On a cluster without them a share consumer only
 * fails (Kafka logs the heartbeat failure, Spring Kafka the poll loop's exception, twice,
 * with stack traces) while the container keeps reporting itself running; this one does
 * not start its consumers and says why in a {@link ShareGroupsUnavailableEvent}.
 */
final class ShareListenerContainer extends ShareKafkaMessageListenerContainer<Object, Object> {

	private final KafkaClient client;

	private final ShareGroupSupport support;

	ShareListenerContainer(ShareConsumerFactory<Object, Object> consumerFactory, ContainerProperties properties,
			KafkaClient client, ShareGroupSupport support) {
		super(consumerFactory, properties);
		this.client = client;
		this.support = support;
	}

	@Override
	protected void doStart() {
		ShareGroupSupport.Verdict verdict = this.support.check(this.client);
		if (!verdict.available()) {
			ApplicationEventPublisher publisher = getApplicationEventPublisher();
			if (publisher != null) {
				publisher.publishEvent(new ShareGroupsUnavailableEvent(this, verdict.detail()));
			}
			return;
		}
		super.doStart();
	}

}
