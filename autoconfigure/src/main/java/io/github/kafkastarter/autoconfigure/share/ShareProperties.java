package io.github.kafkastarter.autoconfigure.share;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Share groups (KIP-932) for every client: a ShareConsumerFactory and a listener container
 * factory each, ready for {@code @KafkaListener(containerFactory =
 * "shareKafkaListenerContainerFactory")}.
 */
@ConfigurationProperties("kafka.starter")
public class ShareProperties {

	/**
	 * Share-group listeners of every client; override per client under
	 * kafka.starter.clients.<name>.share.*.
	 */
	@NestedConfigurationProperty
	private final ShareSettings share = new ShareSettings();

	public ShareSettings getShare() {
		return this.share;
	}

}
