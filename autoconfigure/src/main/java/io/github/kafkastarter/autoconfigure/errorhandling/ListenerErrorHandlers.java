package io.github.kafkastarter.autoconfigure.errorhandling;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.consumer.ConsumerReliabilityProperties;
import io.github.kafkastarter.autoconfigure.consumer.ListenerReliabilitySettings;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Builds the error handling of a listener from properties: a {@link DefaultErrorHandler}
 * that retries a failing record ({@code retry.*}) and then hands it to a
 * {@link DeadLetterRecoverer} ({@code dead-letter.*}). The starter installs one on every
 * listener container that has no error handler of the application's; other listener
 * kinds (a parallel listener, for example) take the same handler, recoverer or back-off
 * from here, so that their failures end where every other listener's do.
 */
public class ListenerErrorHandlers implements DisposableBean {

	private final Binder binder;

	private final Map<String, DeadLetterPublishing> publishing = new ConcurrentHashMap<>();

	public ListenerErrorHandlers(Binder binder) {
		this.binder = binder;
	}

	/**
	 * The reliability settings in force for a listener.
	 * @param client the listener's client
	 * @param listenerId the listener id, or {@code null} for the client's own settings
	 * @return the settings
	 */
	public ListenerReliabilitySettings settings(KafkaClient client, @Nullable String listenerId) {
		return ListenerReliabilitySettings.resolve(client, listenerId, this.binder);
	}

	/**
	 * An error handler for one listener: retries with the configured back-off, records
	 * that cannot be deserialized or fail with a non-retryable exception go to the
	 * dead-letter topic at once, a {@link RetryLaterException} is delivered again for as
	 * long as it takes. Works for record listeners and for batch listeners (a
	 * {@code BatchListenerFailedException} names the failed record; any other exception
	 * retries the whole batch, then dead-letters its records one by one). The records
	 * behind a failed one are delivered again from memory, never fetched again.
	 * @param client the listener's client
	 * @param listenerId the listener id, or {@code null}
	 * @return a new error handler (each container takes its own)
	 */
	public DefaultErrorHandler errorHandler(KafkaClient client, @Nullable String listenerId) {
		return errorHandler(client, settings(client, listenerId));
	}

	/**
	 * An error handler for settings already resolved with
	 * {@link #settings(KafkaClient, String)}.
	 * @param client the listener's client
	 * @param settings the listener's settings
	 * @return a new error handler
	 */
	public DefaultErrorHandler errorHandler(KafkaClient client, ListenerReliabilitySettings settings) {
		DefaultErrorHandler handler = new DefaultErrorHandler(recoverer(client, settings), backOff(settings.retry()));
		for (Class<? extends Exception> notRetryable : settings.retry().getNotRetryable()) {
			addNotRetryable(handler, notRetryable);
		}
		// Waiting is never a failure, whatever the not-retryable list says about its
		// superclasses.
		addRetryable(handler, RetryLaterException.class);
		handler.setBackOffFunction((record, exception) -> {
			RetryLaterException retryLater = retryLater(exception);
			return (retryLater != null)
					? new FixedBackOff(retryLater.retryAfter().toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS) : null;
		});
		// A record that waited (RetryLaterException) and then really fails starts its
		// retries afresh.
		handler.setResetStateOnExceptionChange(true);
		// A delivery that will be retried is not an error yet; the recoverer reports the
		// record that is given up.
		handler.setLogLevel(KafkaException.Level.WARN);
		// The records behind a failed one stay in the container instead of being fetched
		// again after a seek: the same at-least-once delivery (nothing is committed past a
		// record before it is processed or dead-lettered), but a record recovered on its
		// first delivery (one that cannot be deserialized, or is not retryable) costs no
		// round trip. A seek drops what the consumer fetched and makes it wait, up to
		// fetch.max.wait.ms, for the fetch it already had in flight, for every poison pill.
		handler.setSeekAfterError(false);
		return handler;
	}

	/**
	 * The recoverer of a listener: the dead-letter topic, or {@code null} when dead
	 * letters are off (Spring Kafka then logs the record and skips it).
	 * @param client the listener's client
	 * @param listenerId the listener id, or {@code null}
	 * @return the recoverer, or {@code null}
	 */
	public @Nullable ConsumerRecordRecoverer recoverer(KafkaClient client, @Nullable String listenerId) {
		return recoverer(client, settings(client, listenerId));
	}

	private @Nullable ConsumerRecordRecoverer recoverer(KafkaClient client, ListenerReliabilitySettings settings) {
		if (!settings.deadLetter().isEnabled()) {
			return null;
		}
		DeadLetterPublishing publishing = this.publishing.computeIfAbsent(client.name(),
				(name) -> new DeadLetterPublishing(client));
		return new DeadLetterRecoverer(publishing, settings.deadLetter());
	}

	/**
	 * The back-off between deliveries of a failing record.
	 * @param retry the retry settings
	 * @return the back-off, stopping after {@code attempts - 1} retries
	 */
	public static BackOff backOff(ConsumerReliabilityProperties.Retry retry) {
		ConsumerReliabilityProperties.Backoff settings = retry.getBackoff();
		ExponentialBackOff backOff = new ExponentialBackOff(settings.getDelay().toMillis(), settings.getMultiplier());
		backOff.setMaxInterval(Math.max(settings.getMaxDelay().toMillis(), settings.getDelay().toMillis()));
		backOff.setJitter(settings.getJitter().toMillis());
		backOff.setMaxAttempts(Math.max(0, retry.getAttempts() - 1));
		return backOff;
	}

	@SuppressWarnings("unchecked")
	private static void addNotRetryable(DefaultErrorHandler handler, Class<? extends Exception> type) {
		handler.addNotRetryableExceptions(type);
	}

	@SuppressWarnings("unchecked")
	private static void addRetryable(DefaultErrorHandler handler, Class<? extends Exception> type) {
		handler.addRetryableExceptions(type);
	}

	private static @Nullable RetryLaterException retryLater(@Nullable Throwable exception) {
		Throwable candidate = exception;
		while (candidate != null) {
			if (candidate instanceof RetryLaterException retryLater) {
				return retryLater;
			}
			candidate = (candidate.getCause() != candidate) ? candidate.getCause() : null;
		}
		return null;
	}

	@Override
	public void destroy() {
		this.publishing.values().forEach(DeadLetterPublishing::close);
		this.publishing.clear();
	}

}
