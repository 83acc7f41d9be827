package io.github.kafkastarter.autoconfigure.interceptor;

import java.util.List;
import java.util.function.Supplier;

import org.springframework.util.function.SingletonSupplier;

/**
 * The interceptor beans of one client, handed to Kafka inside the client's configuration
 * and resolved when Kafka creates the first producer or consumer, so an interceptor bean
 * may itself depend on Kafka beans.
 *
 * @param <T> the interceptor type
 */
final class InterceptorChain<T> {

	private final String client;

	private final SingletonSupplier<List<T>> interceptors;

	InterceptorChain(String client, Supplier<List<T>> interceptors) {
		this.client = client;
		this.interceptors = SingletonSupplier.of(interceptors);
	}

	String client() {
		return this.client;
	}

	List<T> interceptors() {
		return this.interceptors.obtain();
	}

	@Override
	public String toString() {
		// Kafka may print its configuration: name the chain, never dump the beans.
		return "InterceptorChain[" + this.client + "]";
	}

}
