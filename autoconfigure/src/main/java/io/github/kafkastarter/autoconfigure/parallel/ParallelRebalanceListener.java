package io.github.kafkastarter.autoconfigure.parallel;

import java.time.Duration;
import java.util.Collection;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * On revocation (a rebalance, or the consumer leaving the group when the container stops),
 * waits for the records of the partitions going away and commits their watermark; on
 * assignment, pauses the new partitions at once if the listener is full. Then calls the
 * application's own rebalance listener, if any.
 */
final class ParallelRebalanceListener implements ConsumerAwareRebalanceListener {

	private final @Nullable ConsumerRebalanceListener delegate;

	private final ParallelDispatcher dispatcher;

	private final Duration drainTimeout;

	ParallelRebalanceListener(@Nullable ConsumerRebalanceListener delegate, ParallelDispatcher dispatcher,
			Duration drainTimeout) {
		this.delegate = delegate;
		this.dispatcher = dispatcher;
		this.drainTimeout = drainTimeout;
	}

	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.dispatcher.revoke(consumer, partitions, System.nanoTime() + this.drainTimeout.toNanos(), true);
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsRevokedBeforeCommit(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsRevoked(partitions);
		}
	}

	@Override
	public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsRevokedAfterCommit(consumer, partitions);
		}
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		// Lost, not revoked: another member may own them already, so nothing may be
		// committed for them; their in-flight records are given up at once.
		this.dispatcher.revoke(consumer, partitions, System.nanoTime(), false);
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsLost(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsLost(partitions);
		}
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.dispatcher.assigned(consumer, partitions);
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsAssigned(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsAssigned(partitions);
		}
	}

}
