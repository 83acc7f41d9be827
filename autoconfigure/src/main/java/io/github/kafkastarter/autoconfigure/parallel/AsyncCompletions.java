package io.github.kafkastarter.autoconfigure.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.adapter.MessagingMessageListenerAdapter;

/**
 * Tells a parallel listener when the work of a listener method that returns a
 * {@code CompletableFuture} or a {@code Mono} (or is a Kotlin {@code suspend} function) is
 * done, and whether it failed.
 * <p>
 * Spring Kafka's listener adapter completes such a record in this order, on the thread that
 * completes the result: it acknowledges it (also after a failure), calls its async-failure
 * callback if the result failed, and stops the current observation last. Only the last step
 * says that the outcome is known, so this registry hands the adapter an observation of the
 * record's own for the duration of the invocation; its {@code stop()} is the verdict, and
 * the failure callback, on the same thread just before, tells failure from success. It is
 * the one place where the starter relies on the order of Spring Kafka's calls, and
 * {@code ParallelAsyncListenerTests} fail loudly if that order changes.
 */
final class AsyncCompletions implements ObservationRegistry {

	private final ObservationRegistry delegate;

	// The invocation running on this worker, while the adapter is called.
	private final ThreadLocal<Invocation> invoking = new ThreadLocal<>();

	// The failure the adapter reported on this (completing) thread, for its stop() to read.
	private final ThreadLocal<Failure> failed = new ThreadLocal<>();

	private final BiConsumer<ConsumerRecord<Object, Object>, RuntimeException> failureCallback = (record,
			failure) -> this.failed.set(new Failure(record, failure));

	AsyncCompletions(ObservationRegistry delegate) {
		this.delegate = delegate;
	}

	/**
	 * Prepares the adapter for an invocation on this thread; the container sets its own
	 * callback and registry when it starts, so this runs before every invocation.
	 * @param adapter the listener adapter
	 * @param invocation the invocation
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void begin(MessagingMessageListenerAdapter<?, ?> adapter, Invocation invocation) {
		((MessagingMessageListenerAdapter) adapter).setCallbackForAsyncFailure(this.failureCallback);
		adapter.setObservationRegistry(this);
		this.invoking.set(invocation);
	}

	void end() {
		this.invoking.remove();
	}

	@Override
	public @Nullable Observation getCurrentObservation() {
		Invocation invocation = this.invoking.get();
		return (invocation != null) ? invocation : this.delegate.getCurrentObservation();
	}

	@Override
	public Observation.@Nullable Scope getCurrentObservationScope() {
		return this.delegate.getCurrentObservationScope();
	}

	@Override
	public void setCurrentObservationScope(Observation.@Nullable Scope current) {
		this.delegate.setCurrentObservationScope(current);
	}

	@Override
	public ObservationConfig observationConfig() {
		return this.delegate.observationConfig();
	}

	@Override
	public boolean isNoop() {
		return this.delegate.isNoop();
	}

	private record Failure(ConsumerRecord<?, ?> record, RuntimeException exception) {

	}

	/**
	 * What a record's completion does.
	 */
	@FunctionalInterface
	interface Completion {

		/**
		 * The record's result completed.
		 * @param failure why it failed, or {@code null} if it succeeded
		 */
		void completed(@Nullable RuntimeException failure);

	}

	/**
	 * One invocation of an asynchronous listener, seen by the adapter as its current
	 * observation.
	 */
	final class Invocation implements Observation {

		private static final int INVOKING = 0;

		private static final int RETURNED = 1;

		private static final int COMPLETED_EARLY = 2;

		private static final int DONE = 3;

		private final ConsumerRecord<?, ?> record;

		private final Completion completion;

		private final AtomicInteger state = new AtomicInteger(INVOKING);

		private volatile @Nullable RuntimeException earlyFailure;

		Invocation(ConsumerRecord<?, ?> record, Completion completion) {
			this.record = record;
			this.completion = completion;
		}

		/**
		 * The listener method returned (on the worker).
		 * @return {@code true} if the result is still pending and {@link Completion} will be
		 * called; {@code false} if it completed already (see {@link #earlyFailure()})
		 */
		boolean returned() {
			return this.state.compareAndSet(INVOKING, RETURNED);
		}

		/**
		 * The listener method threw: its result will never be reported.
		 */
		void threw() {
			this.state.set(DONE);
		}

		@Nullable RuntimeException earlyFailure() {
			return this.earlyFailure;
		}

		@Override
		public void stop() {
			Failure failure = AsyncCompletions.this.failed.get();
			AsyncCompletions.this.failed.remove();
			RuntimeException exception = (failure != null && failure.record() == this.record) ? failure.exception()
					: null;
			if (this.state.get() == INVOKING) {
				this.earlyFailure = exception;
				if (this.state.compareAndSet(INVOKING, COMPLETED_EARLY)) {
					return;
				}
			}
			if (this.state.compareAndSet(RETURNED, DONE)) {
				this.completion.completed(exception);
			}
		}

		@Override
		public Observation contextualName(@Nullable String contextualName) {
			return this;
		}

		@Override
		public Observation parentObservation(@Nullable Observation parentObservation) {
			return this;
		}

		@Override
		public Observation lowCardinalityKeyValue(KeyValue keyValue) {
			return this;
		}

		@Override
		public Observation highCardinalityKeyValue(KeyValue keyValue) {
			return this;
		}

		@Override
		public Observation observationConvention(ObservationConvention<?> observationConvention) {
			return this;
		}

		@Override
		public Observation error(Throwable error) {
			return this;
		}

		@Override
		public Observation event(Event event) {
			return this;
		}

		@Override
		public Observation start() {
			return this;
		}

		@Override
		public Context getContext() {
			return Observation.NOOP.getContext();
		}

		@Override
		public ContextView getContextView() {
			return Observation.NOOP.getContextView();
		}

		@Override
		public Scope openScope() {
			return Observation.NOOP.openScope();
		}

	}

}
