package io.github.kafkastarter.autoconfigure.parallel;

import java.time.Duration;
import java.util.Collection;

import io.github.kafkastarter.autoconfigure.client.WrappingRebalanceListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * On revocation (a rebalance, or the consumer leaving the group when the container stops),
 * waits for the records of the partitions going away and commits their watermark; on
 * assignment, pauses the new partitions at once if the listener is full. Then calls the
 * application's own rebalance listener, if any.
 */
final class ParallelRebalanceListener extends WrappingRebalanceListener {

	private final ParallelDispatcher dispatcher;

	private final Duration drainTimeout;

	ParallelRebalanceListener(@Nullable ConsumerRebalanceListener delegate, ParallelDispatcher dispatcher,
			Duration drainTimeout) {
		super(delegate);
		this.dispatcher = dispatcher;
		this.drainTimeout = drainTimeout;
	}

	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.dispatcher.revoke(consumer, partitions, System.nanoTime() + this.drainTimeout.toNanos(), true);
		super.onPartitionsRevokedBeforeCommit(consumer, partitions);
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		// Lost, not revoked: another member may own them already, so nothing may be
		// committed for them; their in-flight records are given up at once.
		this.dispatcher.revoke(consumer, partitions, System.nanoTime(), false);
		super.onPartitionsLost(consumer, partitions);
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.dispatcher.assigned(consumer, partitions);
		super.onPartitionsAssigned(consumer, partitions);
	}

}
