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
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.ListenerType;
import org.springframework.kafka.listener.ListenerUtils;
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

	private static final Acknowledgment WORKER_ACK = new Acknowledgment() {

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

	};

	private final Object delegate;

	private final ListenerType type;

	private final MessageListenerContainer container;

	private final CommonErrorHandler errorHandler;

	private final Consumer<?, ?> workerConsumer;

	RecordInvoker(Object delegate, MessageListenerContainer container, @Nullable CommonErrorHandler errorHandler) {
		this.delegate = delegate;
		this.type = ListenerUtils.determineListenerType(delegate);
		this.container = container;
		// The container falls back to a DefaultErrorHandler too when none is set.
		this.errorHandler = (errorHandler != null) ? errorHandler : new DefaultErrorHandler();
		this.workerConsumer = workerConsumer(container);
	}

	@Override
	public boolean process(ConsumerRecord<?, ?> record, @Nullable Exception failure) {
		Exception pending = failure;
		while (true) {
			if (pending == null) {
				try {
					invoke(record);
					return true;
				}
				catch (Exception ex) {
					pending = decorate(ex);
				}
				// An Error propagates: the dispatcher stops the container with it, from the
				// consumer thread, as Spring Kafka does for a plain listener.
			}
			if (!this.container.isRunning()) {
				return false;
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
				return true;
			}
			if (!this.container.isRunning()) {
				// Not recovered while stopping: it must not be committed.
				return false;
			}
			if (failure == null) {
				// Retry the listener; a record that never reached it (failure != null) goes
				// back to the error handler, which counts the attempts until it recovers it.
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
	private void invoke(ConsumerRecord<?, ?> record) {
		ConsumerRecord raw = record;
		switch (this.type) {
			case ACKNOWLEDGING_CONSUMER_AWARE -> ((AcknowledgingConsumerAwareMessageListener) this.delegate)
				.onMessage(raw, WORKER_ACK, null);
			case CONSUMER_AWARE -> ((ConsumerAwareMessageListener) this.delegate).onMessage(raw, (Consumer) null);
			case ACKNOWLEDGING -> ((AcknowledgingMessageListener) this.delegate).onMessage(raw, WORKER_ACK);
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

}
