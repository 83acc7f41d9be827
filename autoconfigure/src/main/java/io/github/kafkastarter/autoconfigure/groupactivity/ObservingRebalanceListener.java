package io.github.kafkastarter.autoconfigure.groupactivity;

import java.util.Collection;

import io.github.kafkastarter.autoconfigure.client.WrappingRebalanceListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells {@link GroupActivity} about each rebalance of a container's consumers, then calls
 * the rebalance listener it wraps (the application's, or the parallel or priority
 * listener's, which wrap the application's in turn) exactly as the container would have.
 * Shared by the consumers of a concurrent container: each call says which consumer.
 */
final class ObservingRebalanceListener extends WrappingRebalanceListener {

	private static final Logger logger = LoggerFactory.getLogger(ObservingRebalanceListener.class);

	private final GroupActivity activity;

	private final String client;

	ObservingRebalanceListener(@Nullable ConsumerRebalanceListener delegate, GroupActivity activity, String client) {
		super(delegate);
		this.activity = activity;
		this.client = client;
	}

	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		observe(() -> this.activity.revoked(this.client, consumer, partitions, false));
		super.onPartitionsRevokedBeforeCommit(consumer, partitions);
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		observe(() -> this.activity.revoked(this.client, consumer, partitions, true));
		super.onPartitionsLost(consumer, partitions);
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		observe(() -> this.activity.assigned(this.client, consumer, partitions));
		super.onPartitionsAssigned(consumer, partitions);
	}

	private static void observe(Runnable observation) {
		// Watching must never break a rebalance.
		try {
			observation.run();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not record a rebalance", ex);
		}
	}

}
