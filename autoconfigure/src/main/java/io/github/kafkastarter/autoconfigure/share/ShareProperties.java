package io.github.kafkastarter.autoconfigure.share;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.kafka.listener.ContainerProperties.ShareAckMode;

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

	/**
	 * How a client's share-group (KIP-932) listeners consume; bound from
	 * {@code kafka.starter.share.*}, then {@code kafka.starter.clients.<name>.share.*}.
	 */
	public static class ShareSettings {

		/**
		 * Whether the starter registers a share consumer factory and a share listener
		 * container factory for the client.
		 */
		private boolean enabled = true;

		/**
		 * How records are acknowledged: EXPLICIT (the container accepts a record once the
		 * listener returns and applies on-failure when it throws), MANUAL (the listener
		 * acknowledges each record through a ShareAcknowledgment parameter) or IMPLICIT (the
		 * broker accepts every delivered record, whatever happens).
		 */
		private ShareAckMode acknowledgementMode = ShareAckMode.EXPLICIT;

		/**
		 * What happens to a record whose listener threw (EXPLICIT mode): RELEASE hands it out
		 * again, until the broker's delivery limit (group.share.delivery.count.limit) archives
		 * it; REJECT archives it at once.
		 */
		private OnFailure onFailure = OnFailure.RELEASE;

		/**
		 * Share consumers per listener container (each one is a member of the share group).
		 */
		private int concurrency = 1;

		/**
		 * Where a share group that has no state yet starts: LATEST (Kafka's default) or
		 * EARLIEST. Set as the group's share.auto.offset.reset config when the starter first
		 * creates a consumer for the group; unset leaves the group's config alone.
		 */
		private @Nullable StartFrom startFrom;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public ShareAckMode getAcknowledgementMode() {
			return this.acknowledgementMode;
		}

		public void setAcknowledgementMode(ShareAckMode acknowledgementMode) {
			this.acknowledgementMode = acknowledgementMode;
		}

		public OnFailure getOnFailure() {
			return this.onFailure;
		}

		public void setOnFailure(OnFailure onFailure) {
			this.onFailure = onFailure;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public @Nullable StartFrom getStartFrom() {
			return this.startFrom;
		}

		public void setStartFrom(@Nullable StartFrom startFrom) {
			this.startFrom = startFrom;
		}

		/**
		 * What to do with a record whose listener failed.
		 */
		public enum OnFailure {

			/**
			 * Deliver it again, up to the broker's delivery limit.
			 */
			RELEASE,

			/**
			 * Archive it, never to be delivered again.
			 */
			REJECT

		}

		/**
		 * Where a new share group starts.
		 */
		public enum StartFrom {

			/**
			 * Records written from now on.
			 */
			LATEST,

			/**
			 * Every record still in the topic.
			 */
			EARLIEST

		}

	}

}
