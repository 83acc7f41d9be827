package io.github.kafkastarter.autoconfigure.parallel;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.RecordInterceptor;

/**
 * The container's record interceptor for a parallel listener: the application's own
 * interceptor, if any, plus the one place where Spring Kafka lets the listener act on the
 * consumer thread right before each poll ({@link #setupThreadState}) and after it
 * ({@link #clearThreadState}). The dispatcher commits and pauses there.
 */
final class ParallelPollHook implements RecordInterceptor<Object, Object> {

	private final @Nullable RecordInterceptor<Object, Object> delegate;

	private final ParallelDispatcher dispatcher;

	ParallelPollHook(@Nullable RecordInterceptor<Object, Object> delegate, ParallelDispatcher dispatcher) {
		this.delegate = delegate;
		this.dispatcher = dispatcher;
	}

	@Override
	public @Nullable ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
			Consumer<Object, Object> consumer) {
		if (this.delegate == null) {
			return record;
		}
		ConsumerRecord<Object, Object> intercepted = this.delegate.intercept(record, consumer);
		if (intercepted == null) {
			this.dispatcher.skipped(record, consumer);
		}
		return intercepted;
	}

	@Override
	public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
		if (this.delegate != null) {
			this.delegate.success(record, consumer);
		}
	}

	@Override
	public void failure(ConsumerRecord<Object, Object> record, Exception exception,
			Consumer<Object, Object> consumer) {
		if (this.delegate != null) {
			this.delegate.failure(record, exception, consumer);
		}
	}

	@Override
	public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
		if (this.delegate != null) {
			this.delegate.afterRecord(record, consumer);
		}
	}

	@Override
	public void setupThreadState(Consumer<?, ?> consumer) {
		if (this.delegate != null) {
			this.delegate.setupThreadState(consumer);
		}
		this.dispatcher.beforePoll(consumer);
	}

	@Override
	public void clearThreadState(Consumer<?, ?> consumer) {
		this.dispatcher.afterPoll(consumer);
		if (this.delegate != null) {
			this.delegate.clearThreadState(consumer);
		}
	}

	@Nullable RecordInterceptor<Object, Object> delegate() {
		return this.delegate;
	}

}
