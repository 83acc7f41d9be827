package io.github.kafkastarter.autoconfigure.interceptor;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.jspecify.annotations.Nullable;

import org.springframework.util.function.SingletonSupplier;

/**
 * The partitioner Kafka instantiates from {@code partitioner.class}; it hands every call to
 * the application's {@link Partitioner} bean for its client, which it finds in the
 * producer's configuration. The bean is Spring's: this class neither configures nor closes
 * it.
 */
public class BeanPartitioner implements Partitioner {

	/**
	 * The configuration key that carries the client's partitioner bean.
	 */
	public static final String BEAN_CONFIG = "kafka.starter.partitioner-bean";

	private @Nullable Partitioner delegate;

	@Override
	public void configure(Map<String, ?> configs) {
		if (configs.get(BEAN_CONFIG) instanceof Bean bean) {
			this.delegate = bean.partitioner();
		}
	}

	@Override
	public int partition(String topic, @Nullable Object key, byte @Nullable [] keyBytes, @Nullable Object value,
			byte @Nullable [] valueBytes, Cluster cluster) {
		Partitioner delegate = this.delegate;
		if (delegate == null) {
			throw new IllegalStateException("No Partitioner bean in the producer configuration ('" + BEAN_CONFIG
					+ "'): BeanPartitioner only works in producers of the starter's clients");
		}
		return delegate.partition(topic, key, keyBytes, value, valueBytes, cluster);
	}

	@Override
	public void close() {
	}

	/**
	 * The partitioner bean of one client, resolved when Kafka creates the first producer, so
	 * the bean may itself depend on Kafka beans.
	 */
	static final class Bean {

		private final String client;

		private final String beanName;

		private final SingletonSupplier<Partitioner> partitioner;

		Bean(String client, String beanName, Supplier<Partitioner> partitioner) {
			this.client = client;
			this.beanName = beanName;
			this.partitioner = SingletonSupplier.of(partitioner);
		}

		Partitioner partitioner() {
			return this.partitioner.obtain();
		}

		@Override
		public String toString() {
			// Kafka may print its configuration: name the bean, never dump it.
			return "PartitionerBean[" + this.client + ": " + this.beanName + "]";
		}

	}

}
