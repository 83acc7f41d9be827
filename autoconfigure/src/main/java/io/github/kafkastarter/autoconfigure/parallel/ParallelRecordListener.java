package io.github.kafkastarter.autoconfigure.parallel;

import java.util.Collection;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.AcknowledgingConsumerAwareMessageListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.DelegatingMessageListener;
import org.springframework.kafka.support.Acknowledgment;

/**
 * What the container runs in place of the application's record listener: hands each record
 * to the {@link ParallelDispatcher} and returns at once. The container's acknowledgment is
 * not used: the dispatcher commits what is finished itself. Seek callbacks still reach the
 * application's listener.
 */
final class ParallelRecordListener
		implements AcknowledgingConsumerAwareMessageListener<Object, Object>, ConsumerSeekAware,
		DelegatingMessageListener<Object> {

	private final Object delegate;

	private final ParallelDispatcher dispatcher;

	ParallelRecordListener(Object delegate, ParallelDispatcher dispatcher) {
		this.delegate = delegate;
		this.dispatcher = dispatcher;
	}

	@Override
	public void onMessage(ConsumerRecord<Object, Object> record, @Nullable Acknowledgment acknowledgment,
			@Nullable Consumer<?, ?> consumer) {
		if (consumer == null) {
			throw new IllegalStateException("A parallel listener needs its consumer from the container");
		}
		this.dispatcher.offer(record, consumer);
	}

	/**
	 * Not asynchronous to the container, whatever the application's listener is: records
	 * are handed over at once, and the dispatcher tracks their results and commits. (The
	 * container would otherwise pause until every record of a poll is acknowledged.)
	 */
	@Override
	public boolean isAsyncReplies() {
		return false;
	}

	@Override
	public Object getDelegate() {
		return this.delegate;
	}

	ParallelDispatcher dispatcher() {
		return this.dispatcher;
	}

	@Override
	public void registerSeekCallback(ConsumerSeekCallback callback) {
		if (this.delegate instanceof ConsumerSeekAware seekAware) {
			seekAware.registerSeekCallback(callback);
		}
	}

	@Override
	public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
		if (this.delegate instanceof ConsumerSeekAware seekAware) {
			seekAware.onPartitionsAssigned(assignments, callback);
		}
	}

	@Override
	public void onPartitionsRevoked(@Nullable Collection<TopicPartition> partitions) {
		if (this.delegate instanceof ConsumerSeekAware seekAware) {
			seekAware.onPartitionsRevoked(partitions);
		}
	}

	@Override
	public void onIdleContainer(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
		if (this.delegate instanceof ConsumerSeekAware seekAware) {
			seekAware.onIdleContainer(assignments, callback);
		}
	}

	@Override
	public void onFirstPoll() {
		if (this.delegate instanceof ConsumerSeekAware seekAware) {
			seekAware.onFirstPoll();
		}
	}

	@Override
	public void unregisterSeekCallback() {
		if (this.delegate instanceof ConsumerSeekAware seekAware) {
			seekAware.unregisterSeekCallback();
		}
	}

}
