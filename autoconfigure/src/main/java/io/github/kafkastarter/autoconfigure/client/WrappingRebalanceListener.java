package io.github.kafkastarter.autoconfigure.client;

import java.util.Collection;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * A rebalance listener the starter puts on a container in place of the one it has, which
 * it calls exactly as the container would have: a {@link ConsumerAwareRebalanceListener}
 * through its consumer-aware methods, a plain {@link ConsumerRebalanceListener} through its
 * own (revocation before the commit, as Spring Kafka does). A subclass does its work, then
 * calls the {@code super} method.
 */
public abstract class WrappingRebalanceListener implements ConsumerAwareRebalanceListener {

	private final @Nullable ConsumerRebalanceListener delegate;

	/**
	 * Wrap a container's rebalance listener.
	 * @param delegate the listener the container had, or {@code null}
	 */
	protected WrappingRebalanceListener(@Nullable ConsumerRebalanceListener delegate) {
		this.delegate = delegate;
	}

	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
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
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsLost(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsLost(partitions);
		}
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsAssigned(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsAssigned(partitions);
		}
	}

}
