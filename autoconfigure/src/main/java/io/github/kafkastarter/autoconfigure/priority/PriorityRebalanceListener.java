package io.github.kafkastarter.autoconfigure.priority;

import java.util.Collection;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Tells the {@link PriorityGovernor} about assignments, then calls the listener it wraps.
 */
final class PriorityRebalanceListener implements ConsumerAwareRebalanceListener {

	private final @Nullable ConsumerRebalanceListener delegate;

	private final PriorityGovernor governor;

	PriorityRebalanceListener(@Nullable ConsumerRebalanceListener delegate, PriorityGovernor governor) {
		this.delegate = delegate;
		this.governor = governor;
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.governor.assigned(partitions);
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsAssigned(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsAssigned(partitions);
		}
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
		this.governor.revoked(partitions);
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsRevokedAfterCommit(consumer, partitions);
		}
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.governor.revoked(partitions);
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsLost(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsLost(partitions);
		}
	}

}
