package io.github.kafkastarter.autoconfigure.priority;

import java.util.Collection;

import io.github.kafkastarter.autoconfigure.client.WrappingRebalanceListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Tells the {@link PriorityGovernor} about assignments, then calls the listener it wraps.
 */
final class PriorityRebalanceListener extends WrappingRebalanceListener {

	private final PriorityGovernor governor;

	PriorityRebalanceListener(@Nullable ConsumerRebalanceListener delegate, PriorityGovernor governor) {
		super(delegate);
		this.governor = governor;
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.governor.assigned(partitions);
		super.onPartitionsAssigned(consumer, partitions);
	}

	@Override
	public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.governor.revoked(partitions);
		super.onPartitionsRevokedAfterCommit(consumer, partitions);
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.governor.revoked(partitions);
		super.onPartitionsLost(consumer, partitions);
	}

}
