package io.github.kafkastarter.autoconfigure.parallel;

import java.util.Collection;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * The error handler a parallel listener's container uses for failures on its consumer
 * thread (a record that could not be deserialized never reaches the listener). Such a
 * record is handed to the dispatcher, which runs the container's own error handler on it in
 * its key's order; the container must neither seek nor commit past it, since records before
 * it may still be in flight.
 */
final class ParallelErrorHandler implements CommonErrorHandler {

	private final CommonErrorHandler delegate;

	private final ParallelDispatcher dispatcher;

	ParallelErrorHandler(CommonErrorHandler delegate, ParallelDispatcher dispatcher) {
		this.delegate = delegate;
		this.dispatcher = dispatcher;
	}

	@Override
	public boolean seeksAfterHandling() {
		return false;
	}

	@Override
	public boolean isAckAfterHandle() {
		return false;
	}

	@Override
	public boolean handleOne(Exception thrownException, ConsumerRecord<?, ?> record, Consumer<?, ?> consumer,
			MessageListenerContainer container) {
		this.dispatcher.offerFailed(record, thrownException, consumer);
		return true;
	}

	@Override
	public void handleRemaining(Exception thrownException, List<ConsumerRecord<?, ?>> records,
			Consumer<?, ?> consumer, MessageListenerContainer container) {
		// Not called, as this handler does not seek; hand every record over if it were.
		records.forEach((record) -> this.dispatcher.offerFailed(record, thrownException, consumer));
	}

	@Override
	public void handleOtherException(Exception thrownException, Consumer<?, ?> consumer,
			MessageListenerContainer container, boolean batchListener) {
		this.delegate.handleOtherException(thrownException, consumer, container, batchListener);
	}

	@Override
	public void handleBatch(Exception thrownException, ConsumerRecords<?, ?> data, Consumer<?, ?> consumer,
			MessageListenerContainer container, Runnable invokeListener) {
		this.delegate.handleBatch(thrownException, data, consumer, container, invokeListener);
	}

	@Override
	public int deliveryAttempt(TopicPartitionOffset topicPartitionOffset) {
		return this.delegate.deliveryAttempt(topicPartitionOffset);
	}

	@Override
	public void clearThreadState() {
		this.delegate.clearThreadState();
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions,
			Runnable publishPause) {
		this.delegate.onPartitionsAssigned(consumer, partitions, publishPause);
	}

	CommonErrorHandler delegate() {
		return this.delegate;
	}

}
