package io.github.kafkastarter.autoconfigure.parallel;

import java.lang.reflect.Proxy;
import java.time.Duration;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.listener.AcknowledgingConsumerAwareMessageListener;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConsumerAwareMessageListener;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.DelegatingMessageListener;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.ListenerType;
import org.springframework.kafka.listener.ListenerUtils;
import org.springframework.kafka.listener.adapter.MessagingMessageListenerAdapter;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Runs one record through the application's listener on a worker thread, with the
 * container's error handler deciding, as for a plain listener, whether to retry (after its
 * back-off) or recover (log, dead-letter topic...). Retries happen on the same worker, so
 * later records of the same key wait for them.
 */
final class RecordInvoker implements ParallelDispatcher.RecordProcessor {

	private static final Logger logger = LoggerFactory.getLogger(RecordInvoker.class);

	private static final Acknowledgment WORKER_ACK = new WorkerAcknowledgment(false);

	// Tells the adapter that the record's offset does not depend on this acknowledgment, so
	// it does not warn about an asynchronous result.
	private static final Acknowledgment ASYNC_WORKER_ACK = new WorkerAcknowledgment(true);

	private final Object delegate;

	private final ListenerType type;

	private final MessageListenerContainer container;

	private final CommonErrorHandler errorHandler;

	private final Consumer<?, ?> workerConsumer;

	private final @Nullable MessagingMessageListenerAdapter<?, ?> asyncAdapter;

	private final @Nullable AsyncCompletions completions;

	RecordInvoker(Object delegate, MessageListenerContainer container, @Nullable CommonErrorHandler errorHandler) {
		this.delegate = delegate;
		this.type = ListenerUtils.determineListenerType(delegate);
		this.container = container;
		// The container falls back to a DefaultErrorHandler too when none is set.
		this.errorHandler = (errorHandler != null) ? errorHandler : new DefaultErrorHandler();
		this.workerConsumer = workerConsumer(container);
		this.asyncAdapter = asyncAdapter(delegate);
		this.completions = (this.asyncAdapter != null)
				? new AsyncCompletions(container.getContainerProperties().getObservationRegistry()) : null;
	}

	/**
	 * The listener adapter of a listener method whose result completes later, if this is one.
	 */
	private static @Nullable MessagingMessageListenerAdapter<?, ?> asyncAdapter(Object listener) {
		Object target = listener;
		while (target instanceof DelegatingMessageListener<?> delegating) {
			target = delegating.getDelegate();
		}
		if (target instanceof MessagingMessageListenerAdapter<?, ?> adapter && adapter.isAsyncReplies()) {
			return adapter;
		}
		return null;
	}

	boolean isAsync() {
		return this.asyncAdapter != null;
	}

	@Override
	public ParallelDispatcher.Outcome process(ConsumerRecord<?, ?> record, @Nullable Exception failure,
			boolean reachedListener, AsyncCompletions.Completion completion) {
		Exception pending = failure;
		while (true) {
			if (pending == null) {
				AsyncCompletions.Invocation invocation = null;
				try {
					if (this.completions != null && this.asyncAdapter != null) {
						invocation = this.completions.new Invocation(record, completion);
						this.completions.begin(this.asyncAdapter, invocation);
					}
					invoke(record, (invocation != null) ? ASYNC_WORKER_ACK : WORKER_ACK);
					if (invocation == null || invocation.returned()) {
						return (invocation == null) ? ParallelDispatcher.Outcome.FINISHED
								: ParallelDispatcher.Outcome.PENDING;
					}
					// The result was complete when the method returned.
					pending = invocation.earlyFailure();
					if (pending == null) {
						return ParallelDispatcher.Outcome.FINISHED;
					}
					pending = decorate(pending);
				}
				catch (Exception ex) {
					if (invocation != null) {
						invocation.threw();
					}
					pending = decorate(ex);
				}
				finally {
					if (this.completions != null) {
						this.completions.end();
					}
				}
				// An Error propagates: the dispatcher stops the container with it, from the
				// consumer thread, as Spring Kafka does for a plain listener.
			}
			if (!this.container.isRunning()) {
				return ParallelDispatcher.Outcome.ABANDONED;
			}
			boolean recovered;
			try {
				recovered = this.errorHandler.handleOne(pending, record, this.workerConsumer, this.container);
			}
			catch (RuntimeException ex) {
				logger.error("Error handler failed for {}-{}@{}; the record will be retried", record.topic(),
						record.partition(), record.offset(), ex);
				recovered = false;
			}
			if (recovered) {
				return ParallelDispatcher.Outcome.FINISHED;
			}
			if (!this.container.isRunning()) {
				// Not recovered while stopping: it must not be committed.
				return ParallelDispatcher.Outcome.ABANDONED;
			}
			if (reachedListener) {
				// Retry the listener; a record that never reached it goes back to the error
				// handler, which counts the attempts until it recovers it.
				pending = null;
			}
		}
	}

	/**
	 * Names the consumer group in the failure, as the container does for a failure on its
	 * own thread: the dead-letter recoverer takes the group header from it.
	 */
	private Exception decorate(Exception failure) {
		String group = this.container.getGroupId();
		if (failure instanceof ListenerExecutionFailedException listenerFailure) {
			if (listenerFailure.getGroupId() != null || group == null) {
				return failure;
			}
			ListenerExecutionFailedException decorated = new ListenerExecutionFailedException(
					String.valueOf(failure.getMessage()), group, failure.getCause());
			decorated.setStackTrace(failure.getStackTrace());
			return decorated;
		}
		return new ListenerExecutionFailedException("Listener failed", group, failure);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private void invoke(ConsumerRecord<?, ?> record, Acknowledgment ack) {
		ConsumerRecord raw = record;
		switch (this.type) {
			case ACKNOWLEDGING_CONSUMER_AWARE -> ((AcknowledgingConsumerAwareMessageListener) this.delegate)
				.onMessage(raw, ack, null);
			case CONSUMER_AWARE -> ((ConsumerAwareMessageListener) this.delegate).onMessage(raw, (Consumer) null);
			case ACKNOWLEDGING -> ((AcknowledgingMessageListener) this.delegate).onMessage(raw, ack);
			case SIMPLE -> ((MessageListener) this.delegate).onMessage(raw);
		}
	}

	/**
	 * The consumer an error handler gets on a worker: the real one is not thread-safe and
	 * belongs to the consumer thread, so this one only answers what needs no broker call.
	 */
	private static Consumer<?, ?> workerConsumer(MessageListenerContainer container) {
		return (Consumer<?, ?>) Proxy.newProxyInstance(RecordInvoker.class.getClassLoader(),
				new Class<?>[] { Consumer.class }, (proxy, method, args) -> switch (method.getName()) {
					case "groupMetadata" -> new ConsumerGroupMetadata(String.valueOf(container.getGroupId()));
					case "toString" -> "WorkerConsumer[" + container.getListenerId() + "]";
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException("Consumer." + method.getName()
							+ "() is not available to a parallel listener's worker thread");
				});
	}

	private static final class WorkerAcknowledgment implements Acknowledgment {

		private final boolean outOfOrder;

		WorkerAcknowledgment(boolean outOfOrder) {
			this.outOfOrder = outOfOrder;
		}

		@Override
		public void acknowledge() {
			// The parallel listener commits a record once it and every record before it
			// are done; an acknowledgment from the listener changes nothing.
		}

		@Override
		public void nack(Duration sleep) {
			throw new UnsupportedOperationException("nack() is not supported by parallel listeners; "
					+ "throw an exception to have the container's error handler retry the record");
		}

		@Override
		public boolean isOutOfOrderCommit() {
			return this.outOfOrder;
		}

	}

}
